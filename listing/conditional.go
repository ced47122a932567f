package listing

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// notModified reports whether r is a GET or HEAD whose only precondition
// is an If-None-Match that matches tag. Those are answered 304 before
// rendering (RFC 9110 §13.1.2: weak comparison, "*" matches any current
// representation). Anything else, If-Match, If-Unmodified-Since or
// If-Modified-Since included, is left to http.ServeContent, which
// evaluates them in RFC 9110 §13.2.2's order.
func notModified(r *http.Request, tag string) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	h := r.Header
	if h.Get("If-Match") != "" || h.Get("If-Unmodified-Since") != "" {
		return false
	}
	for _, v := range h.Values("If-None-Match") {
		for t := range strings.SplitSeq(v, ",") {
			t = strings.TrimSpace(t)
			if t == "*" || strings.TrimPrefix(t, "W/") == tag {
				return true
			}
		}
	}
	return false
}

// lastModified is the newest of the directory's and its entries' times:
// the modern page and JSON show entry times and sizes, which change
// without touching the directory.
func lastModified(l *Listing) time.Time {
	t := l.ModTime
	for _, e := range l.Entries {
		if e.ModTime.After(t) {
			t = e.ModTime
		}
	}
	return t
}

// etag hashes everything a rendering depends on: the entries (names,
// kinds, sizes, times), the display path, and the rendering choice. It is
// strong: the same inputs always render to the same bytes. It is a
// SHA-256 of the inputs, so it stays the same across processes and
// replicas.
//
// It keeps one rule: the hash sees each field, length-prefixed, in order,
// whatever the chunking. The fields are gathered in 4 KiB chunks on the
// stack and hashed a chunk at a time, rather than with a Write per field.
func etag(l *Listing, q query, f Format, ctype string) string {
	d := sha256.New()
	var chunk [4096]byte
	b := chunk[:0]
	num := func(v int64) {
		if len(b)+8 > cap(b) {
			d.Write(b)
			b = b[:0]
		}
		b = binary.LittleEndian.AppendUint64(b, uint64(v))
	}
	str := func(s string) {
		num(int64(len(s)))
		for len(s) > 0 {
			if len(b) == cap(b) {
				d.Write(b)
				b = b[:0]
			}
			n := copy(b[len(b):cap(b)], s)
			b, s = b[:len(b)+n], s[n:]
		}
	}
	str(ctype)
	str(l.Path)
	num(int64(f))
	num(int64(q.order.By))
	flags := int64(0)
	if q.order.Desc {
		flags |= 1
	}
	if q.order.DirsFirst {
		flags |= 2
	}
	num(flags)
	num(l.ModTime.UnixNano())
	for _, e := range l.Entries {
		str(e.Name)
		k := int64(0)
		if e.IsDir {
			k |= 1
		}
		if e.IsSymlink {
			k |= 2
		}
		num(k)
		num(e.Size)
		num(e.ModTime.UnixNano())
	}
	d.Write(b)
	var sum [sha256.Size]byte
	return `"` + strconv.FormatUint(uint64(len(l.Entries)), 36) + "-" + hex.EncodeToString(d.Sum(sum[:0])[:16]) + `"`
}
