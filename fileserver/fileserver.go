package fileserver

import (
	"errors"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"syscall"
	"time"

	"github.com/pyhttp/httpserver/internal/errorpage"
	"github.com/pyhttp/httpserver/internal/safepath"
	"github.com/pyhttp/httpserver/listing"
	"github.com/pyhttp/httpserver/mime"
)

// Options configure a [Handler]. The zero value behaves like
// python -m http.server, with byte ranges and ETags added.
type Options struct {
	// IndexNames are tried in order for a directory; the first that is a
	// regular file is served. Default (nil): index.html, index.htm. An
	// empty non-nil slice turns index files off.
	IndexNames []string

	// NoListing answers 404 for a directory without an index file,
	// instead of listing it. Default: list it.
	NoListing bool

	// HideDotfiles answers 404 for any path with an element that starts
	// with a dot (.git/config, .env) and leaves such entries out of
	// listings. Default: served and listed, as in Python.
	HideDotfiles bool

	// Listing chooses and configures the listing page. Its HideDotfiles is
	// forced on when the Handler's is. Default: the modern page.
	Listing listing.Options

	// Types maps file names to Content-Types. Default: mime.New with
	// sniffing for unknown extensions.
	Types *mime.Types

	// ContentHashETags derives each file's ETag from a SHA-256 of its
	// content instead of its size and modification time, so that
	// replicas serving the same bytes agree whatever their clocks. The
	// hash is computed once per version of a file (see Handler). Files
	// with no modification time, such as those of an embed.FS, always get
	// content-hash ETags. Default: false.
	ContentHashETags bool

	// MaxRanges caps the number of ranges, after overlapping and nearby
	// ones are merged, that a Range header may ask for; a request for
	// more gets the whole file. Default (0): 32.
	MaxRanges int

	// ErrorTemplate renders error pages with {{.Code}}, {{.Message}} and
	// {{.Explain}}, like Python's error_message_format. Default: Python's
	// page.
	ErrorTemplate *template.Template

	// ErrorContentType is the Content-Type of error pages, like Python's
	// error_content_type. Default: "text/html;charset=utf-8".
	ErrorContentType string

	// ErrorLog receives errors that the client is not shown, such as a
	// failed read. Default: slog.Default().
	ErrorLog *slog.Logger
}

// Handler serves files from an fs.FS. Build one with [New]; its
// configuration is immutable and it is safe for concurrent use.
//
// A Handler remembers, per version of a file, its Content-Type and ETag,
// and the bytes of files up to 16 KiB (32 MiB in all), so that a small
// file is served with a single stat. Every request stats the file, and a
// remembered version is used only while its size, modification time and
// (on Linux) inode and change time are unchanged, so an edited, replaced
// or re-permissioned file is never served stale.
type Handler struct {
	fsys      fs.FS
	index     []string
	noListing bool
	hideDots  bool
	listing   *listing.Handler
	types     *mime.Types
	hashETags bool // ETags from content for every file, not only undated ones
	cache     *fileCache
	maxRanges int
	errors    *errorpage.Page
	log       *slog.Logger
}

// New returns a Handler serving fsys. To serve a directory of the local
// file system safely, pass [RootFS] of an [os.Root] (see the package
// documentation).
func New(fsys fs.FS, opts Options) *Handler {
	h := &Handler{
		fsys:      fsys,
		index:     opts.IndexNames,
		noListing: opts.NoListing,
		hideDots:  opts.HideDotfiles,
		types:     opts.Types,
		maxRanges: opts.MaxRanges,
		errors:    errorpage.New(opts.ErrorTemplate, opts.ErrorContentType),
		log:       opts.ErrorLog,
		hashETags: opts.ContentHashETags,
		cache:     newFileCache(),
	}
	if h.index == nil {
		h.index = []string{"index.html", "index.htm"}
	}
	if h.types == nil {
		h.types = mime.New(mime.Options{})
	}
	if h.maxRanges <= 0 {
		h.maxRanges = 32
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	lo := opts.Listing
	lo.HideDotfiles = lo.HideDotfiles || opts.HideDotfiles
	h.listing = listing.New(lo)
	return h
}

// statusError is an error with the status and Python-style message the
// client is answered with; its cause, if any, goes to the error log.
type statusError struct {
	code    int
	message string
	cause   error
}

func (e *statusError) Error() string { return e.message }

func notFound(cause error) error { return &statusError{http.StatusNotFound, "File not found", cause} }

// ServeHTTP serves the file or directory named by the request path.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := h.serve(w, r); err != nil {
		h.fail(w, r, err)
	}
}

