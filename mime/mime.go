// Package mime maps file names to Content-Type values for the file server.
//
// The table is our own and the same on every machine: unlike the standard
// library's mime package it never reads /etc/mime.types or the Windows
// registry, whose entries have sent JavaScript as text/plain
// (golang/go#32350). Lookups are case-insensitive, text types carry
// "; charset=utf-8", and Python's http.server overrides (.gz, .Z, .bz2,
// .xz) apply. Per-handler overrides play the part of Python's
// extensions_map.
//
// # Unknown extensions
//
// For a name whose extension is not in the table, [Types.TypeOf] sniffs the
// first bytes with github.com/gabriel-vasile/mimetype. Sniffing never
// produces an active type: content that looks like HTML, XHTML, SVG, XML or
// JavaScript is sent as text/plain, so an uploaded file cannot become a
// page that runs script on the site's origin. [Options].Strict turns
// sniffing off and answers application/octet-stream, as Python does.
//
// Usage:
//
//	types := mime.New(mime.Options{Overrides: map[string]string{".log": "text/plain; charset=utf-8"}})
//	ctype, err := types.TypeOf("notes.md", file)
package mime

import (
	"errors"
	"io"
	"path"
	"strings"

	"github.com/gabriel-vasile/mimetype"
)

// OctetStream is the type for bytes of unknown meaning.
const OctetStream = "application/octet-stream"

// PlainText is the type sniffed text is sent as.
const PlainText = "text/plain; charset=utf-8"

// sniffLen is how many leading bytes are read for sniffing; it is
// mimetype's own default read limit.
const sniffLen = 3072

// Options configure [Types]. The zero value is the built-in table with
// sniffing for unknown extensions.
type Options struct {
	// Overrides maps an extension with its leading dot (".log"; any case)
	// to a Content-Type, replacing or adding to the built-in table, like
	// Python's SimpleHTTPRequestHandler.extensions_map. The key "" sets
	// the type for names whose extension is unknown, which turns sniffing
	// off. Types are used as given: add "; charset=..." yourself.
	// Default: none.
	Overrides map[string]string

	// Strict answers application/octet-stream for unknown extensions
	// instead of sniffing the content, as Python does. Default: false.
	Strict bool
}

// Types maps names to Content-Types. It is immutable once built and safe
// for concurrent use.
type Types struct {
	byExt    map[string]string
	fallback string // type for unknown extensions; "" means sniff
}

// New returns the built-in table with opts applied.
func New(opts Options) *Types {
	t := &Types{byExt: make(map[string]string, len(builtin)+len(opts.Overrides))}
	for ext, typ := range builtin {
		t.byExt[ext] = typ
	}
	if opts.Strict {
		t.fallback = OctetStream
	}
	for ext, typ := range opts.Overrides {
		if ext == "" {
			t.fallback = typ
			continue
		}
		t.byExt[strings.ToLower(ext)] = typ
	}
	return t
}

// ByExtension returns the type for name's extension (the part from its last
// dot, looked up case-insensitively) and whether the table has one.
func (t *Types) ByExtension(name string) (string, bool) {
	ext := path.Ext(name)
	if ext == "" {
		return "", false
	}
	if typ, ok := t.byExt[ext]; ok {
		return typ, true
	}
	typ, ok := t.byExt[strings.ToLower(ext)]
	return typ, ok
}

// TypeOf returns the Content-Type for a file called name with the given
// content. The content is read only when the extension is unknown and
// sniffing is on; it is then read once, up to 3 KiB, and seeked back to
// the start, so the caller can send it from the beginning.
func (t *Types) TypeOf(name string, content io.ReadSeeker) (string, error) {
	if typ, ok := t.ByExtension(name); ok {
		return typ, nil
	}
	if t.fallback != "" {
		return t.fallback, nil
	}
	var buf [sniffLen]byte
	n, err := io.ReadFull(content, buf[:])
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return "", err
	}
	if _, err := content.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	return Sniff(buf[:n]), nil
}

// Sniff returns the type that the leading bytes of a file look like,
// except that an active type (HTML, XHTML, SVG, XML, JavaScript, or
// anything descended from them) is reported as [PlainText].
func Sniff(head []byte) string {
	m := mimetype.Detect(head)
	for p := m; p != nil; p = p.Parent() {
		for _, active := range activeTypes {
			if p.Is(active) {
				return PlainText
			}
		}
	}
	if m.String() == "text/plain" { // empty or charset-less text
		return PlainText
	}
	return m.String()
}

// activeTypes are types a browser may run script in. mimetype's hierarchy
// puts RSS, Atom, KML and the like under text/xml, so they are caught too.
var activeTypes = [...]string{
	"text/html",
	"application/xhtml+xml",
	"image/svg+xml",
	"text/xml",
	"application/xml",
	"text/javascript",
	"application/javascript",
	"application/x-javascript",
	"application/ecmascript",
}
