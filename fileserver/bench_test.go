package fileserver

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyhttp/httpserver/internal/encoding"
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
	writeFile(b, filepath.Join(dir, "small.txt"), strings.Repeat("x", 1024))
	writeFile(b, filepath.Join(dir, "css", "site.css"), "body{}")
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { root.Close() })
	return New(RootFS(root), Options{})
}

// writeFile writes data to the file name, making its directories.
func writeFile(tb testing.TB, name, data string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		tb.Fatal(err)
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
	writeFile(b, filepath.Join(dir, "small.txt"), strings.Repeat("x", 1024))
	benchServe(b, http.FileServer(http.Dir(dir)), httptest.NewRequest("GET", "/small.txt", nil))
}

func BenchmarkParseRanges(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		parseRanges("bytes=0-99,200-299,-50", 10000)
	}
}

// benchCompressRoot serves a directory with a small file and a 100 KiB
// script beside its brotli sidecar, with opts.
func benchCompressRoot(b *testing.B, opts Options) http.Handler {
	dir := b.TempDir()
	writeFile(b, filepath.Join(dir, "small.txt"), strings.Repeat("x", 1024))
	// Random numbers, so that it compresses to about a third, as a
	// minified bundle does, not to almost nothing.
	rng := rand.New(rand.NewPCG(1, 2))
	var js strings.Builder
	for i := 0; js.Len() < 100<<10; i++ {
		fmt.Fprintf(&js, "function f%d(a,b){return a.i%d.filter(x=>x.id!==b.k%d&&x.n>%d)}\n",
			i, rng.IntN(1000), rng.IntN(1000), rng.IntN(1<<20))
	}
	src := js.String()[:100<<10]
	writeFile(b, filepath.Join(dir, "app.js"), src)
	br, err := encoding.Encode(encoding.Brotli, []byte(src))
	if err != nil {
		b.Fatal(err)
	}
	writeFile(b, filepath.Join(dir, "app.js.br"), string(br))
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { root.Close() })
	return New(RootFS(root), opts)
}

func benchBrotliRequest(path string) *http.Request {
	r := httptest.NewRequest("GET", path, nil)
	r.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
	return r
}

// The command's default: sidecars looked for, none there.
func BenchmarkServeSmallFilePrecompressed(b *testing.B) {
	benchServe(b, benchCompressRoot(b, Options{Precompressed: true}), benchBrotliRequest("/small.txt"))
}

func BenchmarkServeSidecar(b *testing.B) {
	benchServe(b, benchCompressRoot(b, Options{Precompressed: true}), benchBrotliRequest("/app.js"))
}

// Compressed once, then sent from memory.
func BenchmarkServeCompressed(b *testing.B) {
	benchServe(b, benchCompressRoot(b, Options{Compress: true}), benchBrotliRequest("/app.js"))
}

// BenchmarkWatch serves the names a site is made of with and without
// Options.WatchFiles: a file at the top, one three directories down, a
// directory's index file, and a file with a .br sidecar.
func BenchmarkWatch(b *testing.B) {
	dir := b.TempDir()
	writeFile(b, filepath.Join(dir, "small.txt"), strings.Repeat("x", 1024))
	writeFile(b, filepath.Join(dir, "assets", "js", "lib", "app.js"), strings.Repeat("x", 1024))
	writeFile(b, filepath.Join(dir, "blog", "index.html"), "<p>hi")
	writeFile(b, filepath.Join(dir, "app.js"), strings.Repeat("js ", 1000))
	writeFile(b, filepath.Join(dir, "app.js.br"), "br")
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { root.Close() })
	for _, watch := range []bool{false, true} {
		h := New(RootFS(root), Options{WatchFiles: watch, Precompressed: true})
		for _, target := range []string{"/small.txt", "/assets/js/lib/app.js", "/blog/", "/app.js"} {
			b.Run(fmt.Sprintf("watch=%v%s", watch, target), func(b *testing.B) {
				r := httptest.NewRequest("GET", target, nil)
				r.Header.Set("Accept-Encoding", "br")
				benchServe(b, h, r)
			})
		}
	}
}
