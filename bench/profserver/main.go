// Command profserver is cmd/httpserver's server, built by the same
// internal/app calls with the flags the benchmark uses (--quiet, no
// --cgi; -compress and -no-precompressed as the command's --compress and
// --no-precompressed; -log-format as --log-format, which turns the access
// log on), plus net/http/pprof on a second loopback port, so
// that bench/run.sh can take CPU and allocation profiles under load. The
// command itself has no pprof endpoint, and should not grow one. With
// -cert and -key it serves HTTPS (HTTP/2 and HTTP/1.1) as --tls-cert and
// --tls-key do.
//
//	profserver -addr 127.0.0.1:8080 -pprof 127.0.0.1:6060 -root /tmp/corpus
//	profserver -addr 127.0.0.1:8443 -pprof 127.0.0.1:6060 -root /tmp/corpus -cert cert.pem -key key.pem
package main

import (
	"crypto/tls"
	"flag"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"

	"github.com/pyhttp/httpserver/internal/app"
	"github.com/pyhttp/httpserver/internal/logwriter"
	"github.com/pyhttp/httpserver/internal/tlsconfig"
	"github.com/pyhttp/httpserver/listing"
	"github.com/pyhttp/httpserver/middleware"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	pprofAddr := flag.String("pprof", "", "serve /debug/pprof/ on this address (empty: off)")
	root := flag.String("root", ".", "directory to serve")
	page := flag.String("listing", "modern", "listing page: modern or python")
	compress := flag.Bool("compress", false, "compress responses on the fly, as --compress")
	noPrecompressed := flag.Bool("no-precompressed", false, "serve no .br/.zst/.gz sidecars, as --no-precompressed")
	cert := flag.String("cert", "", "PEM certificate: serve HTTPS, as --tls-cert")
	key := flag.String("key", "", "PEM key for -cert, as --tls-key")
	var logFormat middleware.LogFormat
	flag.Func("log-format", "write the access log to stderr in this format (python, common, combined, json), as --log-format; default: none, as --quiet", func(s string) error {
		return logFormat.UnmarshalText([]byte(s))
	})
	flag.Parse()

	dir, err := os.OpenRoot(*root)
	if err != nil {
		log.Fatal(err)
	}
	cfg := app.Defaults() // the command's, with --quiet
	cfg.Quiet = true
	cfg.ServerSoftware = middleware.ServerVersion("httpserver", "bench")
	if *page == "python" {
		cfg.Listing = listing.Python
	}
	cfg.Compress = *compress
	cfg.NoPrecompressed = *noPrecompressed
	// The command's log path: every line through one logwriter.
	logw := logwriter.New(os.Stderr)
	logSet := false
	flag.Visit(func(f *flag.Flag) { logSet = logSet || f.Name == "log-format" })
	if logSet {
		cfg.Quiet = false
		cfg.LogFormat = logFormat
	}
	errLog := slog.New(slog.NewTextHandler(logw, nil))
	var tlsConf *tls.Config
	if *cert != "" {
		if tlsConf, err = tlsconfig.Load(*cert, *key, nil); err != nil {
			log.Fatal(err)
		}
	}
	srv := app.Server(cfg, app.Handler(cfg, dir, errLog, logw), log.New(logw, "", 0), tlsConf)

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
	if tlsConf != nil {
		log.Fatal(srv.ServeTLS(app.Listener(ln, true), "", ""))
	}
	log.Fatal(srv.Serve(app.Listener(ln, false)))
}
