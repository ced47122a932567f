// Package walk walks a directory tree of an fs.FS for archives and search:
// depth first, in name order, leaving out hidden names, following the
// symlinks that the FS lets it follow (so an os.Root's confinement holds),
// skipping loops, FIFOs, sockets and devices, and stopping as soon as its
// context is done.
package walk

import (
	"context"
	"errors"
	"io"
	"io/fs"
)

// HardMaxDepth is the depth no walk goes below, whatever the caller's own
// cap: it bounds a symlink loop on a system where directories have no
// identity to compare (Sys() is not a *syscall.Stat_t).
const HardMaxDepth = 64

// ErrTooDeep is returned when a directory lies deeper than HardMaxDepth.
var ErrTooDeep = errors.New("walk: directory tree deeper than 64 levels")

// SkipDir, returned by the callback for a directory, leaves its contents
// out of the walk.
var SkipDir = fs.SkipDir

// Entry is one name the walk found.
type Entry struct {
	// Name is the fs name, relative to the FS's root.
	Name string
	// Rel is the name relative to the walked directory: never empty,
	// never absolute, no "." or ".." elements, "/"-separated.
	Rel string
	// Depth is the number of elements of Rel: 1 for an entry of the
	// walked directory itself.
	Depth int
	// Info describes the entry, or the target of a symlink. It is set
	// for directories, and for regular files with Options.FileInfo; it
	// may be nil for a directory whose stat failed.
	Info fs.FileInfo
	// IsDir reports a directory (or a symlink to one); otherwise the
	// entry is a regular file (or a symlink to one).
	IsDir bool
	// IsSymlink reports that the entry itself is a symlink.
	IsSymlink bool

	fsys fs.FS
}

// Stat returns Info, or stats the entry when the walk did not need to.
func (e *Entry) Stat() (fs.FileInfo, error) {
	if e.Info != nil {
		return e.Info, nil
	}
	return fs.Stat(e.fsys, e.Name)
}

// dirent is a directory entry as the walk reads it: a base name, and a
// type (fs.ModeDir, fs.ModeSymlink, 0 for a regular file,
// fs.ModeIrregular for anything else).
type dirent struct {
	name string
	typ  fs.FileMode
}

// readDirFS is readDir through fs.ReadDir and fs.Stat, for any FS.
func readDirFS(fsys fs.FS, name string) ([]dirent, fs.FileInfo, error) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, nil, err
	}
	des, err := fs.ReadDir(fsys, name)
	if err != nil {
		return nil, nil, err
	}
	out := make([]dirent, len(des))
	for i, de := range des {
		t := de.Type()
		if t&^(fs.ModeDir|fs.ModeSymlink) != 0 {
			t = fs.ModeIrregular
		}
		out[i] = dirent{name: de.Name(), typ: t}
	}
	return out, info, nil
}

// Options configure Walk. The zero value walks everything.
type Options struct {
	// Hidden, when not nil, is asked about each fs name; a name it
	// reports is left out, and a directory is not entered.
	Hidden func(name string) bool
	// HideDotfiles leaves out every name that starts with a dot.
	HideDotfiles bool
	// FileInfo asks for the Info of regular files, which otherwise
	// costs no stat. Directories always have one.
	FileInfo bool
}

// Walk calls fn for every entry below the directory dir of fsys (not for
// dir itself), depth first, each directory's entries in name order (as
// fs.ReadDir sorts them), a directory before its contents. fn may return
// SkipDir for a directory to leave its contents out; any other error ends
// the walk and is returned.
//
// A symlink is stat'ed through fsys, and left out when that fails:
// dangling, or leading out of an os.Root. A symlink to a directory is
// followed unless that directory is already on the path from dir (a
// loop); directories are compared by device and inode where the FS's
// FileInfo has them, and the walk never goes deeper than HardMaxDepth.
// FIFOs, sockets, devices and other irregular files are left out, as are
// names the FS cannot read. An unreadable directory below dir is left
// out; dir itself must be readable.
//
// Walk checks ctx before reading each directory and before each call of
// fn, and returns ctx.Err() once it is done.
func Walk(ctx context.Context, fsys fs.FS, dir string, opts Options, fn func(*Entry) error) error {
	des, info, err := readDir(fsys, dir)
	if err != nil {
		return err
	}
	w := walker{ctx: ctx, fsys: fsys, opts: opts, fn: fn}
	if id, ok := idOf(info); ok {
		w.stack = append(w.stack, id)
	}
	return w.dir(dir, "", 0, des)
}

