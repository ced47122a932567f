// Command profserver is cmd/httpserver's quiet handler chain with
// net/http/pprof on a second loopback port, so that bench/run.sh can take
// CPU and allocation profiles under load. The command itself has no
// pprof endpoint, and should not grow one.
//
// The chain mirrors newHandler in cmd/httpserver/handler.go and the
// server in run.go for the flags the benchmark uses (--quiet, no --cgi):
// the smuggling watch on the listener, the file server, the Expect:
// 100-continue policy, Python's request-line and header-count limits,
// panic recovery and the Server header. Keep it in step when those files
// change: a listener or writer wrapper decides whether sendfile survives. -listing python serves Python's exact listing page, which
// the command has no flag for yet.
//
//	profserver -addr 127.0.0.1:8080 -pprof 127.0.0.1:6060 -root /tmp/corpus
package main

import (
	"flag"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"

	"github.com/pyhttp/httpserver/fileserver"
	"github.com/pyhttp/httpserver/internal/errorpage"
	"github.com/pyhttp/httpserver/internal/rootfs"
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
	var h http.Handler = fileserver.New(rootfs.New(dir), fileserver.Options{Listing: lo, ErrorLog: errLog})
	h = middleware.Expect100(func(r *http.Request) (int, bool) { return 0, true })(h)
	pages := errorpage.New(nil, "")
	h = limits(pages, h)
	h = smuggle.Guard(func(w http.ResponseWriter, r *http.Request) {
		pages.Write(w, r, http.StatusBadRequest, "Transfer-Encoding with Content-Length")
	}, h)
	h = middleware.Recover(errLog)(h)
	h = middleware.ServerHeader(middleware.ServerVersion("httpserver", "bench"))(h)

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
	srv := &http.Server{Handler: h, ConnContext: smuggle.ConnContext}
	log.Fatal(srv.Serve(smuggle.Listener(ln)))
}

// limits is cmd/httpserver's pythonLimits: 414 past a 64 KiB request line
// and 431 past 100 header fields, the per-request work the command adds.
func limits(pages *errorpage.Page, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.Method)+len(r.RequestURI)+len(r.Proto)+2 > 65536 {
			pages.Write(w, r, http.StatusRequestURITooLong, "")
			return
		}
		n := 0
		for _, v := range r.Header {
			n += len(v)
		}
		if n > 100 {
			pages.Write(w, r, http.StatusRequestHeaderFieldsTooLarge, "Too many headers")
			return
		}
		next.ServeHTTP(w, r)
	})
}
