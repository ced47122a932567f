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

// Python's request-parsing limits (http.client._MAXLINE, _MAXHEADERS). A
// line's length counts its CRLF, as Python's readline does.
const (
	maxLine    = 65536
	maxHeaders = 100
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
		cgi := cgihandler.New(root, cgihandler.Options{
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
				// Files, and Python's "Unsupported method" for other
				// methods. A CGI directory without its slash (/cgi-bin)
				// is no CGI request either: the file server redirects
				// it to cgi-bin/, as Python's does.
				files.ServeHTTP(w, r)
			}
		}
		h = dispatch
		// Python always lets a body come (handle_expect_100); we turn
		// away, before it is sent, one that CGI would refuse anyway.
		// Without CGI there is nothing to refuse.
		h = middleware.Expect100(func(r *http.Request) (int, bool) {
			if r.ContentLength > cfg.cgiMaxBody {
				return http.StatusRequestEntityTooLarge, false
			}
			return 0, true
		})(h)
	}
	h = &front{server: serverSoftware, extra: cfg.headers, pages: pages, next: h}
	h = middleware.Recover(errLog)(h)
	if !cfg.quiet {
		h = middleware.NewAccessLog(stderr, middleware.AccessLogOptions{Format: cfg.logFormat}).Handler(h)
	}
	return h
}

// front does the command's own per-request work in one handler: it sets
// the Server header and the --header fields, then turns away the requests
// Python's parser refuses and net/http lets through. One frame rather than a
// middleware each keeps the path to sendfile shallow: net/http serves a
// connection on one goroutine, and a path deeper than that goroutine's
// stack makes the runtime copy the stack to grow it again after each GC
// has shrunk it.
type front struct {
	server string      // the Server header
	extra  http.Header // --header fields, added as Python 3.15's response_headers does
	pages  *errorpage.Page
	next   http.Handler
}

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h["Server"] = []string{f.server}
	if len(f.extra) > 0 {
		addHeaders(h, f.extra) // a handler may still override them
	}
	if f.refused(w, r) {
		return
	}
	f.next.ServeHTTP(w, r)
}

// refused answers, with an error page and a closed connection, a request
// the command turns away before any handler sees it, and reports whether
// it did.
//
//go:noinline
func (f *front) refused(w http.ResponseWriter, r *http.Request) bool {
	code, message := refusal(r)
	if code == 0 {
		return false
	}
	w.Header().Set("Connection", "close")
	f.pages.Write(w, r, code, message)
	return true
}

// refusal is the status and message for a request the command turns away,
// or 0.
func refusal(r *http.Request) (code int, message string) {
	switch {
	case smuggle.Poisoned(r):
		// A request framed both by Transfer-Encoding and by
		// Content-Length is a smuggling attempt (RFC 9112 §6.3);
		// net/http drops the Content-Length and carries on, so the
		// listener watches for it and this answers 400.
		return http.StatusBadRequest, "Transfer-Encoding with Content-Length"
	case len(r.Method)+1+len(r.RequestURI)+1+len(r.Proto)+2 > maxLine:
		// Python closes the connection after a request line or a
		// header line over 64 KiB, or more than 100 header fields:
		// the client is not speaking HTTP as expected. net/http's
		// MaxHeaderBytes still bounds the memory these take before
		// this runs.
		return http.StatusRequestURITooLong, ""
	}
	return headerRefusal(r.Header)
}

// headerRefusal is refusal's verdict on the header fields. A line is
// measured as net/http hands it over, "Name: value" plus CRLF, so
// optional white space around the value is not counted.
func headerRefusal(h http.Header) (code int, message string) {
	n := 0
	for name, values := range h {
		for _, v := range values {
			if len(name)+2+len(v)+2 > maxLine {
				return http.StatusRequestHeaderFieldsTooLarge, "Line too long"
			}
		}
		n += len(values)
	}
	if n > maxHeaders {
		return http.StatusRequestHeaderFieldsTooLarge, "Too many headers"
	}
	return 0, ""
}

// addHeaders ranges over a map, whose iterator takes room on the stack;
// apart, it keeps front's frame small.
//
//go:noinline
func addHeaders(h, extra http.Header) {
	for k, v := range extra {
		h[k] = append(h[k], v...)
	}
}
