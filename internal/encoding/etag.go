package encoding

import "strings"

// ETag returns the entity tag of the coding-encoded form of a
// representation whose entity tag is etag: `"abc"` becomes `"abc-br"`.
// RFC 9110 §8.8.3.3 requires a strong tag to differ between content
// codings, since it names exact bytes. A weak tag (W/"abc"), which only
// promises the same meaning, is returned unchanged, as are a malformed
// tag and any tag for the Identity coding.
func ETag(etag, coding string) string {
	if coding == Identity || coding == "" || !strongETag(etag) {
		return etag
	}
	return etag[:len(etag)-1] + "-" + coding + `"`
}

// AddBaseETags returns list, the value of an If-None-Match or If-Match
// field line, with each entity tag of coding's form ([ETag]) followed by
// the tag it was made from: `"abc-br"` becomes `"abc-br", "abc"`, and
// W/"abc-br" becomes W/"abc-br", W/"abc". A handler that knows only its
// own tag `"abc"` then matches a client that holds either the encoded
// form or the original, as Caddy's encode does for a single tag; the
// encoded tag stays in the list for a handler that made that one itself.
// added is false, and list is returned as it is, when list names no such
// tag, is "*" or is not a list of entity tags (the handler then judges
// the field as the client sent it).
func AddBaseETags(list, coding string) (result string, added bool) {
	if coding == Identity || coding == "" {
		return list, false
	}
	suffix := "-" + coding + `"`
	encoded := func(tag string) bool {
		return strings.HasSuffix(tag, suffix) && len(opaque(tag)) > len(suffix)
	}
	for rest := list; ; {
		tag, r, ok := nextETag(rest)
		if !ok {
			return list, false
		}
		if tag == "" {
			break
		}
		added = added || encoded(tag)
		rest = r
	}
	if !added {
		return list, false
	}
	var b strings.Builder
	b.Grow(2 * len(list))
	for rest := list; ; {
		tag, r, _ := nextETag(rest)
		if tag == "" {
			break
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(tag)
		if encoded(tag) {
			b.WriteString(", ")
			b.WriteString(tag[:len(tag)-len(suffix)])
			b.WriteByte('"')
		}
		rest = r
	}
	return b.String(), true
}

// ListsETag reports whether any of values, the field lines of an
// If-None-Match, names etag, by the weak comparison that If-None-Match
// uses (RFC 9110 §8.8.3.2: W/"a" and "a" are the same). "*" names no tag
// in particular and does not count. Lines that are not lists of entity
// tags name nothing.
func ListsETag(values []string, etag string) bool {
	want := opaque(etag)
	if want == "" {
		return false
	}
	for _, v := range values {
		for rest := v; ; {
			tag, r, ok := nextETag(rest)
			if !ok || tag == "" {
				break
			}
			if opaque(tag) == want {
				return true
			}
			rest = r
		}
	}
	return false
}

// nextETag returns the first entity tag of the list s, and the rest of s
// after it; tag is empty at the end of the list. ok is false when s does
// not start with an entity tag (after OWS and empty elements), or when
// the tag is not followed by a comma or the end.
func nextETag(s string) (tag, rest string, ok bool) {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == ',') {
		s = s[1:]
	}
	if s == "" {
		return "", "", true
	}
	n := 0
	if strings.HasPrefix(s, "W/") {
		n = 2
	}
	if len(s) < n+2 || s[n] != '"' {
		return "", "", false
	}
	end := strings.IndexByte(s[n+1:], '"')
	if end < 0 || !etagChars(s[n+1:n+1+end]) {
		return "", "", false
	}
	tag, rest = s[:n+2+end], trimLeftOWS(s[n+2+end:])
	if rest != "" && rest[0] != ',' {
		return "", "", false
	}
	return tag, rest, true
}

// strongETag reports whether s is one strong entity tag: "…" with etagc
// between the quotes.
func strongETag(s string) bool {
	return len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' && etagChars(s[1:len(s)-1])
}

// opaque returns the quoted part of the entity tag s, without W/, or ""
// when s is not an entity tag.
func opaque(s string) string {
	s = strings.TrimPrefix(s, "W/")
	if !strongETag(s) {
		return ""
	}
	return s
}

// etagChars reports whether s is made of etagc: %x21 / %x23-7E / obs-text.
func etagChars(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x21 || c == '"' || c == 0x7f {
			return false
		}
	}
	return true
}
