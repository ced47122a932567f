package listing

import (
	"errors"
	"io/fs"
	"path"
	"strings"
	"time"
)

// Entry is one name in a directory.
type Entry struct {
	// Name is the entry's name as the FS reports it, byte for byte; it
	// may contain anything but a slash and NUL, including bytes that are
	// not UTF-8.
	Name string
	// IsDir reports a directory, or a symlink whose target is a directory
	// inside the FS.
	IsDir bool
	// IsSymlink reports a symbolic link, whatever its target.
	IsSymlink bool
	// Size is the size in bytes of the file, or of the link's target
	// when that could be stat'ed.
	Size int64
	// ModTime is the modification time; the zero Time when unknown.
	ModTime time.Time
}

// mark is what Python's page writes after an entry's name: "@" for a
// symlink (even to a directory, which it links as "name/"), "/" for a
// directory, nothing for a file.
func (e *Entry) mark() string {
	switch {
	case e.IsSymlink:
		return "@"
	case e.IsDir:
		return "/"
	}
	return ""
}

// Listing is a directory read from an fs.FS: the model the renderers
// (and custom templates) work from.
type Listing struct {
	// Path is the directory's path as the client sees it, for titles:
	// "/docs/". [Renderer.ServeDir] sets it from the request.
	Path string
	// Name is the io/fs name the listing was read from ("." for the root).
	Name string
	// ModTime is the directory's own modification time.
	ModTime time.Time
	// Entries are the directory's entries, in the order set by [Read] or
	// the last [Listing.Sort].
	Entries []Entry
}

// ReadOptions say which entries of a directory [Read] and
// [Renderer.ServeDir] list. The zero value lists them all, like Python.
type ReadOptions struct {
	// HideDotfiles leaves out entries whose names start with a dot.
	// Default: false, listed like Python. (fileserver sets it from its
	// own HideDotfiles, which also refuses to serve such names.)
	HideDotfiles bool

	// Hide, when not nil, leaves out each entry for whose fs name
	// ("dir/entry", "entry" in the root) it returns true, such as
	// access.Policy's Hidden. Default: nil, nothing more left out.
	Hide func(name string) bool

	// Lstat, when not nil, is asked first (on Linux) for each entry's stat, without
	// following a final symlink, by the entry's fs name; it reports false
	// when it has no answer, and the entry is then stat'ed as usual.
	// package fileserver passes its stat cache (Options.WatchFiles), so
	// that listing an unchanged directory costs no stat per entry. What
	// it returns must be true of the entry now. Default: nil.
	Lstat func(name string) (fs.FileInfo, bool)
}

// Read reads the directory name (an io/fs name, "." for the root) of fsys
// into a Listing in Python's order (the zero [Order]), without the
// entries opts leaves out.
//
// Symlinks are never followed out of fsys: a link is stat'ed through fsys
// (so an [os.Root]'s FS refuses a target outside the root), and a link
// that cannot be stat'ed, dangling or leading out, is listed as a plain
// entry with its own size and time.
func Read(fsys fs.FS, name string, opts ReadOptions) (*Listing, error) {
	l, sorted, err := read(fsys, name, opts, true, false, nil)
	if err == nil && !sorted {
		l.Sort(Order{})
	}
	return l, err
}

// read reads the directory name of fsys as Read does, but leaves the
// order to the caller: sorted reports entries already in Python's order.
// Without withInfo, entries that are not symlinks may have no size or
// time, and cost no stat. With dropUnreachable, a symlink whose target
// cannot be stat'ed through fsys (dangling, or out of an os.Root) is left
// out: following its link could only fail. c, if not nil, keeps the
// names of large directories between calls.
func read(fsys fs.FS, name string, opts ReadOptions, withInfo, dropUnreachable bool, c *dirCache) (l *Listing, sorted bool, err error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, false, err
	}
	if !info.IsDir() {
		return nil, false, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	entries, err := readOpen(f, info, name, withInfo, opts, c)
	sorted = err == nil // readOpen's entries come sorted by name
	if err == errNoFastPath {
		entries, err = readFS(fsys, name, withInfo, opts.HideDotfiles)
	}
	if err != nil {
		return nil, false, err
	}
	kept := entries[:0]
	for i := range entries {
		e := entries[i]
		if opts.Hide != nil && opts.Hide(path.Join(name, e.Name)) {
			continue
		}
		if e.IsSymlink {
			// Python's os.path.isdir follows the link; we follow it
			// only through fsys, which keeps an os.Root's confinement.
			// root.FS() refuses a name that is not UTF-8, which is then
			// listed as a plain entry; fileserver.RootFS follows it.
			fi, err := fs.Stat(fsys, path.Join(name, e.Name))
			switch {
			case err == nil:
				e.IsDir = fi.IsDir()
				e.Size, e.ModTime = fi.Size(), fi.ModTime()
			case dropUnreachable:
				continue
			}
		}
		if e.IsDir {
			e.Size = 0 // a directory's size is the FS's business, not the reader's
		}
		kept = append(kept, e)
	}
	return &Listing{Name: name, ModTime: info.ModTime(), Entries: kept}, sorted, nil
}

// errNoFastPath is readOpen's answer for a directory it cannot read
// itself.
var errNoFastPath = errors.New("listing: no fast path")

// readFS reads the directory name through fs.ReadDir, for any fs.FS.
func readFS(fsys fs.FS, name string, withInfo, hideDot bool) ([]Entry, error) {
	des, err := fs.ReadDir(fsys, name)
	if err != nil {
		return nil, err
	}
	entries := make([]Entry, 0, len(des))
	for _, de := range des {
		n := de.Name()
		if hideDot && strings.HasPrefix(n, ".") {
			continue
		}
		e := Entry{Name: n, IsDir: de.IsDir(), IsSymlink: de.Type()&fs.ModeSymlink != 0}
		if withInfo || de.Type()&^fs.ModeDir != 0 {
			// The entry's type bits alone leave irregular files (and,
			// on some file systems, every entry) to Info.
			if fi, err := de.Info(); err == nil {
				e.Size, e.ModTime = fi.Size(), fi.ModTime()
				if fi.Mode()&fs.ModeSymlink != 0 {
					e.IsSymlink = true
				}
			}
		}
		entries = append(entries, e)
	}
	return entries, nil
}
