package listing

import (
	"bytes"
	"unicode/utf8"

	"github.com/pyhttp/httpserver/internal/htmlesc"
)

// renderPython writes the page CPython 3.14's
// SimpleHTTPRequestHandler.list_directory writes, byte for byte (see
// testdata/golden/ and the script that recorded it).
//
// It is written by hand rather than with html/template because the bytes
// must be Python's: html.escape(quote=False) leaves quotes alone where
// html/template would write &#34;. That is safe here: names only appear
// in element text, where a quote has no meaning, and in href="…" after
// percent-encoding, which leaves no quote, '<' or '&' behind.
//
// What Python shows is shown as Python shows it: control characters and
// bidi overrides in names reach the page raw (the modern page escapes
// them visibly). With one exception: a byte of a name that is not UTF-8
// is shown as U+FFFD, where Python writes it raw (surrogateescape) and
// makes the page invalid under its own charset=utf-8. Its link still
// carries the byte itself, percent-encoded.
func renderPython(b *bytes.Buffer, l *Listing) {
	title := "Directory listing for " + string(htmlesc.Append(nil, pyDecoded(l.Path)))
	size := 400 + 2*len(title)
	for i := range l.Entries {
		e := &l.Entries[i]
		// <li><a href="NAME/">NAME/</a></li>\n
		size += 27 + hrefLen(e.Name) + escapedLen(e.Name, false)
		if !utf8.ValidString(e.Name) {
			size += 2 * len(e.Name) // U+FFFD is 3 bytes
		}
	}
	b.Grow(size)
	b.WriteString("<!DOCTYPE HTML>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	// CPython 3.14 (gh-123430) lets the browser pick a dark theme.
	b.WriteString("<style type=\"text/css\">\n:root {\ncolor-scheme: light dark;\n}\n</style>\n")
	b.WriteString("<title>")
	b.WriteString(title)
	b.WriteString("</title>\n</head>\n<body>\n<h1>")
	b.WriteString(title)
	b.WriteString("</h1>\n<hr>\n<ul>\n")
	row := b.AvailableBuffer()
	for i := range l.Entries {
		e := &l.Entries[i]
		row = append(row, "<li><a href=\""...)
		row = appendHref(row, e.Name, e.IsDir)
		row = append(row, "\">"...)
		row = htmlesc.Append(row, pyDecoded(e.Name))
		switch {
		case e.IsSymlink:
			// A link to a directory displays "name@" but links "name/".
			row = append(row, '@')
		case e.IsDir:
			row = append(row, '/')
		}
		row = append(row, "</a></li>\n"...)
	}
	b.Write(row)
	b.WriteString("</ul>\n<hr>\n</body>\n</html>\n")
}
