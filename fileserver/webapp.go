package fileserver

import (
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/pyhttp/httpserver/internal/errorpage"
	"github.com/pyhttp/httpserver/internal/safepath"
)

// Cache-Control values of the web-app options. They replace a
// Cache-Control set before the handler runs, such as middleware.Headers'.
const (
	cacheNoCache   = "no-cache"
	cacheImmutable = "public, max-age=31536000, immutable"
)

// webApp is the part of a Handler's configuration that serves a built web
// app: [Options].SPAFallback, NotFoundPage, CleanURLs and Immutable. A
// Handler without any of them has none, and its requests never reach the
// code below.
type webApp struct {
	fallback  string // fs name, or ""
	notFound  string // fs name, or ""
	clean     bool
	immutable func(name string) bool
}

// newWebApp returns the webApp of opts, or nil when none of its options is
// set. A leading slash of a file name is dropped.
func newWebApp(opts Options) *webApp {
	if opts.SPAFallback == "" && opts.NotFoundPage == "" && !opts.CleanURLs && opts.Immutable == nil {
		return nil
	}
	return &webApp{
		fallback:  strings.TrimPrefix(opts.SPAFallback, "/"),
		notFound:  strings.TrimPrefix(opts.NotFoundPage, "/"),
		clean:     opts.CleanURLs,
		immutable: opts.Immutable,
	}
}

// route is serve's hook for the web-app options, given what it found at
// name (info, or the error of its stat). For clean URLs it serves
// name.html or redirects name.html to name, and reports done; for an
// immutable file it sets Cache-Control and lets serve go on.
func (h *Handler) route(w http.ResponseWriter, r *http.Request, name string, wantDir bool, info fs.FileInfo, err error) (done bool, _ error) {
	web := h.web
	switch {
	case wantDir:
	case err != nil:
		if web.clean && errors.Is(err, fs.ErrNotExist) {
			return h.serveHTML(w, r, name)
		}
	case info.IsDir():
		// A directory wins over the page of the same name only when it
		// has an index to show.
		if web.clean && !h.hasIndex(name) {
			return h.serveHTML(w, r, name)
		}
	case info.Mode().IsRegular():
		if web.clean && strings.HasSuffix(name, ".html") && h.redirectHTML(w, r, name) {
			return true, nil
		}
		if web.immutable != nil && web.immutable(name) {
			w.Header()["Cache-Control"] = []string{cacheImmutable}
		}
	}
	return false, nil
}

// serveHTML serves name.html, the clean URL's page, if it is a regular
// file, and reports whether it did.
func (h *Handler) serveHTML(w http.ResponseWriter, r *http.Request, name string) (bool, error) {
	if name == "." {
		return false, nil
	}
	page := name + ".html"
	info, err := h.stat(page)
	if err != nil || !info.Mode().IsRegular() {
		return false, nil
	}
	return true, h.serveFile(w, r, page, info)
}

// redirectHTML redirects a request for the page name ("about.html") to its
// clean URL ("about"; "./" for an index page), so that each page has one
// URL, and reports whether it did. It does not when that URL would serve
// something else (a file "about", a directory "about/" with an index),
// nor when the URL's last segment is not the page's name (/about.html/.).
func (h *Handler) redirectHTML(w http.ResponseWriter, r *http.Request, name string) bool {
	base := path.Base(name)
	stem := strings.TrimSuffix(base, ".html")
	if stem == "" || path.Base(safepath.WithoutFragment(r, r.URL.Path)) != base {
		return false
	}
	if slices.Contains(h.index, base) {
		safepath.RedirectToSibling(w, r, "")
		return true
	}
	if info, err := h.stat(path.Join(path.Dir(name), stem)); err == nil && (!info.IsDir() || h.hasIndex(path.Join(path.Dir(name), stem))) {
		return false
	}
	safepath.RedirectToSibling(w, r, stem)
	return true
}

// hasIndex reports whether the directory name holds one of the index
// files.
func (h *Handler) hasIndex(name string) bool {
	for _, index := range h.index {
		if info, err := h.stat(path.Join(name, index)); err == nil && info.Mode().IsRegular() {
			return true
		}
	}
	return false
}

// serveMissing answers a request that serve failed with err, if err is a
// 404 and the web-app options have an answer: the SPA fallback for a
// client-side route, else the 404 page. It reports whether it answered.
func (h *Handler) serveMissing(w http.ResponseWriter, r *http.Request, err error) bool {
	if code, _ := errorpage.Status(err); code != http.StatusNotFound {
		return false
	}
	web := h.web
	if web.fallback != "" && isRoute(r) {
		// Whether this URL gets the app or a 404 depends on Accept.
		w.Header().Add("Vary", "Accept")
		if acceptsHTML(r.Header["Accept"]) && h.serveFallback(w, r) {
			return true
		}
	}
	return web.notFound != "" && h.serveNotFoundPage(w, r, err)
}

