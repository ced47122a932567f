// Package app builds what the httpserver command serves, from the
// library's public pieces composed the way the README tells users to
// compose them. cmd/httpserver and bench/profserver both call it, so a
// benchmark always measures what users run.
package app

import (
	"context"
	"crypto/tls"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/rs/cors"

	"github.com/pyhttp/httpserver/access"
	"github.com/pyhttp/httpserver/cgihandler"
	"github.com/pyhttp/httpserver/fileserver"
	"github.com/pyhttp/httpserver/internal/cork"
	"github.com/pyhttp/httpserver/internal/errorpage"
	"github.com/pyhttp/httpserver/internal/smuggle"
	"github.com/pyhttp/httpserver/listing"
	"github.com/pyhttp/httpserver/livereload"
	"github.com/pyhttp/httpserver/middleware"
	"github.com/pyhttp/httpserver/upload"
)

// Config is the command's configuration, parsed from its flags.
type Config struct {
	// What is served.
	NoListing bool
	// Access holds the hide and deny rules (--hide, --deny,
	// --hide-dotfiles) and the scope of authentication (--auth-scope)
	// that every entry point consults. nil: none.
	Access *access.Policy
	// Users (--auth-file), when not nil, authenticates every request by
	// Access.BasicAuth, in front of every entry point.
	Users        *access.Users
	ContentETags bool // --etag content
	// NoPrecompressed (--no-precompressed) turns off serving name.br,
	// name.zst and name.gz for name (fileserver.Options.Precompressed),
	// which the command does by default.
	NoPrecompressed bool
	Listing         listing.Format // --listing
	DirsFirst       bool
	NoReadme        bool // --no-readme: the modern page shows no README
	// Folder downloads and search (fileserver.Options' fields).
	Archives    bool // --archives, which turns Search on too
	MaxArchives int  // --max-archives
	Search      bool // --search

	// A built web app (fileserver.Options' fields of the same names).
	SPAFallback  string                 // --spa: FS name of the file for client-side routes
	NotFoundPage string                 // --404: FS name of the page for what is missing
	CleanURLs    bool                   // --clean-urls
	Immutable    func(name string) bool // --immutable, from fileserver.Globs

	// Receiving files (package upload), off unless Upload or Delete is
	// set: Upload (--upload) takes PUT, multipart POST and MKCOL, Delete
	// (--delete) DELETE and MOVE; Overwrite (--overwrite) lets them
	// replace files; MaxUpload (--max-upload) caps a request body, 0 for
	// upload.DefaultMaxBytes. With either, files that browsers render as
	// pages are sandboxed, and the modern listing offers the forms.
	Upload    bool
	Delete    bool
	Overwrite bool
	MaxUpload int64

	// CGI, off unless CGI is set.
	CGI        bool
	CGIDirs    []string
	CGIEnv     []string
	CGITimeout time.Duration
	CGIMaxBody int64

	// Every response.
	Compress       bool        // --compress: compress responses on the fly, files up to 1 MiB once
	Headers        http.Header // --header, added to every response
	CORSOrigins    []string    // --cors: origins allowed to read responses ("*": any); none: no CORS
	ServerSoftware string      // the Server header and SERVER_SOFTWARE
	LogFormat      middleware.LogFormat
	Quiet          bool // no access log

	// The DNS-rebinding guard: with GuardHosts, a request whose Host is
	// not localhost, a loopback IP or one of AllowedHosts (--allowed-host)
	// gets 403. The command sets GuardHosts when it listens only on
	// loopback or AllowedHosts names any host, and never with "*".
	GuardHosts   bool
	AllowedHosts []string

	// LiveReload, when not nil (--live-reload), serves its reserved
	// paths before anything else and adds its script to the pages of the
	// file server, not to CGI responses. The caller closes it.
	LiveReload *livereload.Reloader

	// Connections.
	Protocol          string // "HTTP/1.0" closes every connection, as Python's default
	H2C               bool   // HTTP/2 without TLS
	ReadHeaderTimeout time.Duration
	IdleTimeout       time.Duration
	MaxHeaderBytes    int
}

// Defaults returns the command's defaults: what it does with no flags.
func Defaults() Config {
	return Config{
		CGITimeout:        cgihandler.DefaultTimeout,
		CGIMaxBody:        cgihandler.DefaultMaxBodyBytes,
		Protocol:          "HTTP/1.1",
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       30 * time.Second, // Python has none; nginx 75 s with a connection cap, Apache 5 s
		MaxHeaderBytes:    1 << 20,
	}
}

