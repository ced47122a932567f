package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyhttp/httpserver/internal/logwriter"
	"github.com/pyhttp/httpserver/middleware"
)

// BenchmarkHandler1K is one GET of a 1 KiB file through the command's
// whole chain, as bench/run.sh's first scenario sends it (wrk's request:
// a Host and nothing else), quiet and with the access log in each format
// written through a logwriter as the command does. The request carries
// the context net/http and the command's ConnContext give it, so that
// context lookups walk as far as they do in the server. What is left to
// net/http (parsing, the response's header and its write) is not here;
// bench/ab.sh measures the whole.
func BenchmarkHandler1K(b *testing.B) {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "1k.txt"), []byte(strings.Repeat("x", 1024)), 0o644); err != nil {
		b.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { root.Close() })
	ctx := benchConnContext(b)
	for _, v := range benchVariants {
		b.Run(v.name, func(b *testing.B) {
			logw := logwriter.New(io.Discard)
			defer logw.Close()
			h := Handler(v.config(), root, slog.New(slog.DiscardHandler), logw)
			benchServe(b, h, ctx)
		})
	}
}

// BenchmarkChain1K is BenchmarkHandler1K without the file server: the
// command's middleware around a handler that answers as the file server
// does for a cached 1 KiB file (its headers, one Write), so that what the
// chain costs a request is not lost beside the stat(2). "bare" is that
// handler alone.
func BenchmarkChain1K(b *testing.B) {
	body := []byte(strings.Repeat("x", 1024))
	file := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Type"] = []string{"text/plain; charset=utf-8"}
		h["Etag"] = []string{`"18b6a0cb61e94400-400"`}
		h["X-Content-Type-Options"] = []string{"nosniff"}
		h["Accept-Ranges"] = []string{"bytes"}
		h["Content-Length"] = []string{"1024"}
		h["Last-Modified"] = []string{"Mon, 01 Jan 2024 00:00:00 GMT"}
		w.WriteHeader(http.StatusOK)
		w.Write(body)
	})
	ctx := benchConnContext(b)
	b.Run("bare", func(b *testing.B) { benchServe(b, file, ctx) })
	for _, v := range benchVariants {
		b.Run(v.name, func(b *testing.B) {
			cfg := v.config()
			logw := logwriter.New(io.Discard)
			defer logw.Close()
			h := chain(cfg, file, slog.New(slog.DiscardHandler), logw)
			benchServe(b, h, ctx)
		})
	}
}

// benchVariants are the command quiet and with each log format.
var benchVariants = []benchVariant{
	{"quiet", true, 0},
	{"python", false, middleware.Python},
	{"common", false, middleware.Common},
	{"combined", false, middleware.Combined},
	{"json", false, middleware.JSON},
}

type benchVariant struct {
	name   string
	quiet  bool
	format middleware.LogFormat
}

// config is the command's configuration for the variant, serving on
// 127.0.0.1 as bench/run.sh does (so with the DNS-rebinding guard).
func (v benchVariant) config() Config {
	cfg := Defaults()
	cfg.Quiet, cfg.LogFormat = v.quiet, v.format
	cfg.ServerSoftware = middleware.ServerVersion("httpserver", "bench")
	cfg.GuardHosts = true
	return cfg
}

// benchServe serves wrk's request for /1k.txt with h over and over and
// fails unless each answer is a 200 with 1024 bytes.
func benchServe(b *testing.B, h http.Handler, ctx context.Context) {
	r := httptest.NewRequest("GET", "/1k.txt", nil).WithContext(ctx)
	r.Host = "127.0.0.1:8000"
	r.RemoteAddr = "127.0.0.1:54321"
	b.ReportAllocs()
	cpu0 := cpuTime(b)
	for b.Loop() {
		w := &benchWriter{h: make(http.Header, 8)}
		h.ServeHTTP(w, r)
		if w.code != http.StatusOK || w.n != 1024 {
			b.Fatalf("GET /1k.txt: status %d, %d bytes", w.code, w.n)
		}
	}
	b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(b.N), "cpu-ns/op")
}

// benchConnContext returns the context net/http gives a request on a
// connection of the command's listener: the server's values, then
// ConnContext's, then the connection's cancel.
func benchConnContext(b *testing.B) context.Context {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err == nil {
			b.Cleanup(func() { c.Close() })
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	wrapped, err := Listener(oneConn{c}, false).Accept()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.WithValue(context.Background(), http.ServerContextKey, &http.Server{})
	ctx = context.WithValue(ctx, http.LocalAddrContextKey, c.LocalAddr())
	ctx = connContext(ctx, wrapped)
	ctx, cancel := context.WithCancel(ctx)
	b.Cleanup(cancel)
	return ctx
}

// oneConn is a listener whose Accept returns its connection.
type oneConn struct{ c net.Conn }

func (l oneConn) Accept() (net.Conn, error) { return l.c, nil }
func (l oneConn) Close() error              { return nil }
func (l oneConn) Addr() net.Addr            { return l.c.LocalAddr() }

// benchWriter stands for net/http's response: a header map and a body
// that costs nothing, with the status and the size kept for a check.
type benchWriter struct {
	h    http.Header
	code int
	n    int
}

func (w *benchWriter) Header() http.Header { return w.h }
func (w *benchWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}
func (w *benchWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	w.n += len(p)
	return len(p), nil
}
func (w *benchWriter) ReadFrom(src io.Reader) (int64, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	n, err := io.Copy(io.Discard, src)
	w.n += int(n)
	return n, err
}
