//go:build unix

package cgihandler

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// procAttr is how scripts are started: in a process group of their own,
// so that the whole group can be killed, and as an unprivileged user when
// the server is root.
type procAttr struct {
	cred *syscall.Credential // nil: keep the server's user
	err  error               // the run-as user could not be looked up
}

// newProcAttr looks the user up once; whether to use it is decided per
// script, since a server may start as root and drop privileges later.
func newProcAttr(name string, runAsRoot bool) procAttr {
	if runAsRoot {
		return procAttr{}
	}
	u, err := user.Lookup(name)
	if err != nil {
		return procAttr{err: fmt.Errorf("cgihandler: looking up the script user: %w", err)}
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil || uid == 0 {
		return procAttr{err: fmt.Errorf("cgihandler: unusable script user %q (uid %s, gid %s)", name, u.Uid, u.Gid)}
	}
	// Python only called setuid(nobody), keeping root's group and
	// supplementary groups; we set both ids and, with an empty Groups,
	// exec's setgroups(0) drops the supplementary ones.
	return procAttr{cred: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}}
}

func (p procAttr) sysProcAttr() (*syscall.SysProcAttr, error) {
	if os.Geteuid() != 0 {
		return &syscall.SysProcAttr{Setpgid: true}, nil
	}
	if p.err != nil {
		return nil, p.err
	}
	return &syscall.SysProcAttr{Setpgid: true, Credential: p.cred}, nil
}

// killGroup kills every process in the script's process group. The group
// is the script's pid, which cannot be reused while any member lives.
func killGroup(p *os.Process) {
	unix.Kill(-p.Pid, unix.SIGKILL)
}

// lookPath finds an interpreter in the server's PATH. When scripts run as
// another user, an entry that user cannot execute is skipped, as execvp
// (and so a script's "#!/usr/bin/env python3") skips it: root's PATH may
// list a python3 under root's home before /usr/bin's.
func (p procAttr) lookPath(name string) (string, error) {
	if os.Geteuid() != 0 || p.cred == nil || strings.ContainsRune(name, '/') {
		return exec.LookPath(name)
	}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue // a relative PATH entry would depend on the working directory
		}
		candidate := filepath.Join(dir, name)
		if p.canExec(candidate) {
			return candidate, nil
		}
	}
	return "", &exec.Error{Name: name, Err: exec.ErrNotFound}
}

// canExec reports whether the script user may execute path: the file and
// every directory above it grant it the x permission.
func (p procAttr) canExec(path string) bool {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return false
	}
	info, err := os.Stat(real)
	if err != nil || !info.Mode().IsRegular() || !p.grantsX(info) {
		return false
	}
	for dir := filepath.Dir(real); ; dir = filepath.Dir(dir) {
		info, err := os.Stat(dir)
		if err != nil || !p.grantsX(info) {
			return false
		}
		if dir == "/" || dir == "." {
			return true
		}
	}
}

// grantsX reports whether info's mode lets the script user execute or
// search it, by owner, group or other bits as the kernel would.
func (p procAttr) grantsX(info os.FileInfo) bool {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return false
	}
	perm := info.Mode().Perm()
	switch {
	case st.Uid == p.cred.Uid:
		return perm&0o100 != 0
	case st.Gid == p.cred.Gid:
		return perm&0o010 != 0
	}
	return perm&0o001 != 0
}
