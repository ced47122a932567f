//go:build linux

package walk

import (
	"bytes"
	"encoding/binary"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// direntBuf is the getdents(2) buffer of one call.
var direntBufs = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// Offsets in struct linux_dirent64, the same on every Linux architecture.
const (
	direntReclen = 16
	direntType   = 18
	direntName   = 19
)

// readDir reads the directory name of fsys: its entries' names and
// types, sorted by name, and its own FileInfo. For a directory that the FS opens as an
// *os.File it reads them with getdents(2) itself: an os.File opened in
// an os.Root lstats every entry while it reads the directory (Go 1.26),
// where the type the directory entry holds is all the walk needs. It
// falls back to fs.ReadDir for any other FS, and for a file system that
// reports no types.
func readDir(fsys fs.FS, name string) ([]dirent, fs.FileInfo, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !info.IsDir() {
		return nil, nil, &fs.PathError{Op: "readdir", Path: name, Err: syscall.ENOTDIR}
	}
	sc, ok := f.(syscall.Conn)
	if !ok {
		return readDirFS(fsys, name)
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return readDirFS(fsys, name)
	}
	// The names go into one buffer, made one string at the end: one
	// allocation per directory rather than one per name.
	type record struct {
		off, n int
		typ    fs.FileMode
	}
	var recs []record
	var all []byte
	var rerr error
	unknown := false
	cerr := rc.Control(func(fd uintptr) {
		bp := direntBufs.Get().(*[]byte)
		defer direntBufs.Put(bp)
		buf := (*bp)[:cap(*bp)]
		for {
			n, err := unix.Getdents(int(fd), buf)
			if err == syscall.EINTR {
				continue
			}
			if err != nil {
				rerr = &fs.PathError{Op: "readdirent", Path: name, Err: err}
				return
			}
			if n <= 0 {
				return
			}
			b := buf[:n]
			for len(b) >= direntName {
				reclen := int(binary.NativeEndian.Uint16(b[direntReclen:]))
				if reclen < direntName || reclen > len(b) {
					rerr = &fs.PathError{Op: "readdirent", Path: name, Err: syscall.EIO}
					return
				}
				rec := b[:reclen]
				b = b[reclen:]
				nm := rec[direntName:]
				if i := bytes.IndexByte(nm, 0); i >= 0 {
					nm = nm[:i]
				}
				if len(nm) == 0 || string(nm) == "." || string(nm) == ".." {
					continue
				}
				var typ fs.FileMode
				switch rec[direntType] {
				case unix.DT_REG:
				case unix.DT_DIR:
					typ = fs.ModeDir
				case unix.DT_LNK:
					typ = fs.ModeSymlink
				case unix.DT_UNKNOWN:
					unknown = true
				default:
					typ = fs.ModeIrregular
				}
				recs = append(recs, record{off: len(all), n: len(nm), typ: typ})
				all = append(all, nm...)
			}
		}
	})
	if cerr != nil || unknown {
		return readDirFS(fsys, name)
	}
	if rerr != nil {
		return nil, nil, rerr
	}
	names := string(all)
	des := make([]dirent, len(recs))
	for i, r := range recs {
		des[i] = dirent{name: names[r.off : r.off+r.n], typ: r.typ}
	}
	slices.SortFunc(des, func(a, b dirent) int { return strings.Compare(a.name, b.name) })
	return des, info, nil
}
