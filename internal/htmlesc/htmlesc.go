// Package htmlesc is Python's html.escape(s, quote=False), the one
// escaping CPython's http.server applies to what it puts in its pages
// (directory listings and error pages): &, < and > become &amp;, &lt; and
// &gt;, and nothing else changes, quotes included.
//
// That is enough only for element text. A value that goes into an
// attribute needs html/template (or [html.EscapeString]), which escapes
// quotes too.
package htmlesc

// Append appends s to b escaped as Python's html.escape(s, quote=False)
// escapes it.
func Append(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		default:
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		last = i + 1
	}
	return append(b, s[last:]...)
}