// isRoute reports whether r could be a client-side route of a single-page
// app: a GET or HEAD for a valid path whose last segment has no extension.
// Anything with one (app.js, logo.png, data.json) is an asset, and a
// fallback served for a missing asset would be cached as that asset.
func isRoute(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	name, _, ok := safepath.Resolve(requestPath(r))
	return ok && name != "." && path.Ext(name) == ""
}

// acceptsHTML reports whether the Accept header values name text/html
// with a weight above 0 (RFC 9110 §12.5.1), as browsers do when they load
// a page. "*/*" does not count: fetch() and scripts send it for data.
func acceptsHTML(values []string) bool {
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			mediaType, params, _ := strings.Cut(part, ";")
			if strings.EqualFold(strings.TrimSpace(mediaType), "text/html") && !zeroWeight(params) {
				return true
			}
		}
	}
	return false
}

// zeroWeight reports whether media-type parameters hold q=0 (or 0.0…).
func zeroWeight(params string) bool {
	for param := range strings.SplitSeq(params, ";") {
		k, v, _ := strings.Cut(param, "=")
		if strings.EqualFold(strings.TrimSpace(k), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return err == nil && q == 0
		}
	}
	return false
}

// serveFallback serves the SPA fallback as serveFile serves any file,
// with Cache-Control: no-cache, and reports whether it did; if it could
// not, it logs why.
func (h *Handler) serveFallback(w http.ResponseWriter, r *http.Request) bool {
	name := h.web.fallback
	info, err := h.statWebFile(name)
	if err == nil {
		w.Header()["Cache-Control"] = []string{cacheNoCache}
		if err = h.serveFile(w, r, name, info); err == nil {
			return true
		}
	}
	h.logWebFile(r, "cannot serve the SPA fallback", name, err)
	return false
}

// serveNotFoundPage answers r with the content of the 404 page and status
// 404, and reports whether it did; if it could not, it logs why. cause is
// the 404's own error, logged as errorpage.Fail would. Unlike a file, the
// page is sent without validators and whatever the request's conditional
// or Range headers: a 404 must never turn into a 304 or a 206.
func (h *Handler) serveNotFoundPage(w http.ResponseWriter, r *http.Request, cause error) bool {
	name := h.web.notFound
	info, err := h.statWebFile(name)
	if err != nil {
		h.logWebFile(r, "cannot serve the 404 page", name, err)
		return false
	}
	f, content, e, err := h.content(name, info, nil)
	if err != nil {
		h.logWebFile(r, "cannot serve the 404 page", name, err)
		return false
	}
	if f != nil {
		defer f.Close()
	}
	size := info.Size()
	if e.content != nil {
		size = int64(len(e.content))
	}
	errorpage.Report(r, h.log, cause)
	hdr := w.Header()
	for _, k := range [...]string{"Etag", "Last-Modified", "Content-Encoding", "Content-Disposition", "Accept-Ranges"} {
		delete(hdr, k)
	}
	hdr["Content-Type"] = []string{e.ctype}
	hdr["Content-Length"] = []string{strconv.FormatInt(size, 10)}
	hdr["Cache-Control"] = []string{cacheNoCache}
	hdr["X-Content-Type-Options"] = []string{"nosniff"}
	h.setSandbox(hdr)
	w.WriteHeader(http.StatusNotFound)
	if r.Method != http.MethodHead {
		io.CopyN(w, content, size)
	}
	return true
}

// errNotRegular refuses a fallback or 404 page that is a directory, FIFO
// or device.
var errNotRegular = errors.New("not a regular file")

// statWebFile stats the fallback or 404 page name through the FS, which
// confines it as it confines any request.
func (h *Handler) statWebFile(name string) (fs.FileInfo, error) {
	if !safepath.ValidName(name) || name == "." {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	info, err := h.stat(name)
	if err == nil && !info.Mode().IsRegular() {
		err = &fs.PathError{Op: "stat", Path: name, Err: errNotRegular}
	}
	return info, err
}

// logWebFile logs why the fallback or 404 page could not be served.
func (h *Handler) logWebFile(r *http.Request, msg, name string, err error) {
	h.log.LogAttrs(r.Context(), slog.LevelWarn, msg,
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.String("file", name),
		slog.Any("error", err))
}
