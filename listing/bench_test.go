package listing

import (
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"
	"time"
)

// bigFS is a directory of n files and n/100 subdirectories with mixed-case
// names, some needing escapes.
func bigFS(n int) fstest.MapFS {
	fsys := fstest.MapFS{}
	t := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		name := fmt.Sprintf("big/File %05d & <%d>.txt", (i*7919)%n, i)
		if i%3 == 0 {
			name = fmt.Sprintf("big/file-%05d.dat", i)
		}
		fsys[name] = &fstest.MapFile{Data: make([]byte, i%4096), ModTime: t.Add(time.Duration(i) * time.Second)}
	}
	for i := range n / 100 {
		fsys[fmt.Sprintf("big/Dir%03d/x", i)] = &fstest.MapFile{}
	}
	return fsys
}

// discard is a ResponseWriter that keeps the headers and the status and
// throws the body away, so that the benchmark measures the listing, not a
// recorder's buffer.
type discard struct {
	h    http.Header
	code int
}

func newDiscard() *discard { return &discard{h: http.Header{}, code: http.StatusOK} }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(code int)        { d.code = code }

var _ io.Writer = (*discard)(nil)

// serveBench serves one listing of name into a fresh discard and fails
// unless the answer is want.
func serveBench(b *testing.B, h *Renderer, r *http.Request, fsys fs.FS, name string, want int) *discard {
	w := newDiscard()
	if err := h.ServeDir(w, r, fsys, name, ReadOptions{}); err != nil {
		b.Fatal(err)
	}
	if w.code != want {
		b.Fatalf("GET %s: status = %d; want %d", r.URL, w.code, want)
	}
	return w
}

// BenchmarkServeDir10k lists a directory of 10,100 entries: read, sort,
// render, hash for the ETag. Run:
//
//	go test -run XXX -bench ServeDir10k -benchmem ./listing/
func BenchmarkServeDir10k(b *testing.B) {
	fsys := bigFS(10000)
	for _, bc := range []struct {
		name   string
		opts   Options
		target string
	}{
		{"modern", Options{}, "/big/"},
		{"modern-readme", Options{Readme: true}, "/big/"}, // the command's default: the README looked for among the entries
		{"modern-size-desc", Options{}, "/big/?sort=size&order=desc"},
		{"python", Options{Format: Python}, "/big/"},
		{"json", Options{}, "/big/?format=json"},
		{"modern-304", Options{}, "/big/"}, // a revalidation: If-None-Match matches
	} {
		b.Run(bc.name, func(b *testing.B) {
			h := New(bc.opts)
			r := httptest.NewRequest(http.MethodGet, bc.target, nil)
			want := http.StatusOK
			if bc.name == "modern-304" {
				w := serveBench(b, h, r, fsys, "big", http.StatusOK)
				r.Header.Set("If-None-Match", w.h.Get("ETag"))
				want = http.StatusNotModified
			}
			b.ReportAllocs()
			for b.Loop() {
				serveBench(b, h, r, fsys, "big", want)
			}
		})
	}
}

// BenchmarkRead is the model alone: ReadDir, stat and sort.
func BenchmarkRead10k(b *testing.B) {
	fsys := bigFS(10000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(fsys, "big", ReadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServeDir10kOSRoot lists 10,000 real files through an os.Root,
// as the command serves them: one lstat per entry on top of the render.
func BenchmarkServeDir10kOSRoot(b *testing.B) {
	dir := b.TempDir()
	for i := range 10000 {
		name := fmt.Sprintf("File %05d & <x>.txt", (i*7919)%10000)
		if err := os.WriteFile(filepath.Join(dir, name), make([]byte, i%4096), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer root.Close()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, f := range []Format{Modern, Python} {
		b.Run(map[Format]string{Modern: "modern", Python: "python"}[f], func(b *testing.B) {
			h := New(Options{Format: f})
			b.ReportAllocs()
			for b.Loop() {
				serveBench(b, h, r, root.FS(), ".", http.StatusOK)
			}
		})
	}
}

// BenchmarkSort10k sorts the 10,100 entries of bigFS by name, as they
// come, and by size, descending, with directories first.
func BenchmarkSort10k(b *testing.B) {
	l, err := Read(bigFS(10000), "big", ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	orig := l.Entries
	for _, bc := range []struct {
		name string
		o    Order
	}{
		{"name", Order{}},
		{"size-desc-dirs", Order{By: BySize, Desc: true, DirsFirst: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				l.Entries = slices.Clone(orig)
				l.Sort(bc.o)
			}
		})
	}
}

// BenchmarkETag10k hashes the 10,100 entries of bigFS for the ETag.
func BenchmarkETag10k(b *testing.B) {
	l, err := Read(bigFS(10000), "big", ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		etag(l, query{}, Modern, "text/html; charset=utf-8")
	}
}
