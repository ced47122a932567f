//go:build unix

package cgihandler_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/pyhttp/httpserver/cgihandler"
)

func BenchmarkMatch(b *testing.B) {
	h := cgihandler.New(b.TempDir(), cgihandler.Options{})
	reqs := []*http.Request{
		httptest.NewRequest(http.MethodGet, "/cgi-bin/sub/script.sh/path/info", nil),
		httptest.NewRequest(http.MethodGet, "/static/css/site.css", nil),
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range reqs {
			h.Match(r)
		}
	}
}

// BenchmarkServeShell is a whole CGI request over a real connection:
// resolve, fork and exec /bin/sh, parse, stream.
func BenchmarkServeShell(b *testing.B) {
	srv, _ := newServer(b, cgihandler.Options{})
	b.ReportAllocs()
	for b.Loop() {
		resp, err := http.Get(srv.URL + "/cgi-bin/script.sh")
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
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
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if n != 50<<20 {
			b.Fatalf("read %d bytes", n)
		}
	}
}
