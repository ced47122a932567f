package listing

import (
	"cmp"
	"errors"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
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

// SortKey is the column a listing is sorted by.
type SortKey int

const (
	// ByName sorts as Python does: by the lower-cased name, code point by
	// code point; equal keys fall back to the raw name, so the order is
	// total and does not depend on the order the FS returns names in.
	ByName SortKey = iota
	// BySize sorts by size, then by name.
	BySize
	// ByTime sorts by modification time, then by name.
	ByTime
)

// Order is an order of a listing's entries. The zero Order is Python's:
// by name, ascending, directories mixed with files.
type Order struct {
	// By is the sort key. Default: ByName.
	By SortKey
	// Desc reverses the order. Default: ascending.
	Desc bool
	// DirsFirst puts directories before files, whatever By and Desc.
	// Default: mixed with files, like Python.
	DirsFirst bool
}

// String returns the key's query-parameter spelling: "name", "size" or
// "time".
func (k SortKey) String() string {
	switch k {
	case BySize:
		return "size"
	case ByTime:
		return "time"
	}
	return "name"
}

// ReadOptions say which entries of a directory [Read] and
// [Renderer.ServeDir] list. The zero value lists them all, like Python.
type ReadOptions struct {
	// HideDotfiles leaves out entries whose names start with a dot.
	// Default: false, listed like Python. (fileserver sets it from its
	// own HideDotfiles, which also refuses to serve such names.)
	HideDotfiles bool
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
	return read(fsys, name, opts, false, true, nil)
}

// read is Read; without withInfo, entries that are not symlinks get no
// size or time, and cost no stat. c, if not nil, keeps the names of large
// directories between calls.
// With dirsFirst, directories come before files.
func read(fsys fs.FS, name string, opts ReadOptions, dirsFirst, withInfo bool, c *dirCache) (*Listing, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	entries, err := readOpen(f, info, withInfo, opts.HideDotfiles, c)
	byName := err == nil // readOpen's entries come sorted by name
	if err == errNoFastPath {
		entries, err = readFS(fsys, name, withInfo, opts.HideDotfiles)
	}
	if err != nil {
		return nil, err
	}
	for i := range entries {
		e := &entries[i]
		if e.IsSymlink {
			// Python's os.path.isdir follows the link; we follow it
			// only through fsys, which keeps an os.Root's confinement.
			// root.FS() refuses a name that is not UTF-8, which is then
			// listed as a plain entry; fileserver.RootFS follows it.
			if fi, err := fs.Stat(fsys, path.Join(name, e.Name)); err == nil {
				e.IsDir = fi.IsDir()
				e.Size, e.ModTime = fi.Size(), fi.ModTime()
			}
		}
		if e.IsDir {
			e.Size = 0 // a directory's size is the FS's business, not the reader's
		}
	}
	l := &Listing{Name: name, ModTime: info.ModTime(), Entries: entries}
	switch {
	case !byName:
		l.Sort(Order{DirsFirst: dirsFirst})
	case dirsFirst:
		// Following a symlink may have made it a directory.
		l.Entries = partitionDirs(entries)
	}
	return l, nil
}

// partitionDirs returns the entries, sorted by name, with the directories
// moved before the files and each kind left in its order: what Sort
// makes of them with Order{DirsFirst: true}.
func partitionDirs(entries []Entry) []Entry {
	out := make([]Entry, 0, len(entries))
	for _, e := range entries {
		if e.IsDir {
			out = append(out, e)
		}
	}
	for _, e := range entries {
		if !e.IsDir {
			out = append(out, e)
		}
	}
	return out
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

// Sort puts the entries in the order o. The sort is total: ties on o.By
// are broken by name, so the same entries always come out in the same
// order.
func (l *Listing) Sort(o Order) {
	// Sort small items that point at the entries, with Python's sort key,
	// name.lower(), computed once per entry in a form that compares with
	// a plain byte comparison; then put the entries in that order.
	type item struct {
		lower string
		i     int
	}
	es := l.Entries
	items := make([]item, len(es))
	// The keys that differ from their names share one string.
	ends := make([]int, len(es))
	size := 0
	for i := range es {
		if !isPlainKey(es[i].Name) {
			size += len(es[i].Name) + len(es[i].Name)/2
		}
	}
	keys := make([]byte, 0, size)
	for i := range es {
		if name := es[i].Name; isPlainKey(name) {
			items[i].lower = name
		} else {
			keys = appendSortKey(keys, name)
		}
		ends[i] = len(keys)
	}
	all, start := string(keys), 0
	for i := range items {
		items[i].i = i
		if ends[i] != start {
			items[i].lower = all[start:ends[i]]
			start = ends[i]
		}
	}
	slices.SortFunc(items, func(a, b item) int {
		ea, eb := &es[a.i], &es[b.i]
		if o.DirsFirst && ea.IsDir != eb.IsDir {
			if ea.IsDir {
				return -1
			}
			return 1
		}
		c := 0
		switch o.By {
		case BySize:
			c = cmp.Compare(ea.Size, eb.Size)
		case ByTime:
			c = ea.ModTime.Compare(eb.ModTime)
		}
		if c == 0 {
			c = strings.Compare(a.lower, b.lower)
		}
		if c == 0 {
			c = strings.Compare(ea.Name, eb.Name)
		}
		if o.Desc {
			c = -c
		}
		return c
	})
	// Move each entry to its place, one cycle of the permutation at a
	// time: es[j] takes the entry at items[j].i, and -1 marks a place
	// done.
	for i := range items {
		if items[i].i < 0 {
			continue
		}
		saved := es[i]
		for j := i; ; {
			k := items[j].i
			items[j].i = -1
			if k == i {
				es[j] = saved
				break
			}
			es[j] = es[k]
			j = k
		}
	}
}

// sortKey returns a string whose byte order is the order of Python's
// name.lower() for a name that os.listdir decoded with surrogateescape.
//
// Runes are lower-cased (Python's special casings, final sigma and
// U+0130, are not reproduced). Python compares str values code point by
// code point, and UTF-8's byte order is code point order, so valid UTF-8
// needs nothing more. A byte that is not UTF-8 stands for the lone
// surrogate U+DC80–U+DCFF that surrogateescape decodes it to; it is
// written as that surrogate's three-byte encoding, which sorts where the
// code point does. (strings.ToLower would turn such bytes into U+FFFD and
// make distinct names compare equal.)
func sortKey(s string) string {
	if isPlainKey(s) {
		return s
	}
	return string(appendSortKey(nil, s))
}

// isPlainKey reports whether s is its own sort key: ASCII without
// upper-case letters.
func isPlainKey(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return true
}

// appendSortKey appends sortKey(s) to b.
func appendSortKey(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			r = 0xDC00 + rune(c)
			b = append(b, byte(0xE0|r>>12), byte(0x80|(r>>6)&0x3F), byte(0x80|r&0x3F))
		} else {
			b = utf8.AppendRune(b, unicode.ToLower(r))
		}
		i += n
	}
	return b
}
