package encoding

import "strings"

// The content codings this package encodes, as they are named in
// Accept-Encoding and Content-Encoding, and Identity, "no encoding".
const (
	Identity = "identity"
	Brotli   = "br"
	Zstd     = "zstd"
	Gzip     = "gzip"
)

// Weights are kept in thousandths, the precision of a qvalue (RFC 9110
// §12.4.2), so that comparing them is exact.
const (
	unlisted = -1   // the list does not name the coding
	qMax     = 1000 // q=1
)

// Negotiate returns the content coding to answer with, given the values of
// a request's Accept-Encoding field lines (r.Header["Accept-Encoding"];
// nil when there is none) and the codings the server offers for this
// response, in its order of preference. coding is one of offered or
// [Identity]; ok is false only when the client refuses identity
// ("identity;q=0", or "*;q=0" with no entry for identity) and accepts
// nothing offered, which a server answers with 406 Not Acceptable. See
// the package documentation for the rules. Negotiate does not allocate.
func Negotiate(acceptEncoding []string, offered []string) (coding string, ok bool) {
	var stack [4]int
	weights := stack[:0]
	if len(offered) > len(stack) {
		weights = make([]int, 0, len(offered))
	}
	for range offered {
		weights = append(weights, unlisted)
	}
	identity, star := unlisted, unlisted
	for _, v := range acceptEncoding {
		for len(v) > 0 {
			var elem string
			elem, v = cutElement(v)
			name, q, ok := parseElement(elem)
			if !ok {
				continue
			}
			switch {
			case name == "*":
				star = lower(star, q)
			case strings.EqualFold(name, Identity):
				identity = lower(identity, q)
			default:
				for i, c := range offered {
					if strings.EqualFold(name, c) || strings.EqualFold(c, Gzip) && strings.EqualFold(name, "x-gzip") {
						weights[i] = lower(weights[i], q)
					}
				}
			}
		}
	}

	best, bestQ := -1, 0
	for i, q := range weights {
		if q == unlisted {
			q = max(star, 0)
		}
		if q > bestQ { // strictly: the server's order breaks ties
			best, bestQ = i, q
		}
	}
	idQ := identity
	if idQ == unlisted {
		// Acceptable by default (RFC 9110 §12.5.3), below every coding
		// the client accepts, unless "*" says otherwise.
		idQ = star
		if idQ == unlisted {
			idQ = 1
		}
	}
	switch {
	case best >= 0 && bestQ >= idQ:
		return offered[best], true
	case idQ > 0:
		return Identity, true
	}
	return "", false
}

// lower combines the weights of two entries for the same coding: a client
// that says "gzip;q=0" anywhere is not sent gzip.
func lower(old, q int) int {
	if old == unlisted || q < old {
		return q
	}
	return old
}

// cutElement returns the list element that s starts with and the rest of
// s after its comma. Elements are not otherwise parsed here: a quoted
// string in Accept-Encoding is not valid anyway, so a comma always ends
// an element.
func cutElement(s string) (elem, rest string) {
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

// parseElement parses one list element, `codings [ weight ]` with OWS
// around it (RFC 9110 §12.5.3, §12.4.2), into the coding's name and its
// weight in thousandths (1000 when no weight is given). Parameters other
// than q are skipped if they are token=token. ok is false for an empty
// element or one that does not parse.
func parseElement(s string) (name string, q int, ok bool) {
	s = trimOWS(s)
	if s == "" {
		return "", 0, false
	}
	n := tokenLen(s)
	if n == 0 {
		return "", 0, false
	}
	name, s = s[:n], s[n:]
	q = qMax
	for {
		s = trimLeftOWS(s)
		if s == "" {
			return name, q, true
		}
		if s[0] != ';' {
			return "", 0, false
		}
		s = trimLeftOWS(s[1:])
		k := tokenLen(s)
		if k == 0 || k == len(s) || s[k] != '=' {
			return "", 0, false
		}
		key := s[:k]
		s = s[k+1:]
		n := tokenLen(s)
		if n == 0 {
			return "", 0, false
		}
		value := s[:n]
		s = s[n:]
		if key == "q" || key == "Q" {
			if q, ok = parseQ(value); !ok {
				return "", 0, false
			}
		}
	}
}

// parseQ parses a qvalue, ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ),
// into thousandths.
func parseQ(s string) (int, bool) {
	if s == "" || len(s) > 5 || s[0] != '0' && s[0] != '1' {
		return 0, false
	}
	q := int(s[0]-'0') * 1000
	if len(s) == 1 {
		return q, true
	}
	if s[1] != '.' {
		return 0, false
	}
	scale := 100
	for i := 2; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		q += int(c-'0') * scale
		scale /= 10
	}
	if q > qMax {
		return 0, false
	}
	return q, true
}

// tokenLen is the length of the RFC 9110 token (tchar run) s starts with.
func tokenLen(s string) int {
	for i := 0; i < len(s); i++ {
		if !isTchar(s[i]) {
			return i
		}
	}
	return len(s)
}

func isTchar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~':
		return true
	}
	return false
}

func trimOWS(s string) string {
	s = trimLeftOWS(s)
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

func trimLeftOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	return s
}
