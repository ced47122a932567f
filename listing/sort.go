package listing

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

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

// Sort puts the entries in the order o. The sort is total: ties on o.By
// are broken by name, so the same entries always come out in the same
// order.
func (l *Listing) Sort(o Order) {
	type item struct {
		key string // sortKey of the entry's name
		i   int    // the entry's index
	}
	es := l.Entries
	items := make([]item, len(es))
	for i := range es {
		items[i] = item{sortKey(es[i].Name), i}
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
			c = strings.Compare(a.key, b.key)
		}
		if c == 0 {
			c = strings.Compare(ea.Name, eb.Name)
		}
		if o.Desc {
			c = -c
		}
		return c
	})
	sorted := make([]Entry, len(es))
	for k, it := range items {
		sorted[k] = es[it.i]
	}
	copy(es, sorted)
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
