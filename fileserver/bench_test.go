package fileserver

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// discardWriter is a ResponseWriter that keeps only the status, so the
// benchmark measures the handler rather than a recorder's buffer.
type discardWriter struct {
	h    http.Header
	code int
}

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(code int)        { d.code = code }
func (d *discardWriter) ReadFrom(r io.Reader) (int64, error) {
	return io.Copy(io.Discard, r)
}

func benchRoot(b *testing.B) http.Handler {
	dir := b.TempDir()
	benchWrite(b, filepath.Join(dir, "small.txt"), strings.Repeat("x", 1024))
	benchWrite(b, filepath.Join(dir, "css", "site.css"), "body{}")
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { root.Close() })
	return New(RootFS(root), Options{})
}

func benchWrite(b *testing.B, name, data string) {
	b.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		b.Fatal(err)
	}
}

// benchServe serves r with h over and over, and fails unless every answer
// has the status of the first (200 when nothing was written).
func benchServe(b *testing.B, h http.Handler, r *http.Request) {
	b.ReportAllocs()
	w := &discardWriter{h: make(http.Header)}
	want := -1
	for b.Loop() {
		clear(w.h)
		w.code = http.StatusOK
		h.ServeHTTP(w, r)
		if want == -1 {
			want = w.code
		}
		if w.code != want {
			b.Fatalf("%s %s: status %d, then %d", r.Method, r.URL, want, w.code)
		}
	}
}

func BenchmarkServeSmallFile(b *testing.B) {
	benchServe(b, benchRoot(b), httptest.NewRequest("GET", "/small.txt", nil))
}

func BenchmarkServeNested(b *testing.B) {
	benchServe(b, benchRoot(b), httptest.NewRequest("GET", "/css/site.css", nil))
}

func BenchmarkServeNotModified(b *testing.B) {
	h := benchRoot(b)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/small.txt", nil))
	r := httptest.NewRequest("GET", "/small.txt", nil)
	r.Header.Set("If-None-Match", w.Header().Get("Etag"))
	benchServe(b, h, r)
}

func BenchmarkServeRange(b *testing.B) {
	r := httptest.NewRequest("GET", "/small.txt", nil)
	r.Header.Set("Range", "bytes=0-99")
	benchServe(b, benchRoot(b), r)
}

func BenchmarkServeNotFound(b *testing.B) {
	benchServe(b, benchRoot(b), httptest.NewRequest("GET", "/missing.txt", nil))
}

func BenchmarkStdlibFileServer(b *testing.B) {
	dir := b.TempDir()
	benchWrite(b, filepath.Join(dir, "small.txt"), strings.Repeat("x", 1024))
	benchServe(b, http.FileServer(http.Dir(dir)), httptest.NewRequest("GET", "/small.txt", nil))
}

func BenchmarkParseRanges(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		parseRanges("bytes=0-99,200-299,-50", 10000)
	}
}
