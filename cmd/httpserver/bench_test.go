package main

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/pyhttp/httpserver/internal/app"
	"github.com/pyhttp/httpserver/internal/smuggle"
)

// BenchmarkConnStack reports the goroutine stack a keep-alive connection
// ends up with after serving a 64 KiB file by sendfile (stack-B/conn),
// for the command's handler, quiet and logging, and for http.FileServer.
// net/http serves a connection on one goroutine; a GC shrinks the stack of
// an idle one, and a request whose path is deeper than the shrunk stack
// copies it to grow it back, once per GC cycle. The figure is
// deterministic for a given toolchain; what the copies cost under load is
// measured with bench/ab.sh (see bench/README.md).
func BenchmarkConnStack(b *testing.B) {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "64k.txt"), []byte(strings.Repeat("x", 64<<10)), 0o644); err != nil {
		b.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer root.Close()
	command := func(args ...string) http.Handler {
		cfg, err := parseArgs(append(args, "-d", dir), io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		return app.Handler(cfg.Config, root, slog.New(slog.DiscardHandler), io.Discard)
	}
	for _, c := range []struct {
		name string
		h    http.Handler
	}{
		{"command", command("--quiet")},
		{"command-log", command()},
		{"stdlib", http.FileServer(http.Dir(dir))},
	} {
		b.Run(c.name, func(b *testing.B) {
			var perConn int64
			for b.Loop() {
				perConn = connStack(b, c.h)
			}
			b.ReportMetric(float64(perConn), "stack-B/conn")
		})
	}
}

// connStack serves one request for /64k.txt on each of 64 connections,
// with the GC off so that no stack shrinks meanwhile, and returns the
// growth of the stack memory in use divided by the connections.
func connStack(b *testing.B, h http.Handler) int64 {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: h, ConnContext: smuggle.ConnContext}
	go srv.Serve(smuggle.Listener(ln))
	defer srv.Close()

	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const conns = 64
	for range conns {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		fmt.Fprint(c, "GET /64k.txt HTTP/1.1\r\nHost: bench\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || n != 64<<10 {
			b.Fatalf("GET /64k.txt: %s, %d bytes", resp.Status, n)
		}
	}
	runtime.ReadMemStats(&after)
	return (int64(after.StackInuse) - int64(before.StackInuse)) / conns
}
