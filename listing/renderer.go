package listing

import (
	"bytes"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"sync"

	"github.com/yuin/goldmark"
)

// Format chooses the built-in HTML page.
type Format int

const (
	// Modern is the default page: Python's title, heading and links, plus
	// breadcrumbs, counts, a parent link and a table of sizes and times,
	// directories first, sortable from the column headers, with light and
	// dark themes and a filter box from one small script (the page works
	// without it).
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
	// Default: false, mixed like Python. The built-in modern page always
	// lists directories first by default (so DirsFirst changes only JSON
	// and a Template's order); ?dirs=mixed, or its toggle, mixes them.
	DirsFirst bool

	// Readme shows, below the modern page's table, the directory's
	// README.md (as Markdown), README or README.txt (as text), the first
	// of them that is a regular file among the listed entries, up to
	// [MaxReadmeSize]; a Template gets it as [Page].Readme. README.html
	// is never shown. Python's page and JSON never show it. Default:
	// false, no README, like Python. See [Readme] for what is escaped.
	Readme bool

	// Actions are the changes the modern page offers forms for. The
	// server must accept them (package upload does); the listing only
	// shows the forms. Default: none.
	Actions Actions

	// Downloads are the archive formats ("zip", "tar.gz") the modern page
	// links to, as ?download=FORMAT, for a server that serves them (see
	// fileserver.Options.Archives). Default: none.
	Downloads []string

	// SearchBox shows, on the modern page, a form that searches the names
	// below the directory with ?q=TEXT, for a server that answers it (see
	// fileserver.Options.Search and [Renderer.ServeSearch]). It works
	// without the page's script. Default: no box.
	SearchBox bool
}

// Actions says which forms the modern page shows. Every form works as a
// plain HTML form, without JavaScript: an upload form (files, and a
// folder with its subfolders) and a new-folder form for Upload, a rename
// and a delete form in each row for Delete, all posting to the listed
// directory's own URL. The page's one extra script adds drag and drop, a
// progress bar per file and a confirmation before a delete.
type Actions struct {
	Upload bool // upload files and folders, create folders
	Delete bool // delete and rename entries
}

// Renderer answers a request for a directory with its listing, as a web
// page or as JSON. It is not an [http.Handler]: the caller decides which
// directory to list and calls [Renderer.ServeDir]. Build one with [New];
// it is safe for concurrent use. Its options never change; it keeps the
// names of large directories between requests (see the package doc's
// Caching).
type Renderer struct {
	opts   Options
	modern *modernPage // the built-in modern page; nil if not used
	// variant tells the ETag of a page with links or a box from one
	// without; "" when there are none.
	variant   string
	downloads []Download
	results   func() *modernPage       // the page of search results
	dirs      *dirCache                // the names of large directories, between requests
	md        func() goldmark.Markdown // READMEs' converter, built on first use; nil without Options.Readme
}

// New returns a Renderer with opts.
func New(opts Options) *Renderer {
	rd := &Renderer{opts: opts, dirs: newDirCache()}
	if opts.Readme && (opts.Template != nil || opts.Format == Modern) {
		rd.md = sync.OnceValue(newMarkdown)
	}
	if opts.Template == nil && opts.Format == Modern {
		rd.modern = newModernPage(rd.md != nil, opts.Actions, opts.SearchBox)
	}
	for _, f := range opts.Downloads {
		rd.downloads = append(rd.downloads, Download{Format: f, URL: "?download=" + url.QueryEscape(f)})
		rd.variant += ";download=" + f
	}
	if opts.SearchBox {
		rd.variant += ";search"
	}
	rd.results = sync.OnceValue(func() *modernPage {
		if rd.modern != nil {
			return rd.modern
		}
		return newModernPage(false, Actions{}, opts.SearchBox)
	})
	return rd
}

