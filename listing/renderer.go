package listing

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
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
// and its tail, into a buffer sized once; a custom template as it is.
func (rd *Renderer) renderPage(b *bytes.Buffer, p *Page) error {
	if rd.tail == nil {
		return rd.tmpl.Execute(b, p)
	}
	b.Grow(4096 + rowsSize(p.Listing.Entries))
	if err := rd.tmpl.Execute(b, p); err != nil {
		return err
	}
	b.Write(appendRows(b.AvailableBuffer(), p.Listing.Entries))
	return rd.tail.Execute(b, p)
}

// query is what a request asks of a listing through its query string.
type query struct {
	json   bool
	order  Order
	sorted bool // the request chose a sort key, order or grouping

	defaultDirsFirst bool // Options.DirsFirst
}

// defaultQuery is the query of a request that asks for nothing: HTML in
// Options' order.
func (rd *Renderer) defaultQuery() query {
	return query{order: Order{DirsFirst: rd.opts.DirsFirst}, defaultDirsFirst: rd.opts.DirsFirst}
}

// parseQuery reads ?format=json|html, ?sort=name|size|time,
// ?order=asc|desc and ?dirs=first|mixed, and the Accept header. Unknown
// values are ignored rather than refused: a listing is a page to browse,
// and a stale bookmark should still show it.
func (rd *Renderer) parseQuery(r *http.Request) query {
	q := rd.defaultQuery()
	v := r.URL.Query()
	switch v.Get("format") {
	case "json":
		q.json = true
	case "html":
	default:
		q.json = prefersJSON(r.Header.Values("Accept"))
	}
	switch v.Get("sort") {
	case "name":
		q.order.By, q.sorted = ByName, true
	case "size":
		q.order.By, q.sorted = BySize, true
	case "time":
		q.order.By, q.sorted = ByTime, true
	}
	switch v.Get("order") {
	case "desc":
		q.order.Desc, q.sorted = true, true
	case "asc":
		q.sorted = true
	}
	switch v.Get("dirs") {
	case "first":
		q.order.DirsFirst, q.sorted = true, true
	case "mixed":
		q.order.DirsFirst, q.sorted = false, true
	}
	return q
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
		renderPython(b, l)
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

// notModified reports whether r is a GET or HEAD whose only precondition
// is an If-None-Match that matches tag. Those are answered 304 before
// rendering (RFC 9110 §13.1.2: weak comparison, "*" matches any current
// representation). Anything else, If-Match, If-Unmodified-Since or
// If-Modified-Since included, is left to http.ServeContent, which
// evaluates them in RFC 9110 §13.2.2's order.
func notModified(r *http.Request, tag string) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	h := r.Header
	if h.Get("If-Match") != "" || h.Get("If-Unmodified-Since") != "" {
		return false
	}
	for _, v := range h.Values("If-None-Match") {
		for t := range strings.SplitSeq(v, ",") {
			t = strings.TrimSpace(t)
			if t == "*" || strings.TrimPrefix(t, "W/") == tag {
				return true
			}
		}
	}
	return false
}

// lastModified is the newest of the directory's and its entries' times:
// the modern page and JSON show entry times and sizes, which change
// without touching the directory.
func lastModified(l *Listing) time.Time {
	t := l.ModTime
	for _, e := range l.Entries {
		if e.ModTime.After(t) {
			t = e.ModTime
		}
	}
	return t
}

