// Command profserver is cmd/httpserver's quiet handler chain with
// net/http/pprof on a second loopback port, so that bench/run.sh can take
// CPU and allocation profiles under load. The command itself has no
// pprof endpoint, and should not grow one.
//
// The chain mirrors newHandler in cmd/httpserver/handler.go and the
// server in run.go for the flags the benchmark uses (--quiet, no --cgi):
// the smuggling watch on the listener, the file server, the command's
// front handler (the Server header, the smuggling check, Python's
// request-line and header-count limits) and panic recovery. Keep it in step when those files
// change: a listener or writer wrapper decides whether sendfile survives. -listing python serves Python's exact listing page, which
// the command has no flag for yet.
//
//	profserver -addr 127.0.0.1:8080 -pprof 127.0.0.1:6060 -root /tmp/corpus
package main

import (
	"context"
	"flag"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"

	"github.com/pyhttp/httpserver/fileserver"
	"github.com/pyhttp/httpserver/internal/errorpage"
	"github.com/pyhttp/httpserver/internal/smuggle"
	"github.com/pyhttp/httpserver/listing"
	"github.com/pyhttp/httpserver/middleware"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	pprofAddr := flag.String("pprof", "", "serve /debug/pprof/ on this address (empty: off)")
	root := flag.String("root", ".", "directory to serve")
	page := flag.String("listing", "modern", "listing page: modern or python")
	flag.Parse()

	dir, err := os.OpenRoot(*root)
	if err != nil {
		log.Fatal(err)
	}
	errLog := slog.New(slog.NewTextHandler(os.Stderr, nil))
	var lo listing.Options
	if *page == "python" {
		lo.Format = listing.Python
	}
	var h http.Handler = fileserver.New(fileserver.RootFS(dir), fileserver.Options{Listing: lo, ErrorLog: errLog})
	h = &front{server: middleware.ServerVersion("httpserver", "bench"), pages: errorpage.New(nil, ""), next: h}
	h = middleware.Recover(errLog)(h)

	if *pprofAddr != "" {
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		go func() { log.Fatal(http.ListenAndServe(*pprofAddr, mux)) }()
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: h, ConnContext: func(ctx context.Context, c net.Conn) context.Context {
		return fileserver.ConnContext(smuggle.ConnContext(ctx, c), c)
	}}
	log.Fatal(srv.Serve(smuggle.Listener(ln)))
}

// front is cmd/httpserver's front handler, the per-request work the
// command adds before the file server, in one frame as there.
type front struct {
	server string
	pages  *errorpage.Page
	next   http.Handler
}

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header()["Server"] = []string{f.server}
	if f.refused(w, r) {
		return
	}
	f.next.ServeHTTP(w, r)
}

//go:noinline
func (f *front) refused(w http.ResponseWriter, r *http.Request) bool {
	code := 0
	switch {
	case smuggle.Poisoned(r):
		code = http.StatusBadRequest
	case len(r.Method)+len(r.RequestURI)+len(r.Proto)+2 > 65536:
		code = http.StatusRequestURITooLong
	default:
		n := 0
		for _, v := range r.Header {
			n += len(v)
		}
		if n <= 100 {
			return false
		}
		code = http.StatusRequestHeaderFieldsTooLarge
	}
	w.Header().Set("Connection", "close")
	f.pages.Write(w, r, code, "")
	return true
}