// pythonPage reports whether HTML listings are Python's page.
func (rd *Renderer) pythonPage() bool {
	return rd.opts.Template == nil && rd.opts.Format == Python
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
	if rd.modern != nil {
		if s := r.URL.Query().Get("script"); s == "filter" || s == "upload" && rd.modern.actions != (Actions{}) {
			rd.modern.serveScript(w, r, s)
			return nil
		}
	}
	q := rd.parseQuery(r)
	// Python's page shows names only, so it needs no stat per entry: the
	// directory entries say which are directories and symlinks. It lists
	// every link, as Python does; the others leave out a link that cannot
	// be followed through fsys, such as one out of an os.Root.
	python := !q.json && rd.pythonPage()
	l, sorted, err := read(fsys, name, opts, !python, !python, rd.dirs)
	if err != nil {
		return err
	}
	if !sorted || q.order != (Order{}) {
		l.Sort(q.order)
	}
	l.Path = displayPath(r.RequestURI, r.URL.Path)

	tag := etag(l, q, rd.tagFormat(), q.contentType()+rd.variant)
	if notModified(r, tag) {
		// Skip rendering what the client already has; for a large
		// directory that is most of the work.
		setValidators(w.Header(), tag)
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	b := getPageBuf()
	defer putPageBuf(b)
	if err := rd.render(b, fsys, l, q, name); err != nil {
		// Only a custom template can fail; the built-in ones are
		// tested. The caller maps this to an error page.
		return err
	}
	setValidators(w.Header(), tag)
	rd.setContentHeaders(w.Header(), q)
	http.ServeContent(w, r, "", lastModified(l), bytes.NewReader(b.Bytes()))
	return nil
}

// setValidators sets what every answer to a listing carries, 304
// included: Vary: Accept, the ETag, and Cache-Control: no-cache unless
// the caller chose one. A listing changes whenever someone adds a file;
// caches may keep it only as long as they revalidate it.
func setValidators(h http.Header, tag string) {
	h.Add("Vary", "Accept")
	h.Set("ETag", tag)
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
	}
}

// setContentHeaders sets the headers that describe the body answering q.
func (rd *Renderer) setContentHeaders(h http.Header, q query) {
	h.Set("Content-Type", q.contentType())
	h.Set("X-Content-Type-Options", "nosniff")
	if rd.opts.Template == nil && !q.json {
		// The built-in pages need no script, no frame and nothing from
		// another origin: a name that slipped past escaping could do
		// nothing.
		csp := "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
		if rd.modern != nil {
			csp = rd.modern.csp // the same, and the filter box's script
		}
		h.Set("Content-Security-Policy", csp)
	}
}

// render writes the body that answers q to b: JSON, the HTML template's
// page or Python's. The pages' README is read from the directory name of
// fsys.
func (rd *Renderer) render(b *bytes.Buffer, fsys fs.FS, l *Listing, q query, name string) error {
	switch {
	case q.json:
		return writeJSON(b, l, q)
	case rd.pythonPage():
		b.Write(appendPython(b.AvailableBuffer(), l))
		return nil
	}
	p := rd.newPage(l, q, name, rd.modern == nil)
	if rd.md != nil {
		p.Readme = rd.readme(fsys, name, l.Entries)
	}
	if rd.modern != nil {
		return rd.modern.execute(b, p)
	}
	return rd.opts.Template.Execute(b, p)
}

// Marks, in the format an ETag hashes, of a page that shows its README
// (whose own size and time are hashed with the entries) and of the forms
// it offers, so that a page cached before a restart with other options
// is not taken for the new one.
const (
	readmeTag Format = 1 << (8 + iota)
	uploadTag
	deleteTag
)

// tagFormat is the rendering choice an ETag hashes: the format, whether
// the page shows a README, and its forms.
func (rd *Renderer) tagFormat() Format {
	f := rd.opts.Format
	if rd.md != nil {
		f |= readmeTag
	}
	if rd.opts.Actions.Upload {
		f |= uploadTag
	}
	if rd.opts.Actions.Delete {
		f |= deleteTag
	}
	return f
}

// pageBufs holds the buffers pages are rendered into, for getPageBuf and
// putPageBuf. A page of a large directory is megabytes; rendered into a
// fresh buffer, every listing of it would be that much garbage.
var pageBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// getPageBuf returns an empty buffer to render a page into.
func getPageBuf() *bytes.Buffer { return pageBufs.Get().(*bytes.Buffer) }

// putPageBuf gives b back to pageBufs, unless it grew past 16 MiB: the
// pool must not pin the memory of one huge listing.
func putPageBuf(b *bytes.Buffer) {
	if b.Cap() <= 16<<20 {
		b.Reset()
		pageBufs.Put(b)
	}
}

// newPage is newPage with the links and box of rd's options.
func (rd *Renderer) newPage(l *Listing, q query, name string, withRows bool) *Page {
	p := newPage(l, q, name, withRows)
	p.Downloads, p.SearchBox, p.Actions = rd.downloads, rd.opts.SearchBox, rd.opts.Actions
	return p
}
