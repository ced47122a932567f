package fileserver

import (
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"syscall"

	"github.com/pyhttp/httpserver/internal/safepath"
)

// RootFS returns the file system of root, to serve with [New]. It is
// root.FS(), with two differences:
//
//   - It opens names that are not UTF-8. root.FS() refuses every name
//     that fails [fs.ValidPath], and a name with a byte that is not UTF-8
//     ("bad\xff.txt", as old archives and Windows shares leave behind)
//     fails it: such a file would be listed, but its link would answer
//     404. RootFS accepts those bytes and nothing more: any name
//     fs.ValidPath refuses for another reason ("..", "a/../b", "/etc",
//     "a//b", "") fails with [fs.ErrInvalid], as with root.FS(). It does
//     so on purpose, where io/fs asks an FS to refuse every name
//     fs.ValidPath refuses.
//   - It opens files with O_NONBLOCK (on Unix). For a regular file or a
//     directory that changes nothing but the system calls around the
//     open: os.File then skips making the descriptor non-blocking and back
//     again, four fcntl calls per response that epoll refuses anyway. And a
//     file swapped for a FIFO between the handler's stat and its open no
//     longer blocks the request in open(2) waiting for a writer; with no
//     writer it reads as empty.
//
// Confinement is the os.Root's: no name, and no symlink, leads out of
// the root. Like root.FS(), the result implements [fs.StatFS],
// [fs.ReadDirFS], [fs.ReadFileFS] and [fs.ReadLinkFS], and its files are
// *os.File values, so [Handler] sends them with sendfile.
func RootFS(root *os.Root) fs.FS { return rootFS{root} }

type rootFS struct{ root *os.Root }

var (
	_ fs.StatFS     = rootFS{}
	_ fs.ReadDirFS  = rootFS{}
	_ fs.ReadFileFS = rootFS{}
	_ fs.ReadLinkFS = rootFS{}
)

// invalid is the error for a name that is not valid, bad bytes aside.
func invalid(op, name string) error {
	return &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
}

// open opens name for reading, non-blocking, through the root.
func (r rootFS) open(name string) (*os.File, error) {
	return r.root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}

// Open opens name for reading through the root.
func (r rootFS) Open(name string) (fs.File, error) {
	if !safepath.ValidName(name) {
		return nil, invalid("open", name)
	}
	f, err := r.open(name)
	if err != nil {
		return nil, err // not a nil *os.File in a non-nil fs.File
	}
	return f, nil
}

// Stat returns the FileInfo of name, following a final symlink.
func (r rootFS) Stat(name string) (fs.FileInfo, error) {
	if !safepath.ValidName(name) {
		return nil, invalid("stat", name)
	}
	return r.root.Stat(name)
}

// Lstat returns the FileInfo of name without following a final symlink.
func (r rootFS) Lstat(name string) (fs.FileInfo, error) {
	if !safepath.ValidName(name) {
		return nil, invalid("lstat", name)
	}
	return r.root.Lstat(name)
}

// ReadLink returns the target of the symlink name.
func (r rootFS) ReadLink(name string) (string, error) {
	if !safepath.ValidName(name) {
		return "", invalid("readlink", name)
	}
	return r.root.Readlink(name)
}

// ReadDir reads the directory name, sorted by file name.
func (r rootFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if !safepath.ValidName(name) {
		return nil, invalid("readdir", name)
	}
	f, err := r.open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	des, err := f.ReadDir(-1)
	slices.SortFunc(des, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return des, err
}

// ReadFile reads the file name whole.
func (r rootFS) ReadFile(name string) ([]byte, error) {
	if !safepath.ValidName(name) {
		return nil, invalid("readfile", name)
	}
	f, err := r.open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}
