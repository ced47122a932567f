//go:build unix

package cgihandler_test

import (
	"io"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/pyhttp/httpserver/cgihandler"
)

// BenchmarkMatch is the routing decision the command makes for every
// request, static files included.
func BenchmarkMatch(b *testing.B) {
	h := cgihandler.New(cgihandler.OpenRoot(b, b.TempDir()), cgihandler.Options{})
	for target, want := range map[string]bool{"/static/css/site.css": false, "/cgi-bin/sub/script.sh/path/info": true} {
		r := httptest.NewRequest(http.MethodGet, target, nil)
		b.Run(target, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if h.Match(r) != want {
					b.Fatalf("Match(%q) = %v", target, !want)
				}
			}
		})
	}
}

// BenchmarkServeShell is a whole CGI request over a real connection:
// resolve, fork and exec /bin/sh, parse, stream.
func BenchmarkServeShell(b *testing.B) {
	srv, _ := newServer(b, cgihandler.Options{})
	benchGet(b, srv.URL+"/cgi-bin/script.sh")
}

// BenchmarkServeShellStdlib is the same request through net/http/cgi,
// the floor the bench harness compares against (it keeps root, runs no
// process group and has no timeout; ours does all three).
func BenchmarkServeShellStdlib(b *testing.B) {
	script := filepath.Join(fixture(b), "cgi-bin", "script.sh")
	srv := httptest.NewServer(&cgi.Handler{Path: script, Root: "/cgi-bin/script.sh"})
	b.Cleanup(srv.Close)
	benchGet(b, srv.URL+"/cgi-bin/script.sh")
}

// benchGet fetches url once per iteration, reading the whole body, which
// must be the fixture script's.
func benchGet(b *testing.B, url string) {
	b.ReportAllocs()
	for b.Loop() {
		resp, err := http.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || string(body) != "hello from cgi\n" {
			b.Fatalf("GET %s: %d %q, %v", url, resp.StatusCode, body, err)
		}
	}
}

// BenchmarkStream50MiB measures output throughput: one script writing
// 50 MiB, streamed to the client.
func BenchmarkStream50MiB(b *testing.B) {
	srv, _ := newServer(b, cgihandler.Options{})
	b.SetBytes(50 << 20)
	b.ReportAllocs()
	for b.Loop() {
		resp, err := http.Get(srv.URL + "/cgi-bin/child?mode=big")
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || n != 50<<20 {
			b.Fatalf("status %d, read %d bytes, %v", resp.StatusCode, n, err)
		}
	}
}
