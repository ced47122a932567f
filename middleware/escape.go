package middleware

import "unicode/utf8"

// appendEscaped appends s to b the way CPython's log_message translates
// its message since gh-100001: the C0 controls 0x00–0x1f, DEL and the C1
// controls 0x80–0x9f (as code points, U+0080–U+009F) become \xHH, and a
// backslash becomes \\, so that a request can never put a raw ESC, CR or
// LF into the log and an escaped byte can never be forged. With quote set
// a double quote becomes \" as well, as Apache's ap_escape_logitem does,
// so the quoted fields of a Common or Combined line stay parseable.
//
// Python decodes the request line as Latin-1, so every byte is a code
// point there; Go hands us raw bytes, which we read as UTF-8. A byte that
// is not part of valid UTF-8 is escaped as \xHH too: a raw 0x9b is CSI on
// an 8-bit terminal, and a log of valid UTF-8 is what tools expect.
func appendEscaped(b []byte, s string, quote bool) []byte {
	// Fast path: most request fields need no escaping at all.
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '\\' || (quote && c == '"') {
			clean = false
			break
		}
	}
	if clean {
		return append(b, s...)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c < 0x20 || c == 0x7f:
				b = appendHex(b, c)
			case c == '\\':
				b = append(b, '\\', '\\')
			case c == '"' && quote:
				b = append(b, '\\', '"')
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = appendHex(b, c)
		case r >= 0x80 && r <= 0x9f:
			b = appendHex(b, byte(r))
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

func appendHex(b []byte, c byte) []byte {
	const hex = "0123456789abcdef"
	return append(b, '\\', 'x', hex[c>>4], hex[c&0xf])
}
