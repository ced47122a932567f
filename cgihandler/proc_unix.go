//go:build unix

package cgihandler

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"
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
	syscall.Kill(-p.Pid, syscall.SIGKILL)
}
