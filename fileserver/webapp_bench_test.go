package fileserver

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchAppRoot is benchRoot's tree, plus an index.html, served with every
// web-app option: what a hit and a fallback cost when they are on.
func benchAppRoot(b *testing.B) *Handler {
	dir := b.TempDir()
	writeFile(b, filepath.Join(dir, "small.txt"), strings.Repeat("x", 1024))
	writeFile(b, filepath.Join(dir, "index.html"), "<!doctype html><div id=app></div>")
	writeFile(b, filepath.Join(dir, "assets", "app-1a2b3c.js"), strings.Repeat("x", 1024))
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { root.Close() })
	immutable, err := Globs("assets/*")
	if err != nil {
		b.Fatal(err)
	}
	return New(RootFS(root), Options{SPAFallback: "index.html", NotFoundPage: "index.html", CleanURLs: true, Immutable: immutable})
}

func BenchmarkServeSmallFileWebApp(b *testing.B) {
	benchServe(b, benchAppRoot(b), httptest.NewRequest("GET", "/small.txt", nil))
}

func BenchmarkServeImmutable(b *testing.B) {
	benchServe(b, benchAppRoot(b), httptest.NewRequest("GET", "/assets/app-1a2b3c.js", nil))
}

func BenchmarkServeSPAFallback(b *testing.B) {
	r := httptest.NewRequest("GET", "/settings/profile", nil)
	r.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	benchServe(b, benchAppRoot(b), r)
}
