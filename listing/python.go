package listing

import "github.com/pyhttp/httpserver/internal/htmlesc"

// appendPython appends the page CPython 3.14's
// SimpleHTTPRequestHandler.list_directory writes, byte for byte (see
// testdata/golden/ and the script that recorded it), to b.
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
func appendPython(b []byte, l *Listing) []byte {
	title := "Directory listing for " + string(htmlesc.Append(nil, pyDecoded(l.Path)))
	b = append(b, "<!DOCTYPE HTML>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"...)
	// CPython 3.14 (gh-123430) lets the browser pick a dark theme.
	b = append(b, "<style type=\"text/css\">\n:root {\ncolor-scheme: light dark;\n}\n</style>\n"...)
	b = append(b, "<title>"...)
	b = append(b, title...)
	b = append(b, "</title>\n</head>\n<body>\n<h1>"...)
	b = append(b, title...)
	b = append(b, "</h1>\n<hr>\n<ul>\n"...)
	for i := range l.Entries {
		e := &l.Entries[i]
		b = append(b, "<li><a href=\""...)
		b = appendHref(b, e.Name, e.IsDir)
		b = append(b, "\">"...)
		b = htmlesc.Append(b, pyDecoded(e.Name))
		b = append(b, e.mark()...)
		b = append(b, "</a></li>\n"...)
	}
	return append(b, "</ul>\n<hr>\n</body>\n</html>\n"...)
}
