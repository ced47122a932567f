package listing

import (
	"bytes"
	_ "embed"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"sync"
)

// Format chooses the built-in HTML page.
type Format int

const (
	// Modern is the default page: Python's title, heading and links, plus
	// a parent link and a table of sizes and times sortable from the
	// column headers, with light and dark themes and no JavaScript.
	Modern Format = iota
	// Python is CPython 3.14's list_directory page, byte for byte.
	Python
)

// Options configure a [Renderer]. The zero value is the modern page, in
// Python's order (by name, case-insensitively).
type Options struct {
	// Format chooses the built-in page. Default: Modern.
	Format Format

	// Template, if set, renders HTML listings instead of the built-in
	// page. It must be an html/template, so that names are escaped; it is
	// executed with a [*Page]. Default: the built-in page for Format.
	Template *template.Template

	// DirsFirst lists directories before files, whatever the sort key and
	// order; a request can override it with ?dirs=first or ?dirs=mixed.
	// Default: false, mixed like Python.
	DirsFirst bool
}

// Renderer answers a request for a directory with its listing, as a web
// page or as JSON. It is not an [http.Handler]: the caller decides which
// directory to list and calls [Renderer.ServeDir]. Build one with [New];
// it is safe for concurrent use. Its options never change; it keeps the
// names of large directories between requests (see the package doc's
// Caching).
type Renderer struct {
	opts Options
	tmpl *template.Template // the page; for the built-in page, up to its rows
	tail *template.Template // the built-in page after its rows; nil for a custom one
	dirs *dirCache          // the names of large directories, between requests
}

//go:embed modern.html
var modernHTML string

// New returns a Renderer with opts.
func New(opts Options) *Renderer {
	rd := &Renderer{opts: opts, tmpl: opts.Template, dirs: newDirCache()}
	if rd.tmpl == nil && opts.Format == Modern {
		// Parsing a constant template cannot fail; Must is a setup-time
		// assertion, never reached by a request.
		// The rows are written between the two halves, straight into
		// the response buffer: as a template.HTML value they would be
		// copied through fmt once more.
		head, tail, _ := strings.Cut(modernHTML, "{{/* rows */}}")
		rd.tmpl = template.Must(template.New("modern").Parse(head))
		rd.tail = template.Must(template.New("modern-tail").Parse(tail))
	}
	return rd
}

// renderPage writes the HTML page: the built-in one as its head, its rows
// and its tail; a custom template as it is.
func (rd *Renderer) renderPage(b *bytes.Buffer, p *Page) error {
	if rd.tail == nil {
		return rd.tmpl.Execute(b, p)
	}
	if err := rd.tmpl.Execute(b, p); err != nil {
		return err
	}
	b.Write(appendRows(b.AvailableBuffer(), p.Listing.Entries))
	return rd.tail.Execute(b, p)
}

// ServeDir answers r with the listing of the directory name (an io/fs
// name, "." for the root) of fsys, read as [Read] reads it with opts:
// HTML, or JSON when the request asks for it with ?format=json or prefers
// application/json in Accept.
//
// It handles GET and HEAD (other methods are answered like GET; the
// caller decides which it allows), sorting from the query
// (?sort=name|size|time&order=asc|desc&dirs=first|mixed), Vary: Accept, a
// Last-Modified and a strong ETag that change whenever the entries or the
// rendering choice do, and conditional requests (If-None-Match,
// If-Modified-Since, and the rest of RFC 9110 §13 via
// [http.ServeContent]).
//
// The title shows the request's path as the client sent it: the path of
// r.RequestURI, percent-decoded, when set (so a prefix removed by
// http.StripPrefix or a chi mount still shows), else r.URL.Path. All
// links are relative, so the page works under any mount prefix.
//
// If the directory cannot be read, ServeDir writes nothing and returns
// the error, for the caller to map (Python answers 404 "No permission to
// list directory").
func (rd *Renderer) ServeDir(w http.ResponseWriter, r *http.Request, fsys fs.FS, name string, opts ReadOptions) error {
	q := rd.parseQuery(r)
	pythonPage := !q.json && rd.tmpl == nil
	// Python's page shows names only, so it needs no stat per entry: the
	// directory entries say which are directories and symlinks. A 10,000
	// entry directory is then read as Go's FileServer reads it.
	l, err := read(fsys, name, opts, rd.opts.DirsFirst, !pythonPage, rd.dirs)
	if err != nil {
		return err
	}
	l.Path = displayPath(r.RequestURI, r.URL.Path)
	if pythonPage {
		// The Python page ignores the query, as Python does.
		q = rd.defaultQuery()
	}
	if q.sorted {
		l.Sort(q.order)
	}

	ctype := "text/html; charset=utf-8"
	if q.json {
		ctype = "application/json"
	}
	tag := etag(l, q, rd.opts.Format, ctype)
	if notModified(r, tag) {
		// Skip rendering what the client already has; for a large
		// directory that is most of the work.
		hd := w.Header()
		hd.Add("Vary", "Accept")
		hd.Set("ETag", tag)
		if hd.Get("Cache-Control") == "" {
			hd.Set("Cache-Control", "no-cache")
		}
		w.WriteHeader(http.StatusNotModified)
		return nil
	}

	b := pageBufs.Get().(*bytes.Buffer)
	defer putPageBuf(b)
	switch {
	case q.json:
		err = writeJSON(b, l, q)
	case rd.tmpl != nil:
		err = rd.renderPage(b, newPage(l, q, name, rd.tail == nil))
	default:
		b.Write(appendPython(b.AvailableBuffer(), l))
	}
	if err != nil {
		// Only a custom template can fail; the built-in ones are
		// tested. The caller maps this to an error page.
		return err
	}

	hd := w.Header()
	hd.Add("Vary", "Accept")
	hd.Set("Content-Type", ctype)
	hd.Set("X-Content-Type-Options", "nosniff")
	if rd.opts.Template == nil && !q.json {
		// The built-in pages need no script, no frame and nothing from
		// another origin: a name that slipped past escaping could do
		// nothing.
		hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	}
	hd.Set("ETag", tag)
	// Directory listings change whenever someone adds a file; let caches
	// keep them only as long as they revalidate.
	if hd.Get("Cache-Control") == "" {
		hd.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, "", lastModified(l), bytes.NewReader(b.Bytes()))
	return nil
}

// pageBufs holds the buffers pages are rendered into: a 10,000-entry
// page is 2 MB or so, and a server busy listing a large directory would
// otherwise make that much garbage per request.
var pageBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putPageBuf returns b to pageBufs unless it grew past 16 MiB: the pool
// should not pin the memory of one huge listing.
func putPageBuf(b *bytes.Buffer) {
	if b.Cap() <= 16<<20 {
		b.Reset()
		pageBufs.Put(b)
	}
}
