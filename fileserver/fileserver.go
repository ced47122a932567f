package fileserver

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"syscall"
	"time"

	"github.com/pyhttp/httpserver/access"
	"github.com/pyhttp/httpserver/archive"
	"github.com/pyhttp/httpserver/internal/cork"
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

	// Access, when not nil, is the policy that every request is checked
	// against (as access.Read): a denied name, and any name the handler
	// derives from a request (an index file, a sidecar, a clean URL's
	// page), is treated as missing, a hidden one is left out of listings,
	// and a request that needs a user and has none gets 401. Default:
	// nil, everything allowed.
	Access *access.Policy

	// Listing chooses and configures the listing page; which entries it
	// lists is HideDotfiles' and Access' business. Default: the modern
	// page.
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

	// SPAFallback names a file of the FS ("index.html") that answers,
	// with status 200 and Cache-Control: no-cache, a GET or HEAD that
	// matched nothing, whose last path segment has no extension and whose
	// Accept header names text/html: a client-side route of a
	// single-page app, such as a reloaded /settings/profile. A missing
	// asset (app.js, logo.png, anything with an extension) and a request
	// that does not ask for HTML (fetch's "*/*") still get 404. The file
	// is found through the FS on every request, so it is confined as any
	// request is and never stale, and is served as any file is: its own
	// ETag, conditional and range requests, HEAD. Where it is mounted
	// does not matter: the name is the FS's. If it is missing or not a
	// regular file, the request gets 404 and ErrorLog says why. Default
	// (""): no fallback.
	SPAFallback string

	// NotFoundPage names a file of the FS ("404.html") whose content
	// answers what is not there, instead of Python's page: status 404
	// (never 200), Content-Type from its name, Cache-Control: no-cache,
	// and no validators, whatever the request's conditional or Range
	// headers, so a 404 never turns into a 304 or 206. With SPAFallback,
	// it answers what the fallback does not take. If it is missing or not
	// a regular file, Python's page is sent and ErrorLog says why.
	// Default (""): Python's page.
	NotFoundPage string

	// CleanURLs serves about.html for /about when there is no file or
	// directory "about" (or "about" is a directory without an index
	// file), and redirects /about.html to "about" and /blog/index.html to
	// "./" (301, relative, query kept) so that each page has one URL.
	// /blog/ still serves blog/index.html. Default: false.
	CleanURLs bool

	// Immutable reports whether the file name (an FS name such as
	// "assets/app-1a2b3c.js") is fingerprinted: its content never
	// changes under that name. Such a file, asked for by its own name,
	// is sent with Cache-Control: public, max-age=31536000, immutable,
	// so browsers stop revalidating it. Index files, clean-URL pages,
	// the fallback and the 404 page are never immutable, nor is anything
	// missing. [Globs] builds one from patterns like "assets/*". Default
	// (nil): no Cache-Control is set.
	//
	// The Cache-Control that these options set replaces one set before
	// the handler runs, such as middleware.Headers'.
	Immutable func(name string) bool
	// Precompressed serves, for a file name, the sidecar name.br,
	// name.zst or name.gz that the request's Accept-Encoding prefers
	// (ties go in that order), with the Content-Type of name, a
	// Content-Encoding, and an ETag of its own. Every response for a
	// file that has sidecars, identity ones included, says "Vary:
	// Accept-Encoding"; a client that refuses identity and accepts none
	// of them gets 406. A Range applies to the sidecar's bytes, and asks
	// for one range at most (more get the whole sidecar). A sidecar is
	// ignored when it is older than name by a second or more (stale:
	// brotli and zstd cut the time they copy to whole seconds), not a regular file,
	// or out of reach of the FS (a symlink out of an os.Root); it is
	// never served for a name that does not exist, and a request for
	// app.js.gz itself is answered with that file, as application/gzip.
	// An index file gets its sidecars too.
	//
	// Which sidecars a file has is looked up when its cache entry is made
	// and again when that lookup is over a second old, so a sidecar added
	// later is noticed within a second, and a file without sidecars costs
	// three stats a second at most, not three a request (with
	// WatchFiles, stats cost no system call and every request looks). A
	// sidecar is stat'ed whenever it is about to be served, so a removed,
	// edited or stale one is never sent. Default: false, the file as it
	// is.
	Precompressed bool

	// Compress answers a client that accepts br, zstd or gzip (chosen
	// as for Precompressed) with a compressed form of a file of a
	// compressible type (text, JSON, JavaScript, SVG...) and of 1 KiB to
	// 1 MiB, made once per version of the file and coding with the
	// strongest levels of internal/encoding and kept in memory, 64 MiB in
	// all. It is sent like a sidecar: with Content-Length, an ETag of its
	// own ("…-br"), Vary: Accept-Encoding on every response for the file,
	// and a Range applying to the compressed bytes (one range at most). A
	// file with a sidecar that the client accepts gets the sidecar; a file
	// that compression does not make smaller is sent as it is. The first
	// request for a version pays the compression, tens of milliseconds
	// per MiB of text. middleware.Compress leaves these responses alone,
	// since they have a Content-Encoding. Default: false.
	Compress bool

	// Sandbox sends every file that a browser would render as an active
	// document (HTML, XHTML, SVG, XML) with Content-Security-Policy:
	// sandbox. Such a file then runs in an opaque origin, without
	// script, forms or popups: an uploaded page cannot use the server's
	// origin, where an upload UI may live, nor read its other files. Set
	// it when clients can write to the served tree (the command does
	// with --upload). Listings are not files and keep their own policy;
	// the SPAFallback and NotFoundPage files are files and are
	// sandboxed too. Default: false.
	Sandbox bool

	// Archives answers GET DIR/?download=zip, tar or tar.gz with the
	// directory as an archive, streamed as it is read by package archive:
	// under the same hide and deny rules as the listing (Access,
	// HideDotfiles), within ArchiveOptions' caps, and at most MaxArchives
	// at once (503 with Retry-After beyond). An unknown format gets 400,
	// as does ?download= on a file; a denied or missing directory 404.
	// The modern listing page links to the zip and tar.gz forms unless
	// Listing.Downloads says otherwise. With NoListing, archives answer
	// 404: they would list what the listing does not. Default: false.
	Archives bool

	// ArchiveOptions are the caps of each archive (see archive.Options;
	// its Hidden and HideDotfiles are the handler's own Access and
	// HideDotfiles). Default: archive's defaults.
	ArchiveOptions archive.Options

	// MaxArchives is how many archives are streamed at once. Default
	// (0): DefaultMaxArchives, 8.
	MaxArchives int

	// Search answers GET DIR/?q=TEXT with the names below the directory
	// that contain TEXT, case-insensitively (listing.Renderer.ServeSearch):
	// the modern page's rows, or JSON, under the same hide and deny rules
	// as the listing, bounded by SearchOptions. A query over
	// listing.MaxQueryLen bytes, or with NUL or bytes that are not UTF-8,
	// gets 400. The modern listing page shows a search box unless
	// Listing.SearchBox is already set. With NoListing, ?q= is ignored.
	// Default: false.
	Search bool

	// SearchOptions bound each search (see listing.SearchOptions; its
	// ReadOptions are the handler's Access and HideDotfiles). Default:
	// listing's defaults.
	SearchOptions listing.SearchOptions

	// WatchFiles, on Linux, for an FS made by [RootFS] of a directory on
	// a local file system, replaces the stat that every request makes of
	// every name it looks at (the file, its directory's index file, its
	// sidecars, a clean URL's page, a listing's entries) by one read of an
	// inotify descriptor per request: stats are kept in memory, one per name, and forgotten
	// when the kernel reports a change to the name or to a directory on
	// its path. A change made before a request is received is still seen
	// by that request. Symlinks are still followed on every request, as
	// is a second name of a file kept under a first; a write through a
	// shared memory mapping is not reported by the kernel, nor is a
	// change on a network or FUSE file system, which is therefore not
	// watched. Each Handler then holds one inotify instance and a watch
	// per directory and kept file (16,384 names, 4,096 directories at
	// most), released when it is garbage collected. The option is
	// ignored elsewhere, and a name that cannot be watched is stat'ed per
	// request. Default: false.
	WatchFiles bool

	// ErrorLog receives the causes of errors that the client is only
	// shown a status for, such as a failed read. Default: slog.Default().
	// Error pages are Python's; wrap the Handler in
	// middleware.ErrorPages for your own.
	ErrorLog *slog.Logger
}

