package listing

import "bytes"

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
// them visibly), and bytes that are not UTF-8 are written as they are, as
// Python's surrogateescape encoding does; browsers show U+FFFD for them.
func renderPython(b *bytes.Buffer, l *Listing) {
	title := "Directory listing for " + pyEscaper.Replace(pyDecoded(l.Path))
	b.Grow(400 + len(l.Entries)*(40+2*avgName(l)))
	b.WriteString("<!DOCTYPE HTML>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	// CPython 3.14 (gh-123430) lets the browser pick a dark theme.
	b.WriteString("<style type=\"text/css\">\n:root {\ncolor-scheme: light dark;\n}\n</style>\n")
	b.WriteString("<title>")
	b.WriteString(title)
	b.WriteString("</title>\n</head>\n<body>\n<h1>")
	b.WriteString(title)
	b.WriteString("</h1>\n<hr>\n<ul>\n")
	for _, e := range l.Entries {
		display := e.Name
		switch {
		case e.IsSymlink:
			// A link to a directory displays "name@" but links "name/".
			display += "@"
		case e.IsDir:
			display += "/"
		}
		b.WriteString("<li><a href=\"")
		b.WriteString(href(e.Name, e.IsDir))
		b.WriteString("\">")
		pyEscaper.WriteString(b, display)
		b.WriteString("</a></li>\n")
	}
	b.WriteString("</ul>\n<hr>\n</body>\n</html>\n")
}

func avgName(l *Listing) int {
	if len(l.Entries) == 0 {
		return 0
	}
	n := 0
	for _, e := range l.Entries {
		n += len(e.Name)
	}
	return n / len(l.Entries)
}
