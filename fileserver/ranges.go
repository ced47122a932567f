package fileserver

import (
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// byteRange is the inclusive range [first, last] of a representation.
type byteRange struct{ first, last int64 }

// rangeCoalesceGap is how far apart two ranges may be and still be sent as
// one part: about what a multipart part's own headers cost. RFC 9110
// §14.2 allows a server to coalesce ranges that overlap or are separated by
// a gap smaller than that overhead.
const rangeCoalesceGap = 80

// parseRanges parses a Range header value (RFC 9110 §14.1.2) against a
// representation of size bytes. It returns the satisfiable ranges sorted
// and merged where they overlap or nearly touch. valid is false when the
// value is not a byte-ranges-specifier at all (another unit, bad syntax,
// inverted bounds), which a server must or may ignore. An empty result
// with valid true means nothing in it is satisfiable.
func parseRanges(s string, size int64) (ranges []byteRange, valid bool) {
	unit, set, ok := strings.Cut(s, "=")
	if !ok || !strings.EqualFold(strings.TrimSpace(unit), "bytes") {
		return nil, false
	}
	for spec := range strings.SplitSeq(set, ",") {
		spec = strings.Trim(spec, " \t")
		if spec == "" {
			continue // RFC 9110 §5.6.1: empty list elements are ignored
		}
		firstS, lastS, ok := strings.Cut(spec, "-")
		if !ok {
			return nil, false
		}
		if firstS == "" {
			// suffix-range: the last n bytes. "-0" asks for none of
			// them, so it is unsatisfiable, not an empty 206.
			n, ok := parseDigits(lastS)
			if !ok {
				return nil, false
			}
			if n == 0 || size == 0 {
				continue
			}
			ranges = append(ranges, byteRange{max(size-n, 0), size - 1})
			continue
		}
		first, ok := parseDigits(firstS)
		if !ok {
			return nil, false
		}
		last := int64(-1)
		if lastS != "" {
			if last, ok = parseDigits(lastS); !ok || last < first {
				return nil, false
			}
		}
		if first >= size {
			continue // unsatisfiable on its own
		}
		if last < 0 || last >= size {
			last = size - 1
		}
		ranges = append(ranges, byteRange{first, last})
	}
	return coalesce(ranges), true
}

// parseDigits parses 1*DIGIT; values too large for an int64 saturate,
// which is what they mean against any real file.
func parseDigits(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 1<<63 - 1, true // only ErrRange is possible here
	}
	return n, true
}

// coalesce sorts ranges and merges those that overlap or lie within
// rangeCoalesceGap bytes of each other.
func coalesce(rs []byteRange) []byteRange {
	if len(rs) < 2 {
		return rs
	}
	slices.SortFunc(rs, func(a, b byteRange) int {
		switch {
		case a.first < b.first:
			return -1
		case a.first > b.first:
			return 1
		}
		return 0
	})
	out := rs[:1]
	for _, r := range rs[1:] {
		cur := &out[len(out)-1]
		if r.first <= cur.last+rangeCoalesceGap {
			cur.last = max(cur.last, r.last)
			continue
		}
		out = append(out, r)
	}
	return out
}

// formatRanges writes ranges back as a Range header value.
func formatRanges(rs []byteRange) string {
	b := make([]byte, 0, 6+len(rs)*16)
	b = append(b, "bytes="...)
	for i, r := range rs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, r.first, 10)
		b = append(b, '-')
		b = strconv.AppendInt(b, r.last, 10)
	}
	return string(b)
}

// guardRanges returns the request to hand to http.ServeContent, with its
// Range header replaced by a safe equivalent, and whether ServeContent may
// answer with an error status.
//
// ServeContent on its own lets a thousand one-byte ranges of a 1 KiB file
// come back as ~35 KiB of multipart, answers "bytes=-0" with an empty 206,
// and answers a Range in another unit with 416 where RFC 9110 §14.2 says
// to ignore it. Here overlapping and nearby ranges are merged, a request
// for more than maxRanges ranges gets the whole file (RFC 9110 §14.2
// allows ignoring Range), an invalid header is ignored, and an
// unsatisfiable one is rewritten to a form ServeContent answers 416 to,
// so that its If-Range logic still decides whether Range applies at all.
func guardRanges(r *http.Request, size int64, maxRanges int) (*http.Request, bool) {
	hdr := r.Header
	preconditions := hdr.Get("If-Match") != "" || hdr.Get("If-Unmodified-Since") != ""
	rv, hasRange := hdr["Range"]
	if !hasRange {
		return r, preconditions
	}
	value := ""
	if len(rv) == 1 {
		value = rv[0] // several Range fields are invalid: ignore them all
	}
	ranges, valid := parseRanges(value, size)
	var replacement string
	switch {
	case !valid || len(ranges) > maxRanges:
		replacement = ""
	case len(ranges) == 0 && size == 0:
		replacement = "" // nothing to ask for; ServeContent sends 200
	case len(ranges) == 0:
		replacement = "bytes=" + strconv.FormatInt(size, 10) + "-"
	default:
		replacement = formatRanges(ranges)
	}
	return withRange(r, replacement), preconditions || replacement != ""
}

// withoutInvalidRange returns r, or a copy without its Range header when
// that is not a valid byte-ranges-specifier. A listing is sent by
// http.ServeContent, which answers a Range in another unit or with bad
// syntax with 416, where RFC 9110 §14.2 says to ignore it; files get the
// same treatment from guardRanges.
func withoutInvalidRange(r *http.Request) *http.Request {
	rv, ok := r.Header["Range"]
	if !ok {
		return r
	}
	if len(rv) == 1 {
		if _, valid := parseRanges(rv[0], math.MaxInt64); valid {
			return r
		}
	}
	return withRange(r, "")
}

// withRange returns a copy of r whose Range header is value, or which has
// none when value is empty; r itself is left as the caller's middleware
// saw it.
func withRange(r *http.Request, value string) *http.Request {
	r2 := new(http.Request)
	*r2 = *r
	r2.Header = maps.Clone(r.Header)
	if value == "" {
		delete(r2.Header, "Range")
	} else {
		r2.Header["Range"] = []string{value}
	}
	return r2
}
