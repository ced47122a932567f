package listing

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// href returns the relative link to an entry: its name percent-encoded
// the way Python's urllib.parse.quote does it (every byte outside RFC 3986
// unreserved characters and "/"), with "/" appended for a directory.
//
// This is stricter than url.URL{Path: name}.String(), and that is the
// point: ":" is escaped, so "a:b" can never be read as a scheme; "?", "#"
// and "%" are escaped, so the link always names exactly this entry; and
// the link is the same one Python's page has, for scripts that scrape it.
// Unlike Python, a byte that is not UTF-8 is encoded as itself (%FF):
// CPython quotes the surrogate that os.listdir decoded it to, %ED%B3%BF,
// which only its own translate_path maps back to the file.
func href(name string, dir bool) string {
	return string(appendHref(make([]byte, 0, len(name)+1), name, dir))
}

// appendHref appends href(name, dir) to b.
func appendHref(b []byte, name string, dir bool) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(name); i++ {
		c := name[i]
		if unreserved(c) || c == '/' {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hex[c>>4], hex[c&15])
	}
	if dir {
		b = append(b, '/')
	}
	return b
}

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// visible returns s with every character that would render invisibly or
// reorder the text around it replaced by a visible escape: C0 and C1
// controls and DEL as \xHH, a byte that is not UTF-8 as \xHH, and the
// Unicode bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E,
// U+2066–U+2069) and line/paragraph separators as \uHHHH. Without this a
// name like "invoice\u202Efdp.exe" displays as "invoiceexe.pdf"
// (CVE-2021-42574, "Trojan Source", is the same trick in source code).
// The result still needs HTML escaping.
func visible(s string) string {
	i := 0
	for i < len(s) && 0x20 <= s[i] && s[i] < 0x7F {
		i++ // printable ASCII, most names whole
	}
	if i == len(s) {
		return s
	}
	clean := true
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || invisible(r) {
			clean = false
			break
		}
		i += n
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02X`, s[i])
		case r < 0x100 && invisible(r):
			fmt.Fprintf(&b, `\x%02X`, r)
		case invisible(r):
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func invisible(r rune) bool {
	switch {
	case r < 0x20, 0x7F <= r && r < 0xA0:
		return true
	case r == 0x061C, r == 0x200E, r == 0x200F, r == 0x2028, r == 0x2029:
		return true
	case 0x202A <= r && r <= 0x202E, 0x2066 <= r && r <= 0x2069:
		return true
	}
	return false
}

// displayPath returns the path a listing's title shows: the path of the
// request target exactly as the client sent it, percent-decoded, as
// Python's list_directory shows self.path. r.URL.Path may have lost a
// mount prefix to http.StripPrefix, so the request URI is preferred.
// Like CPython 3.12+, the query and fragment are left out, and like
// CPython 3.11+ (the CVE-2021-28861 fix) leading slashes are collapsed.
func displayPath(requestURI, urlPath string) string {
	p := requestURI
	if p == "" || p == "*" {
		return urlPath
	}
	if strings.Contains(p, "://") && !strings.HasPrefix(p, "/") {
		// Absolute form (a proxy request): keep the path part only.
		u, err := url.Parse(p)
		if err != nil {
			return urlPath
		}
		p = u.EscapedPath()
	}
	p, _, _ = strings.Cut(p, "#")
	p, _, _ = strings.Cut(p, "?")
	dec, err := url.PathUnescape(p)
	if err != nil {
		return urlPath
	}
	if strings.HasPrefix(dec, "//") {
		dec = "/" + strings.TrimLeft(dec, "/")
	}
	if !strings.HasPrefix(dec, "/") {
		return urlPath
	}
	return dec
}

// pyDecoded returns s as Python's unquote(..., errors='replace') leaves a
// path that is not UTF-8: each invalid byte becomes U+FFFD.
func pyDecoded(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(r) // RuneError for an invalid byte
		i += n
	}
	return b.String()
}
