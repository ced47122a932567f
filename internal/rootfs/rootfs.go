// Package rootfs serves an os.Root as an fs.FS the way the command needs:
// root.FS(), with files opened O_NONBLOCK.
package rootfs

import (
	"io/fs"
	"os"
	"syscall"
)

// FS is root.FS(), except that files are opened with O_NONBLOCK. On a
// regular file or a directory that changes nothing but the system calls
// around the open: os.File then skips making the descriptor non-blocking
// and back again (four fcntl calls per response that epoll refuses
// anyway). And a file swapped for a FIFO between the
// handler's stat and its open no longer blocks the request in open(2)
// waiting for a writer; with no writer it reads as empty.
type FS struct {
	root *os.Root
	fsys fs.FS // root.FS(), for Stat and ReadDir
}

// New returns the FS of root.
func New(root *os.Root) FS { return FS{root, root.FS()} }

var (
	_ fs.StatFS    = FS{}
	_ fs.ReadDirFS = FS{}
)

// Open opens name for reading, non-blocking, through the root: a name
// that is not valid for fs.FS, or that leads out of the root, fails.
func (r FS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	f, err := r.root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Stat is root.FS()'s Stat.
func (r FS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(r.fsys, name) }

// ReadDir is root.FS()'s ReadDir.
func (r FS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(r.fsys, name) }