// etag hashes everything a rendering depends on: the entries (names,
// kinds, sizes, times), the display path, and the rendering choice. It is
// strong: the same inputs always render to the same bytes.
func etag(l *Listing, q query, f Format, ctype string) string {
	// Everything the page depends on is hashed with SHA-256, far quicker
	// than FNV over this much data, in chunks assembled on the stack; the
	// ETag stays the same across processes and replicas.
	d := sha256.New()
	var chunk [4096]byte
	b := chunk[:0]
	num := func(v int64) {
		if len(b)+8 > cap(b) {
			d.Write(b)
			b = b[:0]
		}
		b = binary.LittleEndian.AppendUint64(b, uint64(v))
	}
	str := func(s string) {
		num(int64(len(s)))
		for len(s) > 0 {
			if len(b) == cap(b) {
				d.Write(b)
				b = b[:0]
			}
			n := copy(b[len(b):cap(b)], s)
			b, s = b[:len(b)+n], s[n:]
		}
	}
	str(ctype)
	str(l.Path)
	num(int64(f))
	num(int64(q.order.By))
	flags := int64(0)
	if q.order.Desc {
		flags |= 1
	}
	if q.order.DirsFirst {
		flags |= 2
	}
	num(flags)
	num(l.ModTime.UnixNano())
	for _, e := range l.Entries {
		str(e.Name)
		k := int64(0)
		if e.IsDir {
			k |= 1
		}
		if e.IsSymlink {
			k |= 2
		}
		num(k)
		num(e.Size)
		num(e.ModTime.UnixNano())
	}
	d.Write(b)
	var sum [sha256.Size]byte
	return `"` + strconv.FormatUint(uint64(len(l.Entries)), 36) + "-" + encodeHex(d.Sum(sum[:0])[:16]) + `"`
}

func encodeHex(b []byte) string {
	const hex = "0123456789abcdef"
	s := make([]byte, 2*len(b))
	for i, c := range b {
		s[2*i], s[2*i+1] = hex[c>>4], hex[c&15]
	}
	return string(s)
}

// jsonListing is the JSON form of a listing: the schema the package
// documentation gives.
type jsonListing struct {
	Path    string      `json:"path"`
	Sort    string      `json:"sort"`
	Order   string      `json:"order"`
	Entries []jsonEntry `json:"entries"`
}

// jsonEntry is one entry of a jsonListing.
type jsonEntry struct {
	Name      string     `json:"name"`
	URL       string     `json:"url"`
	IsDir     bool       `json:"is_dir"`
	IsSymlink bool       `json:"is_symlink"`
	Size      int64      `json:"size"`
	ModTime   *time.Time `json:"mod_time"`
}

func writeJSON(b *bytes.Buffer, l *Listing, q query) error {
	out := jsonListing{Path: l.Path, Sort: q.order.By.String(), Order: direction(q.order.Desc), Entries: make([]jsonEntry, len(l.Entries))}
	for i, e := range l.Entries {
		je := jsonEntry{Name: e.Name, URL: href(e.Name, e.IsDir), IsDir: e.IsDir, IsSymlink: e.IsSymlink, Size: e.Size}
		if !e.ModTime.IsZero() {
			t := e.ModTime.UTC()
			je.ModTime = &t
		}
		out.Entries[i] = je
	}
	enc := json.NewEncoder(b)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// direction is the spelling of ?order=: "asc" or "desc".
func direction(desc bool) string {
	if desc {
		return "desc"
	}
	return "asc"
}

// prefersJSON reports whether an Accept header gives application/json a
// higher quality than text/html (RFC 9110 §12.5.1). Ties, and headers
// that name neither (a browser's "*/*"), go to HTML.
func prefersJSON(accept []string) bool {
	qJSON, qHTML := -1.0, -1.0 // -1: not matched by any range
	specJSON, specHTML := -1, -1
	for _, header := range accept {
		for part := range strings.SplitSeq(header, ",") {
			mediaRange, params, _ := strings.Cut(part, ";")
			mediaRange = strings.ToLower(strings.TrimSpace(mediaRange))
			qv := 1.0
			for p := range strings.SplitSeq(params, ";") {
				k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
					if err != nil || f < 0 || f > 1 {
						f = 0 // a malformed weight does not make a type preferred
					}
					qv = f
				}
			}
			if s := specificity(mediaRange, "application/json"); s > specJSON {
				specJSON, qJSON = s, qv
			}
			if s := specificity(mediaRange, "text/html"); s > specHTML {
				specHTML, qHTML = s, qv
			}
		}
	}
	return qJSON > 0 && qJSON > qHTML
}

// specificity returns how closely mediaRange matches typ: 2 exactly, 1 by
// "type/*", 0 by "*/*", -1 not at all. The most specific range decides a
// type's quality (RFC 9110 §12.5.1).
func specificity(mediaRange, typ string) int {
	switch {
	case mediaRange == typ:
		return 2
	case mediaRange == "*/*":
		return 0
	case strings.HasSuffix(mediaRange, "/*") && strings.HasPrefix(typ, mediaRange[:len(mediaRange)-1]):
		return 1
	}
	return -1
}
