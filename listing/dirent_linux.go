package listing

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// readFast reads the entries of the directory f with getdents(2), and
// stats them with fstatat(2) relative to f's descriptor, without
// following links, so that nothing outside the directory is touched. It
// returns errNoFastPath when f has no descriptor.
//
// It keeps one rule: an entry is stat'ed only when withInfo is set or its
// directory entry's type does not tell all (a symlink, an irregular file,
// a file system that reports no types). The entries are those readDir
// gives for the same directory (TestReadFastPath checks that).
// An *os.File opened in an [os.Root], which is what an os.Root's FS and
// fileserver.RootFS hand out, lstats every entry in ReadDir, where
// Python's page needs only the types getdents reports.
func readFast(f fs.File, opts ReadOptions, withInfo bool) ([]Entry, error) {
	sc, ok := f.(syscall.Conn)
	if !ok {
		return nil, errNoFastPath
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil, errNoFastPath
	}
	var entries []Entry
	var rerr error
	if err := rc.Control(func(fd uintptr) {
		entries, rerr = readFD(int(fd), opts, withInfo)
	}); err != nil {
		return nil, err
	}
	return entries, rerr
}

// readFD reads the directory open as fd: its names and types with
// getdents, then a stat for each entry that needs one.
func readFD(fd int, opts ReadOptions, withInfo bool) ([]Entry, error) {
	names, err := readNames(fd)
	if err != nil {
		return nil, err
	}
	entries := make([]Entry, 0, len(names))
	for _, n := range names {
		e := Entry{Name: n.name, IsDir: n.typ == unix.DT_DIR, IsSymlink: n.typ == unix.DT_LNK}
		if opts.hides(e.Name) {
			continue
		}
		if withInfo || n.typ != unix.DT_DIR && n.typ != unix.DT_REG {
			var st unix.Stat_t
			err := unix.Fstatat(fd, e.Name, &st, unix.AT_SYMLINK_NOFOLLOW)
			for err == syscall.EINTR {
				err = unix.Fstatat(fd, e.Name, &st, unix.AT_SYMLINK_NOFOLLOW)
			}
			if errors.Is(err, syscall.ENOENT) {
				continue // gone between getdents and the stat
			}
			if err == nil {
				e.IsDir = st.Mode&unix.S_IFMT == unix.S_IFDIR
				e.IsSymlink = st.Mode&unix.S_IFMT == unix.S_IFLNK
				e.Size = st.Size
				e.ModTime = time.Unix(st.Mtim.Unix())
			}
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// dirent is a name getdents returned, with its type (unix.DT_*).
type dirent struct {
	name string
	typ  byte
}

// readNames reads every name in the directory open as fd with getdents,
// in the directory's order, without "." and "..".
func readNames(fd int) ([]dirent, error) {
	buf := make([]byte, 64<<10)
	var names []dirent
	for {
		n, err := unix.Getdents(fd, buf)
		for err == syscall.EINTR {
			n, err = unix.Getdents(fd, buf)
		}
		if err != nil {
			return nil, &fs.PathError{Op: "readdirent", Path: ".", Err: err}
		}
		if n <= 0 {
			return names, nil
		}
		if err := eachDirent(buf[:n], func(name []byte, typ byte) {
			names = append(names, dirent{string(name), typ})
		}); err != nil {
			return nil, err
		}
	}
}

// Offsets in struct linux_dirent64, the same on every Linux architecture.
const (
	direntReclen = 16
	direntType   = 18
	direntName   = 19
)

// eachDirent calls fn for each record in buf, a getdents(2) result,
// except "." and "..". name is only valid during the call.
func eachDirent(buf []byte, fn func(name []byte, typ byte)) error {
	for len(buf) >= direntName {
		reclen := int(binary.NativeEndian.Uint16(buf[direntReclen:]))
		if reclen < direntName || reclen > len(buf) {
			return &fs.PathError{Op: "readdirent", Path: ".", Err: syscall.EIO}
		}
		rec := buf[:reclen]
		buf = buf[reclen:]
		name := rec[direntName:]
		if i := bytes.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		if len(name) == 0 || string(name) == "." || string(name) == ".." {
			continue
		}
		fn(name, rec[direntType])
	}
	return nil
}