type walker struct {
	ctx   context.Context
	fsys  fs.FS
	opts  Options
	fn    func(*Entry) error
	stack []fileID // the directories being walked, from dir down
}

// dir walks the entries des of the directory name, whose Rel is rel and
// depth depth.
func (w *walker) dir(name, rel string, depth int, des []dirent) error {
	if depth >= HardMaxDepth {
		return ErrTooDeep
	}
	var e Entry
	for _, de := range des {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		base := de.name
		if w.opts.HideDotfiles && len(base) > 0 && base[0] == '.' {
			continue
		}
		e = Entry{Name: join(name, base), Rel: join(rel, base), Depth: depth + 1, fsys: w.fsys}
		if w.opts.Hidden != nil && w.opts.Hidden(e.Name) {
			continue
		}
		t := de.typ
		var sub []dirent // a directory's entries, read before fn is called
		switch {
		case t&fs.ModeSymlink != 0:
			info, err := fs.Stat(w.fsys, e.Name)
			if err != nil {
				continue // dangling, or out of the root
			}
			e.IsSymlink, e.Info = true, info
			if !info.IsDir() && !info.Mode().IsRegular() {
				continue
			}
			e.IsDir = info.IsDir()
		case t.IsDir():
			e.IsDir = true
		case t.IsRegular():
			if w.opts.FileInfo {
				info, err := fs.Stat(w.fsys, e.Name)
				if err != nil || !info.Mode().IsRegular() {
					continue // gone, or replaced since the directory was read
				}
				e.Info = info
			}
		default:
			continue // FIFO, socket, device
		}
		var id fileID
		var hasID, readable bool
		if e.IsDir {
			if err := w.ctx.Err(); err != nil {
				return err
			}
			// Read it now: the open directory's fstat is its identity,
			// to tell a loop (through a symlink or a bind mount), and
			// its time.
			var info fs.FileInfo
			var err error
			if sub, info, err = readDir(w.fsys, e.Name); err == nil {
				readable = true
				if e.Info == nil {
					e.Info = info
				}
				if id, hasID = idOf(info); hasID && w.onStack(id) {
					continue // a loop
				}
			}
		}
		if err := w.fn(&e); err != nil {
			if err == SkipDir && e.IsDir {
				continue
			}
			return err
		}
		if !readable {
			continue // a file, or a directory that cannot be read
		}
		if hasID {
			w.stack = append(w.stack, id)
		}
		err := w.dir(e.Name, e.Rel, depth+1, sub)
		if hasID {
			w.stack = w.stack[:len(w.stack)-1]
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (w *walker) onStack(id fileID) bool {
	for _, s := range w.stack {
		if s == id {
			return true
		}
	}
	return false
}

// join joins a directory's name and an entry's, "." and "" being the top.
func join(dir, base string) string {
	if dir == "" || dir == "." {
		return base
	}
	return dir + "/" + base
}

// CheckDir reports whether dir is a directory of fsys that can be read,
// reading one entry of it, before a caller starts a response that walks
// it: fs.ReadDir would read it whole, and an os.Root's
// ReadDir lstats every entry.
func CheckDir(fsys fs.FS, dir string) error {
	f, err := fsys.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return &fs.PathError{Op: "readdir", Path: dir, Err: fs.ErrInvalid}
	}
	if d, ok := f.(fs.ReadDirFile); ok {
		if _, err := d.ReadDir(1); err != nil && err != io.EOF {
			return err
		}
	}
	return nil
}