// Handler serves files from an fs.FS. Build one with [New]; its
// configuration is immutable and it is safe for concurrent use.
//
// A Handler remembers, per version of a file, its Content-Type and ETag,
// and the bytes of files up to 16 KiB (32 MiB in all), so that a small
// file is served with a single stat; over TLS, where sendfile cannot be
// used, also the bytes of files up to 1 MiB (with the compressed forms
// and sidecars, 64 MiB in all). Every request stats the file (or, with
// Options.WatchFiles, learns from inotify whether it changed), and a
// remembered version is used only while its size, modification time and
// (on Linux) inode and change time are unchanged, so an edited, replaced
// or re-permissioned file is never served stale.
type Handler struct {
	fsys      fs.FS
	index     []string
	noListing bool
	hideDots  bool
	access    *access.Policy
	listing   *listing.Renderer
	types     *mime.Types
	hashETags bool // ETags from content for every file, not only undated ones
	cache     *fileCache
	stats     *statCache          // nil unless Options.WatchFiles took effect
	listOpts  listing.ReadOptions // which entries a listing shows, and where their stats come from
	maxRanges int
	log       *slog.Logger
	web       *webApp // nil unless a web-app option is set (webapp.go)

	precompressed bool // serve name.br, name.zst, name.gz when accepted
	compress      bool // compress once, keep in compressed
	sandbox       bool // CSP sandbox on active files (sandbox.go)
	compressed    compressedStore

	archives   *archives // nil unless Options.Archives
	search     bool
	searchOpts listing.SearchOptions
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
		access:    opts.Access,
		types:     opts.Types,
		maxRanges: opts.MaxRanges,
		log:       opts.ErrorLog,
		hashETags: opts.ContentHashETags,
		cache:     newFileCache(),
		web:       newWebApp(opts),

		precompressed: opts.Precompressed,
		compress:      opts.Compress,
		sandbox:       opts.Sandbox,
	}
	if opts.WatchFiles {
		h.stats = newStatCache(fsys)
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
	var hidden func(string) bool
	if opts.Access.HidesAnything() {
		hidden = opts.Access.Hidden
	}
	h.listOpts = listing.ReadOptions{HideDotfiles: opts.HideDotfiles, Hide: hidden}
	if h.stats != nil {
		h.listOpts.Lstat = h.stats.lstat
	}
	if opts.Archives {
		a := &archives{opts: opts.ArchiveOptions, rootName: rootArchiveName(fsys)}
		a.opts.Hidden, a.opts.HideDotfiles = hidden, opts.HideDotfiles
		n := opts.MaxArchives
		if n <= 0 {
			n = DefaultMaxArchives
		}
		a.slots = make(chan struct{}, n)
		h.archives = a
		if lo.Downloads == nil && !opts.NoListing {
			lo.Downloads = []string{"zip", "tar.gz"}
		}
	}
	if opts.Search {
		h.search = true
		h.searchOpts = opts.SearchOptions
		h.searchOpts.ReadOptions = listing.ReadOptions{HideDotfiles: opts.HideDotfiles, Hide: hidden} // a walk: no Lstat
		lo.SearchBox = lo.SearchBox || !opts.NoListing
	}
	h.listing = listing.New(lo)
	return h
}

