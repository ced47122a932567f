package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyhttp/httpserver/internal/app"
)

// BenchmarkAuth1K is the command's handler serving a 1 KiB file, without
// and with --auth-file (scope all; the credentials verified once, then
// found in the cache), with the same request, Authorization included, and
// the access log on or off. The network is left out, so the difference
// stands out more than in bench/ab.sh's req/s; see bench/README.md.
func BenchmarkAuth1K(b *testing.B) {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "1k.txt"), []byte(strings.Repeat("x", 1024)), 0o644); err != nil {
		b.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer root.Close()
	users := writeHtpasswd(b, "ann")
	for _, c := range []struct {
		name string
		args []string
	}{
		{"plain", []string{"--quiet"}},
		{"auth", []string{"--quiet", "--auth-file", users}},
		{"plain-log", []string{"--log-format", "common"}},
		{"auth-log", []string{"--log-format", "common", "--auth-file", users}},
	} {
		cfg, err := parseArgs(append(c.args, "-d", dir), io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		if cfg.authFile != "" {
			if cfg.Users, err = loadUsers(cfg.authFile); err != nil {
				b.Fatal(err)
			}
		}
		h := app.Handler(cfg.Config, root, slog.New(slog.DiscardHandler), io.Discard)
		req := httptest.NewRequest(http.MethodGet, "/1k.txt", nil)
		req.RemoteAddr = "127.0.0.1:1234"
		req.Header.Set("Authorization", basicHeader("ann", authPassword))
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}
