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

// discardWriter is a ResponseWriter that keeps nothing, so the benchmark
// measures the handler rather than a recorder's buffer.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}
func (d *discardWriter) ReadFrom(r io.Reader) (int64, error) {
	return io.Copy(io.Discard, r)
}

func benchRoot(b *testing.B) http.Handler {
	dir := b.TempDir()
	os.WriteFile(filepath.Join(dir, "small.txt"), []byte(strings.Repeat("x", 1024)), 0o644)
	os.MkdirAll(filepath.Join(dir, "css"), 0o755)
	os.WriteFile(filepath.Join(dir, "css", "site.css"), []byte("body{}"), 0o644)
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { root.Close() })
	return New(root.FS(), Options{})
}

func benchServe(b *testing.B, h http.Handler, r *http.Request) {
	b.ReportAllocs()
	w := &discardWriter{h: make(http.Header)}
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, r)
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
	os.WriteFile(filepath.Join(dir, "small.txt"), []byte(strings.Repeat("x", 1024)), 0o644)
	benchServe(b, http.FileServer(http.Dir(dir)), httptest.NewRequest("GET", "/small.txt", nil))
}

func BenchmarkParseRanges(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		parseRanges("bytes=0-99,200-299,-50", 10000)
	}
}