// errNotFound is Python's answer for anything it cannot open but a
// permission problem.
var errNotFound = errorpage.Errorf(http.StatusNotFound, "File not found", nil)

// ServeHTTP serves the file or directory named by the request path.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.stats != nil {
		h.stats.sync() // before any stat of this request
	}
	if err := h.serve(w, r); err != nil {
		if h.web != nil && h.serveMissing(w, r, err) {
			return
		}
		errorpage.Fail(w, r, h.log, err)
	}
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		// Python answers 501 for a method it has no do_METHOD for.
		w.Header().Set("Allow", "GET, HEAD")
		return errorpage.Errorf(http.StatusNotImplemented, "Unsupported method ('"+r.Method+"')", nil)
	}
	name, wantDir, ok := safepath.Resolve(requestPath(r))
	if !ok {
		return errNotFound
	}
	if err := h.access.Check(w, r, name, access.Read); err != nil {
		return err
	}
	info, err := h.stat(name)
	if h.web != nil {
		if done, err := h.route(w, r, name, wantDir, info, err); done {
			return err
		}
	}
	if err != nil {
		return openError(err)
	}
	switch {
	case info.IsDir() && !wantDir:
		safepath.RedirectToDir(w, r)
		return nil
	case info.IsDir():
		if h.shares(r.URL.RawQuery) {
			if done, err := h.serveShare(w, r, name); done {
				return err
			}
		}
		return h.serveDir(w, r, name)
	case !info.Mode().IsRegular():
		// A FIFO would block the open forever; sockets and devices are
		// not files to serve either.
		return errNotFound
	case wantDir:
		// Python answers 404 for "file/" (bpo-17324), where net/http
		// redirects to "../file".
		return errNotFound
	case h.archives != nil && r.URL.RawQuery != "":
		if err := h.fileShare(r); err != nil {
			return err
		}
	}
	return h.serveFile(w, r, name, info)
}