// fail maps err to its status and writes the error page. Internal detail
// stays in the log; the client sees a fixed message.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var se *statusError
	if !errors.As(err, &se) {
		se = &statusError{http.StatusInternalServerError, "", err}
	}
	if c := se.cause; c != nil && !errors.Is(c, fs.ErrNotExist) {
		h.log.LogAttrs(r.Context(), slog.LevelWarn, "fileserver: cannot serve",
			slog.String("path", r.URL.Path), slog.Int("status", se.code), slog.Any("error", c))
	}
	h.errors.Write(w, r, se.code, se.message)
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) error {
	name, wantDir, info, err := h.lookup(w, r)
	if err != nil {
		return err
	}
	switch {
	case info.IsDir():
		if !wantDir {
			redirectToDir(w, r)
			return nil
		}
		return h.serveDir(w, r, name)
	case !info.Mode().IsRegular():
		// A FIFO would block the open forever; sockets and devices are
		// not files to serve either.
		return notFound(nil)
	case wantDir:
		// Python answers 404 for "file/" (bpo-17324), where net/http
		// redirects to "../file".
		return notFound(nil)
	}
	return h.serveFile(w, r, name, info)
}

// lookup resolves r's path to a name in the file system and stats it. It
// is apart from serve to keep serve's frame, which is on the way to
// sendfile, small (see describe).
//
//go:noinline
func (h *Handler) lookup(w http.ResponseWriter, r *http.Request) (name string, wantDir bool, info fs.FileInfo, err error) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		// Python answers 501 for a method it has no do_METHOD for.
		w.Header().Set("Allow", "GET, HEAD")
		return "", false, nil, &statusError{http.StatusNotImplemented, "Unsupported method ('" + r.Method + "')", nil}
	}
	name, wantDir, ok := safepath.Resolve(requestPath(r))
	if !ok || h.hideDots && safepath.IsHidden(name) {
		return "", false, nil, notFound(nil)
	}
	info, err = fs.Stat(h.fsys, name)
	if err != nil {
		return "", false, nil, openError(err)
	}
	return name, wantDir, info, nil
}

func (h *Handler) serveDir(w http.ResponseWriter, r *http.Request, name string) error {
	for _, index := range h.index {
		p := path.Join(name, index)
		if info, err := fs.Stat(h.fsys, p); err == nil && info.Mode().IsRegular() {
			return h.serveFile(w, r, p, info)
		}
	}
	if h.noListing {
		return notFound(nil)
	}
	if err := h.listing.ServeDir(w, withoutInvalidRange(r), h.fsys, name); err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return &statusError{http.StatusForbidden, "No permission to list directory", err}
		}
		return &statusError{http.StatusNotFound, "No permission to list directory", err}
	}
	return nil
}

// openError maps an error from stat or open. Like Python, anything but a
// permission problem is "File not found": ENOTDIR, ELOOP, ENAMETOOLONG, a
// name the FS refuses, a symlink out of an os.Root.
func openError(err error) error {
	if errors.Is(err, fs.ErrPermission) {
		return &statusError{http.StatusForbidden, "", err}
	}
	return notFound(err)
}

func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request, name string, info fs.FileInfo) error {
	var (
		f       fs.File // nil when the bytes come from the cache
		content io.ReadSeeker
		err     error
	)
	e := h.cache.get(name, info)
	switch {
	case e == nil:
		f, content, e, err = h.describe(name, info)
	case e.content != nil:
		content = e.reader()
	default:
		f, content, err = h.open(name, info.Size())
	}
	if err != nil {
		return err
	}
	if f != nil {
		defer f.Close()
	}
	w, r, modtime := h.prepare(w, r, info, e)
	http.ServeContent(w, r, name, modtime, content)
	return nil
}

// describe opens a file the cache has no entry for and works out its type
// and ETag, caching them, and its bytes when it is small. The caller
// closes f. It is apart from serveFile to keep the frame of the path
// every cached request takes small: net/http serves each connection on
// one goroutine, and a path deeper than its stack makes the runtime grow
// that stack again after every GC has shrunk it.
//
//go:noinline
func (h *Handler) describe(name string, info fs.FileInfo) (fs.File, io.ReadSeeker, *cachedFile, error) {
	f, content, err := h.open(name, info.Size())
	if err != nil {
		return nil, nil, nil, err
	}
	fail := func(err error) (fs.File, io.ReadSeeker, *cachedFile, error) {
		f.Close()
		return nil, nil, nil, err
	}
	e := &cachedFile{version: versionOf(info)}
	stable := true
	if info.Size() <= cacheMaxFileBytes {
		if e.content, stable, err = readSmall(f, info); err != nil {
			if errors.Is(err, syscall.EISDIR) {
				// Replaced by a directory between stat and open:
				// gone, as far as this request is concerned.
				return fail(notFound(err))
			}
			return fail(&statusError{http.StatusInternalServerError, "", err})
		}
		content = e.reader()
	}
	ctype, err := h.types.TypeOf(name, content)
	if err != nil {
		return fail(&statusError{http.StatusInternalServerError, "", err})
	}
	etag, err := h.etag(info, content)
	if err != nil {
		return fail(&statusError{http.StatusInternalServerError, "", err})
	}
	e.ctype, e.etag = ctype, etag
	if stable {
		h.cache.put(name, e)
	}
	return f, content, e, nil
}