// Handler returns what the command serves from root: the file server and,
// with CGI, the CGI handler, behind the middleware that make it answer
// like Python's BaseHTTPRequestHandler, and with live reload its paths
// in front of both. Errors go to errLog and the
// access log to accessLog.
//
// GET, HEAD and (with CGI) POST go to one dispatch function, every other
// method to the file server, whose answer is Python's 501. A router could
// not choose between CGI and files itself: it matches the raw path, and
// that decision must be made on the decoded, collapsed one.
func Handler(cfg Config, root *os.Root, errLog *slog.Logger, accessLog io.Writer) http.Handler {
	files := fileserver.New(fileserver.RootFS(root), fileserver.Options{
		NoListing:        cfg.NoListing,
		Access:           cfg.Access,
		ContentHashETags: cfg.ContentETags,
		Precompressed:    !cfg.NoPrecompressed,
		Compress:         cfg.Compress, // files compressed once, kept in memory
		Listing: listing.Options{Format: cfg.Listing, DirsFirst: cfg.DirsFirst, Readme: !cfg.NoReadme,
			Actions: listing.Actions{Upload: cfg.Upload, Delete: cfg.Delete}},
		Sandbox:      cfg.Upload || cfg.Delete, // an uploaded page must not run as this origin
		SPAFallback:  cfg.SPAFallback,
		NotFoundPage: cfg.NotFoundPage,
		CleanURLs:    cfg.CleanURLs,
		Immutable:    cfg.Immutable,
		ErrorLog:     errLog,
		Archives:     cfg.Archives,
		MaxArchives:  cfg.MaxArchives,
		Search:       cfg.Search || cfg.Archives,
		WatchFiles:   true, // inotify instead of a stat per name per request (Linux)
	})
	var writes http.Handler // nil: Python's 501 for every write method
	if cfg.Upload || cfg.Delete {
		writes = upload.New(root, upload.Options{
			AllowUpload: cfg.Upload,
			AllowDelete: cfg.Delete,
			Overwrite:   cfg.Overwrite,
			MaxBytes:    cfg.MaxUpload,
			Access:      cfg.Access,
			ErrorLog:    errLog,
		})
	}
	var pages http.Handler = files
	if cfg.LiveReload != nil {
		pages = cfg.LiveReload.Inject(files)
	}
	serve := pages
	if cfg.CGI {
		serve = withCGI(cfg, root, pages, writes, errLog)
	}
	if cfg.LiveReload != nil {
		serve = cfg.LiveReload.Routes(serve)
	}

	return chain(cfg, route(cfg, serve, files, writes), errLog, accessLog)
}

// chain returns h behind the command's middleware, wrapped from the
// innermost out: in the order a chi app would r.Use them, the access log,
// Recover, ServerHeader, Headers, the smuggling guard, Limits,
// AllowedHosts, CORS, BasicAuth, Compress.
func chain(cfg Config, h http.Handler, errLog *slog.Logger, accessLog io.Writer) http.Handler {
	if cfg.Compress {
		// Inside the access log, which then counts the bytes sent, and
		// Recover, which also guards the encoders; after Limits and the
		// smuggling guard, so that a refused request costs no
		// negotiation, and after --header, whose fields (a Cache-Control:
		// no-transform, say) it then sees.
		h = middleware.NewCompress(middleware.CompressOptions{}).Handler(h)
	}
	if cfg.Users != nil {
		// In front of route, and so of every entry point: files,
		// listings, CGI, live reload's paths, and the 501 of other
		// methods. Inside CORS, which answers a preflight itself:
		// browsers send preflights without credentials, and the answer
		// holds only the CORS settings. Inside the access log, which
		// then shows the user, and the host guard and Limits, so that a
		// request they refuse costs no bcrypt.
		h = cfg.Access.BasicAuth(cfg.Users)(h)
	}
	if len(cfg.CORSOrigins) > 0 {
		h = corsHandler(cfg.CORSOrigins)(h)
	}
	if cfg.GuardHosts {
		h = middleware.AllowedHosts(middleware.AllowedHostsOptions{Names: cfg.AllowedHosts, Message: hostRefusal})(h)
	}
	h = middleware.Limits(middleware.LimitsOptions{})(h)
	h = smuggle.Guard(h)
	h = middleware.Headers(cfg.Headers)(h)
	h = middleware.ServerHeader(cfg.ServerSoftware)(h)
	h = middleware.Recover(errLog)(h)
	if !cfg.Quiet {
		h = middleware.NewAccessLog(accessLog, middleware.AccessLogOptions{Format: cfg.LogFormat}).Handler(h)
	}
	return h
}

// route sends GET, HEAD and (with CGI) POST to serve, the write methods
// to writes when it is not nil (POST too, without CGI; with it, serve
// hands writes the POSTs that are not for a script), and any other
// method to the file server, whose answer is Python's 501. This is what
// a chi router with r.Method and r.MethodNotAllowed would do; the command
// does not use chi because routing by method is all it needs, and chi's
// route context cost about 7% of the 1 KiB request (bench/README.md).
func route(cfg Config, serve, files, writes http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			serve.ServeHTTP(w, r)
			return
		case http.MethodPost:
			if cfg.CGI {
				serve.ServeHTTP(w, r)
				return
			}
			fallthrough
		case http.MethodPut, http.MethodDelete, "MKCOL", "MOVE":
			if writes != nil {
				writes.ServeHTTP(w, r)
				return
			}
		}
		files.ServeHTTP(w, r)
	})
}