func (h *Handler) serveDir(w http.ResponseWriter, r *http.Request, name string) error {
	for _, index := range h.index {
		p := path.Join(name, index)
		if info, err := h.stat(p); err == nil && info.Mode().IsRegular() {
			return h.serveFile(w, r, p, info)
		}
	}
	if h.noListing {
		return errNotFound
	}
	if err := h.listing.ServeDir(w, withoutInvalidRange(r), h.fsys, name, h.listOpts); err != nil {
		code := http.StatusNotFound
		if errors.Is(err, fs.ErrPermission) {
			code = http.StatusForbidden
		}
		return errorpage.Errorf(code, "No permission to list directory", err)
	}
	return nil
}

// stat is fs.Stat as the handler sees the FS: a name that HideDotfiles
// or the access policy denies does not exist. Every name the handler
// serves is stat'ed here first.
func (h *Handler) stat(name string) (fs.FileInfo, error) {
	if h.hideDots && safepath.IsHidden(name) || h.access.Denied(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
	}
	if h.stats != nil {
		return h.stats.stat(name)
	}
	return fs.Stat(h.fsys, name)
}

// openError maps an error from stat or open. Like Python, anything but a
// permission problem is "File not found": ENOTDIR, ELOOP, ENAMETOOLONG, a
// name the FS refuses, a symlink out of an os.Root.
func openError(err error) error {
	if errors.Is(err, fs.ErrPermission) {
		return errorpage.Errorf(http.StatusForbidden, "", err)
	}
	return errorpage.Errorf(http.StatusNotFound, "File not found", err)
}

