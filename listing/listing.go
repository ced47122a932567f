package listing

import (
	"cmp"
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
	// "/docs/". [Handler.ServeDir] sets it from the request.
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

// Read reads the directory name (an io/fs name, "." for the root) of fsys
// into a Listing sorted by name, directories first when opts.DirsFirst is
// set, and without dotfiles when opts.HideDotfiles is set. The other
// fields of opts are ignored.
//
// Symlinks are never followed out of fsys: a link is stat'ed through fsys
// (so an [os.Root]'s FS refuses a target outside the root), and a link
// that cannot be stat'ed, dangling or leading out, is listed as a plain
// entry with its own size and time.
func Read(fsys fs.FS, name string, opts Options) (*Listing, error) {
	return read(fsys, name, opts, true)
}

// read is Read; without withInfo, entries that are not symlinks get no
// size or time, and cost no stat.
func read(fsys fs.FS, name string, opts Options, withInfo bool) (*Listing, error) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	des, err := fs.ReadDir(fsys, name)
	if err != nil {
		return nil, err
	}
	l := &Listing{Name: name, ModTime: info.ModTime(), Entries: make([]Entry, 0, len(des))}
	for _, de := range des {
		n := de.Name()
		if opts.HideDotfiles && strings.HasPrefix(n, ".") {
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
		if e.IsSymlink {
			// Python's os.path.isdir follows the link; we follow it
			// only through fsys, which keeps an os.Root's confinement.
			// A name that is not UTF-8 fails fs.ValidPath here and is
			// listed as a plain entry.
			if fi, err := fs.Stat(fsys, path.Join(name, n)); err == nil {
				e.IsDir = fi.IsDir()
				e.Size, e.ModTime = fi.Size(), fi.ModTime()
			}
		}
		if e.IsDir {
			e.Size = 0 // a directory's size is the FS's business, not the reader's
		}
		l.Entries = append(l.Entries, e)
	}
	l.Sort(ByName, false, opts.DirsFirst)
	return l, nil
}

// Sort sorts the entries by key, in descending order if desc, with
// directories before files if dirsFirst (whatever the order). The sort is
// total, so the same entries always come out in the same order.
func (l *Listing) Sort(key SortKey, desc, dirsFirst bool) {
	// Precompute Python's sort key, name.lower(), once per entry rather
	// than once per comparison.
	type keyed struct {
		lower string
		e     Entry
	}
	ks := make([]keyed, len(l.Entries))
	for i, e := range l.Entries {
		ks[i] = keyed{pyLower(e.Name), e}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if dirsFirst && a.e.IsDir != b.e.IsDir {
			if a.e.IsDir {
				return -1
			}
			return 1
		}
		c := 0
		switch key {
		case BySize:
			c = cmp.Compare(a.e.Size, b.e.Size)
		case ByTime:
			c = a.e.ModTime.Compare(b.e.ModTime)
		}
		if c == 0 {
			c = compareCodePoints(a.lower, b.lower)
		}
		if c == 0 {
			c = strings.Compare(a.e.Name, b.e.Name)
		}
		if desc {
			c = -c
		}
		return c
	})
	for i := range ks {
		l.Entries[i] = ks[i].e
	}
}

// pyLower approximates Python's str.lower on a name that os.listdir
// decoded with surrogateescape: runes are lower-cased, and bytes that are
// not UTF-8 are kept as they are (strings.ToLower would turn them into
// U+FFFD and make distinct names compare equal). Python's special
// casings (final sigma, U+0130) are not reproduced.
func pyLower(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteByte(s[i])
		} else {
			b.WriteRune(unicode.ToLower(r))
		}
		i += n
	}
	return b.String()
}

// compareCodePoints compares as Python compares str values: code point by
// code point, with a byte that is not UTF-8 standing for the lone
// surrogate U+DC80–U+DCFF that surrogateescape decodes it to.
func compareCodePoints(a, b string) int {
	for a != "" && b != "" {
		ra, na := decodeEscaped(a)
		rb, nb := decodeEscaped(b)
		if ra != rb {
			return cmp.Compare(ra, rb)
		}
		a, b = a[na:], b[nb:]
	}
	return cmp.Compare(len(a), len(b))
}

func decodeEscaped(s string) (rune, int) {
	if c := s[0]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && n == 1 {
		return 0xDC00 + rune(s[0]), 1
	}
	return r, n
}