// hostRefusal is the message of the guard's 403 page: which flag would
// let the request's host in.
func hostRefusal(name string) string {
	if name == "" {
		return "Missing or malformed Host; to allow any, restart the server with --allowed-host '*'"
	}
	return "Host " + name + " is not allowed; to serve it, restart the server with --allowed-host " + name
}

// corsHandler answers CORS preflights for GET and HEAD with 204, and lets
// the origins read responses: rs/cors, the field's standard, configured
// for a file server. Credentials are never allowed (with "*" browsers
// refuse them anyway), nor are methods that change anything: a preflight
// for PUT, DELETE, MKCOL or MOVE gets no Access-Control-Allow-Methods,
// so a browser never sends them cross-origin, and the upload handler's
// cross-origin check refuses the simple POSTs a browser sends unasked.
// AllowedMethods must stay GET and HEAD.
func corsHandler(origins []string) func(http.Handler) http.Handler {
	return cors.New(cors.Options{
		AllowedOrigins: origins,
		AllowedMethods: []string{http.MethodGet, http.MethodHead},
		AllowedHeaders: []string{"Range", "If-None-Match", "If-Modified-Since", "If-Range"},
		ExposedHeaders: []string{"Content-Range", "Accept-Ranges", "ETag", "Content-Disposition"},
	}).Handler
}

// withCGI returns the dispatch between the CGI handler and files. It is
// also where a script's local redirect ("Location: /path") is served, so
// that it can reach files and other scripts alike.
//
// A POST that is not for a script goes to writes, or, when that is nil,
// gets Python's 501.
func withCGI(cfg Config, root *os.Root, files, writes http.Handler, errLog *slog.Logger) http.Handler {
	var dispatch http.HandlerFunc
	cgi := cgihandler.New(root, cgihandler.Options{
		Dirs:           cfg.CGIDirs,
		InheritEnv:     cfg.CGIEnv,
		Timeout:        cfg.CGITimeout,
		MaxBodyBytes:   cfg.CGIMaxBody,
		LocalRedirect:  &dispatch,
		ServerSoftware: cfg.ServerSoftware,
		ErrorLog:       errLog,
		Access:         cfg.Access,
	})
	dispatch = func(w http.ResponseWriter, r *http.Request) {
		switch {
		case cgi.Match(r):
			cgi.ServeHTTP(w, r)
		case r.Method == http.MethodPost && writes != nil:
			writes.ServeHTTP(w, r)
		case r.Method == http.MethodPost:
			errorpage.Write(w, r, http.StatusNotImplemented, "Can only POST to CGI scripts")
		default:
			files.ServeHTTP(w, r)
		}
	}
	// Python always lets a body come (handle_expect_100); this turns
	// away, before it is sent, one that CGI would refuse anyway. (An
	// upload's limit is the upload handler's: it answers before reading.)
	return middleware.Expect100(func(r *http.Request) (int, bool) {
		if r.ContentLength > cfg.CGIMaxBody && cgi.Match(r) {
			return http.StatusRequestEntityTooLarge, false
		}
		return 0, true
	})(dispatch)
}

// Server returns the http.Server for h: the configured timeouts and
// protocols, errors to errLog, and the connection context that the
// smuggling guard and the cork need. tlsConf, when not nil, serves HTTPS.
func Server(cfg Config, h http.Handler, errLog *log.Logger, tlsConf *tls.Config) *http.Server {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		ErrorLog:          errLog,
		TLSConfig:         tlsConf,
		ConnContext:       connContext,
		Protocols:         new(http.Protocols),
	}
	srv.Protocols.SetHTTP1(true)
	srv.Protocols.SetHTTP2(true) // only ever offered over TLS
	srv.Protocols.SetUnencryptedHTTP2(cfg.H2C)
	if cfg.Protocol == "HTTP/1.0" {
		// Python's default protocol_version: one request per connection.
		srv.SetKeepAlivesEnabled(false)
	}
	return srv
}

// Listener wraps ln for [Server]: cleartext HTTP/1 framing is watched for
// Transfer-Encoding with Content-Length, which net/http lets through
// (see internal/smuggle). TLS connections are not wrapped.
func Listener(ln net.Listener, tls bool) net.Listener {
	if tls {
		return ln
	}
	return smuggle.Listener(ln)
}

// connContext tells the smuggling guard and the file handler which
// connection a request came on: the guard to refuse a poisoned one, the
// file handler to cork it while a large file goes out by sendfile.
func connContext(ctx context.Context, c net.Conn) context.Context {
	return cork.ConnContext(smuggle.ConnContext(ctx, c), c)
}