// serveFile sends the regular file name, whose stat is info, or one of
// its precompressed sidecars, through http.ServeContent, which answers
// conditional and range requests.
func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request, name string, info fs.FileInfo) error {
	// The file's cache entry is looked up once for the request: the
	// sidecar, the compressed and the plain path all start from it.
	e := h.cache.get(name, info)
	if h.precompressed && !isSidecarName(name) {
		if served, err := h.servePrecompressed(w, r, name, info, e); served || err != nil {
			return err
		}
	}
	if h.compress && !isSidecarName(name) {
		if served, err := h.serveCompressed(w, r, name, info, e); served || err != nil {
			return err
		}
	}
	var content io.ReadSeeker
	inMemory := false
	if r.TLS != nil {
		if te, data := h.tlsBytes(name, info, e); data != nil {
			e, content, inMemory = te, bytes.NewReader(data), true
		}
	}
	if content == nil {
		f, c, ce, err := h.content(name, info, e)
		if err != nil {
			return err
		}
		if f != nil {
			defer f.Close()
		}
		e, content, inMemory = ce, c, ce.content != nil
	}
	hdr := w.Header()
	hdr["Content-Type"] = []string{e.ctype}
	hdr["Etag"] = []string{e.etag}
	h.send(w, r, name, info, e, content, inMemory, h.maxRanges)
	return nil
}

// tlsBytes returns the cache entry of name (stat info, entry e or nil)
// and its bytes when a response over TLS is to be sent from memory, or a
// nil slice. Over TLS there is no sendfile: the bytes are read into the
// process and encrypted whatever happens, so a file up to
// compressMaxFileBytes is read once per version and kept with the
// compressed forms, under their bound, and a response costs no open,
// read or close. The version is checked against the request's stat as for
// every cached byte, so an edited file is never sent stale.
func (h *Handler) tlsBytes(name string, info fs.FileInfo, e *cachedFile) (*cachedFile, []byte) {
	if info.Size() <= cacheMaxFileBytes || info.Size() > compressMaxFileBytes {
		return nil, nil // small files are in the cache entry already
	}
	if e == nil {
		var err error
		if e, err = h.entry(name, info); err != nil {
			return nil, nil
		}
	}
	v := versionOf(info)
	c, err := h.compressed.do(name, "identity", v, func() (*compressedFile, bool, error) {
		data, stable, err := h.bytesOf(name, info, e)
		return &compressedFile{version: v, data: data}, stable, err
	})
	if err != nil || c.data == nil {
		return nil, nil
	}
	return e, c.data
}

// send hands content, the bytes of the file name whose stat is info and
// cache entry e, to http.ServeContent, once the caller has set
// Content-Type and ETag. inMemory says content comes from the cache; a
// Range asking for more than maxRanges ranges gets the whole file.
func (h *Handler) send(w http.ResponseWriter, r *http.Request, name string, info fs.FileInfo, e *cachedFile, content io.ReadSeeker, inMemory bool, maxRanges int) {
	w.Header()["X-Content-Type-Options"] = []string{"nosniff"}
	h.setSandbox(w.Header())
	modtime := info.ModTime()
	if isUnixEpochOrZero(modtime) {
		modtime = time.Time{} // net/http sends no Last-Modified then
	} else if e.lastModified != nil && !datedConditions(r) {
		// ServeContent would format the time for every response. It
		// needs the time itself only to evaluate the conditions that
		// carry a date; without them, the header made once per version
		// of the file is the same, and ServeContent is given no time.
		w.Header()["Last-Modified"] = e.lastModified
		modtime = time.Time{}
	}
	if inMemory {
		// Bytes from memory gain nothing from sendfile, and net/http's
		// ReadFrom would send the first 512 of them apart from the rest:
		// two writes for a small file where plain writes make one.
		w = memoryWriter{w}
	} else {
		w = cork.Writer(w, r, info.Size())
	}
	r, mayFail := guardRanges(r, info.Size(), maxRanges)
	if mayFail {
		// Only range and precondition requests can make ServeContent
		// fail; its plain-text errors get the error page.
		w = errorpage.NewWriter(w, r, errorpage.PageOf(r))
	}
	http.ServeContent(w, r, name, modtime, content)
}

// datedConditions reports whether r has a precondition that compares
// dates: If-Modified-Since, If-Unmodified-Since, or If-Range (which may
// hold a date).
func datedConditions(r *http.Request) bool {
	h := r.Header
	return len(h["If-Modified-Since"]) > 0 || len(h["If-Unmodified-Since"]) > 0 || len(h["If-Range"]) > 0
}

