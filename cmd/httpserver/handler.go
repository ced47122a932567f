package main

import (
	"io"
	"log/slog"
	"net/http"
	"os"

	"github.com/pyhttp/httpserver/cgihandler"
	"github.com/pyhttp/httpserver/fileserver"
	"github.com/pyhttp/httpserver/internal/errorpage"
	"github.com/pyhttp/httpserver/internal/rootfs"
	"github.com/pyhttp/httpserver/internal/smuggle"
	"github.com/pyhttp/httpserver/listing"
	"github.com/pyhttp/httpserver/middleware"
)

// Python's request-parsing limits (http.client._MAXLINE, _MAXHEADERS).
const (
	maxRequestLine = 65536
	maxHeaders     = 100
)

// serverSoftware is the Server header and CGI's SERVER_SOFTWARE, shaped
// like Python's version_string(): "httpserver/0.1.0 Go/1.26.8".
var serverSoftware = middleware.ServerVersion("httpserver", version)

// newHandler builds what the command serves: the file server, the CGI
// handler when asked for, and the middleware that make it behave like
// Python's BaseHTTPRequestHandler.
//
// The command routes without chi: chi answers methods it does not know
// with 405 where Python answers 501, and routes on the raw path, where the
// CGI decision must be made on the decoded, collapsed one. Dispatch is one
// function around cgihandler's Match instead.
func newHandler(cfg config, dir string, root *os.Root, errLog *slog.Logger, stderr io.Writer) http.Handler {
	pages := errorpage.New(nil, "")
	files := fileserver.New(rootfs.New(root), fileserver.Options{
		NoListing:        cfg.noListing,
		HideDotfiles:     cfg.hideDotfiles,
		ContentHashETags: cfg.contentETags,
		Listing:          listing.Options{Format: cfg.listing, DirsFirst: cfg.dirsFirst},
		ErrorLog:         errLog,
	})
	var h http.Handler = files
	if cfg.cgi {
		// dispatch is also where a script's local redirect
		// ("Location: /path") is served, so it can reach files and
		// other scripts alike.
		var dispatch http.HandlerFunc
		cgi := cgihandler.New(dir, cgihandler.Options{
			Dirs:           cfg.cgiDirs,
			InheritEnv:     cfg.cgiEnv,
			Timeout:        cfg.cgiTimeout,
			MaxBodyBytes:   cfg.cgiMaxBody,
			LocalRedirect:  &dispatch,
			ServerSoftware: serverSoftware,
			ErrorLog:       errLog,
		})
		dispatch = func(w http.ResponseWriter, r *http.Request) {
			switch {
			case cgi.Match(r):
				cgi.ServeHTTP(w, r)
			case r.Method == http.MethodPost:
				pages.Write(w, r, http.StatusNotImplemented, "Can only POST to CGI scripts")
			default:
				files.ServeHTTP(w, r) // other methods: Python's "Unsupported method"
			}
		}
		h = dispatch
	}
	// Python always lets a body come (handle_expect_100); we turn away,
	// before it is sent, one that CGI would refuse anyway.
	h = middleware.Expect100(func(r *http.Request) (int, bool) {
		if cfg.cgi && r.ContentLength > cfg.cgiMaxBody {
			return http.StatusRequestEntityTooLarge, false
		}
		return 0, true
	})(h)
	h = pythonLimits(pages, h)
	// A request framed both by Transfer-Encoding and by Content-Length is
	// a smuggling attempt (RFC 9112 §6.3); net/http drops the
	// Content-Length and carries on, so the listener watches for it and
	// this answers 400 and closes the connection.
	h = smuggle.Guard(func(w http.ResponseWriter, r *http.Request) {
		pages.Write(w, r, http.StatusBadRequest, "Transfer-Encoding with Content-Length")
	}, h)
	if len(cfg.headers) > 0 {
		h = extraHeaders(cfg.headers, h)
	}
	h = middleware.Recover(errLog)(h)
	h = middleware.ServerHeader(serverSoftware)(h)
	if !cfg.quiet {
		h = middleware.NewAccessLog(stderr, middleware.AccessLogOptions{Format: cfg.logFormat}).Handler(h)
	}
	return h
}

// pythonLimits answers what Python's request parser refuses and net/http
// lets through: a request line over 64 KiB (414) and more than 100 header
// fields (431). net/http's MaxHeaderBytes still bounds the memory either
// takes before this runs.
func pythonLimits(pages *errorpage.Page, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Python closes the connection after either: the client is not
		// speaking HTTP as expected.
		if len(r.Method)+len(r.RequestURI)+len(r.Proto)+2 > maxRequestLine {
			w.Header().Set("Connection", "close")
			pages.Write(w, r, http.StatusRequestURITooLong, "")
			return
		}
		n := 0
		for _, v := range r.Header {
			n += len(v)
		}
		if n > maxHeaders {
			w.Header().Set("Connection", "close")
			pages.Write(w, r, http.StatusRequestHeaderFieldsTooLarge, "Too many headers")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// extraHeaders adds the --header fields to every response, as Python
// 3.15's response_headers does; a handler may still override them.
func extraHeaders(extra http.Header, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range extra {
			h[k] = append(h[k], v...)
		}
		next.ServeHTTP(w, r)
	})
}
