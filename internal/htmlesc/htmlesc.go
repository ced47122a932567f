// Package htmlesc escapes text for the HTML pages this module writes by
// hand, byte for byte as the escapers they must match:
//
//   - [Append] is Python's html.escape(s, quote=False), the one escaping
//     CPython's http.server applies to what it puts in its pages
//     (directory listings and error pages): &, < and > become &amp;, &lt;
//     and &gt;, and nothing else changes, quotes included. That is
//     enough only for element text.
//   - [AppendAttr] is html/template's [template.HTMLEscapeString]: quotes
//     and NUL too, so that the result is safe inside a double-quoted
//     attribute as well.
package htmlesc

// Append appends s to b escaped as Python's html.escape(s, quote=False)
// escapes it.
func Append(b []byte, s string) []byte { return appendEscaped(b, s, false) }

// AppendAttr appends s to b escaped as html/template's
// [template.HTMLEscapeString] escapes it.
func AppendAttr(b []byte, s string) []byte { return appendEscaped(b, s, true) }

// appendEscaped escapes &, < and >, and with attr also quotes and NUL.
func appendEscaped(b []byte, s string, attr bool) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch c := s[i]; {
		case c == '&':
			esc = "&amp;"
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case !attr:
			continue
		case c == '"':
			esc = "&#34;"
		case c == '\'':
			esc = "&#39;"
		case c == 0:
			esc = "\uFFFD"
		default:
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		last = i + 1
	}
	return append(b, s[last:]...)
}