// content returns what serveFile sends for name: the cached entry
// describing this version of the file, and a reader of its bytes, from
// memory when the entry holds them, else from f, the open file, which the
// caller closes. e is the entry the caller found for this version, or nil:
// then the cache is asked again (a sidecar or a compressed form may have
// described the file since), and a file it does not know yet is described,
// and remembered if it stays put while it is read.
func (h *Handler) content(name string, info fs.FileInfo, e *cachedFile) (f fs.File, content io.ReadSeeker, _ *cachedFile, err error) {
	if e == nil {
		e = h.cache.get(name, info)
	}
	if e != nil && e.content != nil {
		return nil, e.reader(), e, nil
	}
	f, content, err = h.open(name, info.Size())
	if err != nil {
		return nil, nil, nil, err
	}
	if e == nil {
		if content, e, err = h.describe(name, info, f, content); err != nil {
			f.Close()
			return nil, nil, nil, err
		}
	}
	return f, content, e, nil
}

// describe works out the type and ETag of the open file f, and reads its
// bytes when it is small, caching all that when the file was stable. It
// returns the reader serveFile sends from.
func (h *Handler) describe(name string, info fs.FileInfo, f fs.File, content io.ReadSeeker) (io.ReadSeeker, *cachedFile, error) {
	e := &cachedFile{version: versionOf(info)}
	if t := info.ModTime(); !isUnixEpochOrZero(t) {
		e.lastModified = []string{t.UTC().Format(http.TimeFormat)}
	}
	stable := true
	if info.Size() <= cacheMaxFileBytes {
		var err error
		if e.content, stable, err = readSmall(f, info); err != nil {
			if errors.Is(err, syscall.EISDIR) {
				// Replaced by a directory between stat and open:
				// gone, as far as this request is concerned.
				return nil, nil, errorpage.Errorf(http.StatusNotFound, "File not found", err)
			}
			return nil, nil, err
		}
		content = e.reader()
	}
	ctype, err := h.types.TypeOf(name, content)
	if err != nil {
		return nil, nil, err
	}
	etag, err := h.etag(info, content)
	if err != nil {
		return nil, nil, err
	}
	e.ctype, e.etag = ctype, etag
	if stable {
		h.cache.put(name, e)
	}
	return content, e, nil
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
		return nil, nil, errors.New("fileserver: fs.File for " + name + " cannot seek")
	}
	if sc, ok := f.(syscall.Conn); ok {
		content = &sizedFile{f: content, sc: sc, size: size}
	}
	return f, content, nil
}

func isUnixEpochOrZero(t time.Time) bool {
	return t.IsZero() || t.Equal(time.Unix(0, 0))
}

// memoryWriter is the ResponseWriter of a body held in memory (a
// [memReader]): it hides the ReadFrom of the writer it wraps (and
// anything but the three methods of the interface), and has its own.
type memoryWriter struct{ http.ResponseWriter }

var _ io.ReaderFrom = memoryWriter{}

// ReadFrom writes what http.ServeContent copies (an io.LimitedReader over
// a memReader) straight from the bytes, in one Write: io.CopyN would
// otherwise make a buffer of up to 32 KiB for every response and write
// through it a piece at a time. Any other reader, such as the pipe of a
// multipart/byteranges body, is copied through Write as io.Copy would.
func (w memoryWriter) ReadFrom(src io.Reader) (int64, error) {
	if lr, ok := src.(*io.LimitedReader); ok {
		if m, ok := lr.R.(*memReader); ok {
			b := m.next(lr.N)
			n, err := w.ResponseWriter.Write(b)
			m.advance(n)
			lr.N -= int64(n)
			return int64(n), err
		}
	}
	return io.Copy(writerOnly{w.ResponseWriter}, src)
}

// writerOnly hides everything of a writer but Write, so that io.Copy
// does not call back into a ReadFrom.
type writerOnly struct{ io.Writer }