// open opens name for reading; http.ServeContent needs to seek. size is
// the size the handler's stat saw.
func (h *Handler) open(name string, size int64) (fs.File, io.ReadSeeker, error) {
	f, err := h.fsys.Open(name)
	if err != nil {
		return nil, nil, openError(err)
	}
	content, ok := f.(io.ReadSeeker)
	if !ok {
		f.Close()
		return nil, nil, &statusError{http.StatusInternalServerError, "", errors.New("fs.File for " + name + " cannot seek")}
	}
	if sc, ok := f.(syscall.Conn); ok {
		content = &sizedFile{f: content, sc: sc, size: size}
	}
	return f, content, nil
}

// prepare sets the headers the handler owns and picks the writer and
// request http.ServeContent gets. It is apart from serveFile to keep
// serveFile's frame, which is on the way to sendfile, small (see
// describe).
//
//go:noinline
func (h *Handler) prepare(w http.ResponseWriter, r *http.Request, info fs.FileInfo, e *cachedFile) (http.ResponseWriter, *http.Request, time.Time) {
	// One allocation for the three values; each slice is capped so that a
	// later append cannot write into its neighbour.
	v := [...]string{e.ctype, e.etag, "nosniff"}
	vals := v[:]
	hdr := w.Header()
	hdr["Content-Type"] = vals[0:1:1]
	hdr["Etag"] = vals[1:2:2]
	hdr["X-Content-Type-Options"] = vals[2:3:3]

	modtime := info.ModTime()
	if isUnixEpochOrZero(modtime) {
		modtime = time.Time{} // net/http sends no Last-Modified then
	}
	if e.content != nil {
		// Bytes from memory gain nothing from sendfile, and net/http's
		// ReadFrom would send the first 512 of them apart from the rest:
		// two writes for a 1 KiB file. Plain writes make it one.
		w = writeOnly{w}
	} else if r.Method == http.MethodGet && info.Size() >= corkMinBytes {
		w = corked(w, r) // see ConnContext
	}
	req, guard := h.guardRanges(r, info.Size())
	if guard {
		// Only range and precondition requests can make ServeContent
		// fail; route its plain-text errors to our error page.
		w = &errorPageWriter{ResponseWriter: w, h: h, r: req}
	}
	return w, req, modtime
}

func isUnixEpochOrZero(t time.Time) bool {
	return t.IsZero() || t.Equal(time.Unix(0, 0))
}

// errorPageWriter sits between http.ServeContent and the client when a
// request can fail a precondition or a range: an error status from
// ServeContent is answered with our error page and its plain-text body
// dropped. Everything else passes through, ReadFrom included, so the file
// still goes out by sendfile.
type errorPageWriter struct {
	http.ResponseWriter
	h      *Handler
	r      *http.Request
	failed bool
}

var _ io.ReaderFrom = (*errorPageWriter)(nil)

func (e *errorPageWriter) WriteHeader(code int) {
	if code >= 400 && !e.failed {
		e.failed = true
		e.h.errors.Write(e.ResponseWriter, e.r, code, "")
		return
	}
	e.ResponseWriter.WriteHeader(code)
}

func (e *errorPageWriter) Write(p []byte) (int, error) {
	if e.failed {
		return len(p), nil
	}
	return e.ResponseWriter.Write(p)
}

func (e *errorPageWriter) ReadFrom(src io.Reader) (int64, error) {
	if e.failed {
		return io.Copy(io.Discard, src)
	}
	if rf, ok := e.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(writerOnly{e.ResponseWriter}, src)
}

// writeOnly is a ResponseWriter without ReadFrom (nor anything but the
// three methods of the interface).
type writeOnly struct{ http.ResponseWriter }

// writerOnly hides ReadFrom so io.Copy does not recurse into it.
type writerOnly struct{ io.Writer }

// Unwrap gives http.ResponseController the writer underneath.
func (e *errorPageWriter) Unwrap() http.ResponseWriter { return e.ResponseWriter }
