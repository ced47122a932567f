package listing

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"path"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// direntBufs holds getdents(2) buffers: a 10,000-entry directory takes a
// handful of calls with 64 KiB each.
var direntBufs = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// readOpen reads the entries of the directory f, which [read] opened and
// found to be info, with getdents(2) and fstatat(2) on f's descriptor. It
// is the fast path for an *os.File, which is what os.DirFS and an
// [os.Root]'s FS hand out: an os.File opened in a Root lstats every entry
// while it reads the directory, where the type getdents reports is all
// that a names-only page needs. Entries are stat'ed only when withInfo is
// set or their type asks for it (symlinks, irregular files, a file system
// that reports no type), and always without following a link, relative
// to the directory, so nothing outside it is touched.
//
// The entries come sorted by name (Sort's ByName, ascending, directories
// mixed in). The names of a large directory are taken from c when it
// holds them for this very state of the directory (c may be nil).
//
// opts.Lstat, when set, is asked before an entry is stat'ed.
//
// It returns errNoFastPath when f has no descriptor.
func readOpen(f fs.File, info fs.FileInfo, name string, withInfo bool, opts ReadOptions, c *dirCache) ([]Entry, error) {
	sc, ok := f.(syscall.Conn)
	if !ok {
		return nil, errNoFastPath
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil, errNoFastPath
	}
	var st *syscall.Stat_t
	if info != nil {
		st, _ = info.Sys().(*syscall.Stat_t)
	}
	var entries []Entry
	var rerr error
	if err := rc.Control(func(fd uintptr) {
		entries, rerr = readFD(int(fd), st, name, withInfo, opts, c)
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

// readFD reads the directory name open as fd, whose fstat is st (nil if
// unknown): its names, from c or getdents, then a stat per entry that
// needs one, from opts.Lstat when it answers.
func readFD(fd int, st *syscall.Stat_t, name string, withInfo bool, opts ReadOptions, c *dirCache) ([]Entry, error) {
	names, err := c.names(fd, st)
	if err != nil {
		return nil, err
	}
	entries := make([]Entry, 0, len(names))
	for _, e := range names {
		if opts.HideDotfiles && e.Name[0] == '.' {
			continue
		}
		mustStat := e.Size == needsStat
		e.Size = 0
		if (withInfo || mustStat) && opts.Lstat != nil {
			if info, ok := opts.Lstat(path.Join(name, e.Name)); ok {
				e.IsDir, e.IsSymlink = info.IsDir(), info.Mode()&fs.ModeSymlink != 0
				e.Size, e.ModTime = info.Size(), info.ModTime()
				entries = append(entries, e)
				continue
			}
		}
		if withInfo || mustStat {
			var es unix.Stat_t
			err := unix.Fstatat(fd, e.Name, &es, unix.AT_SYMLINK_NOFOLLOW)
			for err == syscall.EINTR {
				err = unix.Fstatat(fd, e.Name, &es, unix.AT_SYMLINK_NOFOLLOW)
			}
			if errors.Is(err, syscall.ENOENT) {
				continue // gone between getdents and the stat
			}
			if err == nil {
				switch es.Mode & unix.S_IFMT {
				case unix.S_IFDIR:
					e.IsDir = true
				case unix.S_IFLNK:
					e.IsSymlink = true
				}
				e.Size = es.Size
				e.ModTime = time.Unix(es.Mtim.Unix())
			}
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// needsStat is the Size of a name, as readNames returns it, whose
// directory entry does not tell all: a symlink, an irregular file, or an
// entry of unknown type.
const needsStat = -1

// readNames reads every name in the directory open as fd with getdents,
// sorted by name, without "." and "..". An entry has its Name, IsDir or
// IsSymlink as the directory entry's type says, and a Size of needsStat
// when that type is not enough.
func readNames(fd int) ([]Entry, error) {
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
		if err := eachDirent(*bp, func(name []byte, typ byte) {
			count++
			nameBytes += len(name)
		}); err != nil {
			return nil, err
		}
	}

	var names strings.Builder
	names.Grow(nameBytes)
	for _, c := range chunks {
		eachDirent(*c, func(name []byte, typ byte) { names.Write(name) })
	}
	all := names.String()

	entries := make([]Entry, 0, count)
	off := 0
	for _, c := range chunks {
		eachDirent(*c, func(name []byte, typ byte) {
			e := Entry{Name: all[off : off+len(name)]}
			off += len(name)
			switch typ {
			case unix.DT_DIR:
				e.IsDir = true
			case unix.DT_REG:
			case unix.DT_LNK:
				e.IsSymlink = true
				e.Size = needsStat
			default:
				e.Size = needsStat
			}
			entries = append(entries, e)
		})
	}
	l := Listing{Entries: entries}
	l.Sort(Order{})
	return entries, nil
}

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
