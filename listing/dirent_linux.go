package listing

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// direntBufs holds getdents(2) buffers: a 10,000-entry directory takes a
// handful of calls with 64 KiB each.
var direntBufs = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// readOpen reads the entries of the directory f, which [read] opened, with
// getdents(2) and fstatat(2) on f's descriptor. It is the fast path for
// an *os.File, which is what os.DirFS and an [os.Root]'s FS hand out: an
// os.File opened in a Root lstats every entry while it reads the
// directory, where the type getdents reports is all that a names-only
// page needs. Entries are stat'ed only when withInfo is set or their type
// asks for it (symlinks, irregular files, a file system that reports no
// type), and always without following a link, relative to the directory,
// so nothing outside it is touched.
//
// It returns errNoFastPath when f has no descriptor.
func readOpen(f fs.File, withInfo, hideDot bool) ([]Entry, error) {
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
		entries, rerr = readFD(int(fd), withInfo, hideDot)
	}); err != nil {
		return nil, err
	}
	return entries, rerr
}

// Offsets in struct linux_dirent64, the same on every Linux architecture.
const (
	direntReclen = 16
	direntType   = 18
	direntName   = 19
)

func readFD(fd int, withInfo, hideDot bool) ([]Entry, error) {
	// Read every record first, into pooled buffers, so that the entries
	// and their names can be allocated once at their exact size: one
	// slice of entries and one string that all the names share.
	var chunks []*[]byte
	defer func() {
		for _, c := range chunks {
			direntBufs.Put(c)
		}
	}()
	count, nameBytes := 0, 0
	for {
		bp := direntBufs.Get().(*[]byte)
		*bp = (*bp)[:cap(*bp)]
		n, err := unix.Getdents(fd, *bp)
		for err == syscall.EINTR {
			n, err = unix.Getdents(fd, *bp)
		}
		if err != nil || n <= 0 {
			direntBufs.Put(bp)
			if err != nil {
				return nil, &fs.PathError{Op: "readdirent", Path: ".", Err: err}
			}
			break
		}
		*bp = (*bp)[:n]
		chunks = append(chunks, bp)
		if err := eachDirent(*bp, hideDot, func(name []byte, typ byte) {
			count++
			nameBytes += len(name)
		}); err != nil {
			return nil, err
		}
	}

	var names strings.Builder
	names.Grow(nameBytes)
	for _, c := range chunks {
		eachDirent(*c, hideDot, func(name []byte, typ byte) { names.Write(name) })
	}
	all := names.String()

	entries := make([]Entry, 0, count)
	off := 0
	for _, c := range chunks {
		eachDirent(*c, hideDot, func(name []byte, typ byte) {
			e := Entry{Name: all[off : off+len(name)]}
			off += len(name)
			switch typ {
			case unix.DT_DIR:
				e.IsDir = true
			case unix.DT_LNK:
				e.IsSymlink = true
			}
			if withInfo || (typ != unix.DT_DIR && typ != unix.DT_REG) {
				var st unix.Stat_t
				err := unix.Fstatat(fd, e.Name, &st, unix.AT_SYMLINK_NOFOLLOW)
				for err == syscall.EINTR {
					err = unix.Fstatat(fd, e.Name, &st, unix.AT_SYMLINK_NOFOLLOW)
				}
				if errors.Is(err, syscall.ENOENT) {
					return // gone between getdents and the stat
				}
				if err == nil {
					switch st.Mode & unix.S_IFMT {
					case unix.S_IFDIR:
						e.IsDir = true
					case unix.S_IFLNK:
						e.IsSymlink = true
					}
					e.Size = st.Size
					e.ModTime = time.Unix(st.Mtim.Unix())
				}
			}
			entries = append(entries, e)
		})
	}
	return entries, nil
}

// eachDirent calls fn for each record in buf, a getdents(2) result,
// except "." and "..", and dotfiles when hideDot is set. name is only
// valid during the call.
func eachDirent(buf []byte, hideDot bool, fn func(name []byte, typ byte)) error {
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
		if len(name) == 0 || string(name) == "." || string(name) == ".." || hideDot && name[0] == '.' {
			continue
		}
		fn(name, rec[direntType])
	}
	return nil
}
