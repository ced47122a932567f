package fileserver

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pyhttp/httpserver/internal/safepath"
)

// FuzzWebApp sends any GET-like request to a built app served from an
// os.Root with every web-app option: by the low bit of variant, with a
// fallback and 404 page that are real files (0) or symlinks out of the
// root (1). Whatever the request, no byte from outside the root leaves,
// no other method gets the shell, the shell goes only to a request that
// asks for HTML, nothing missing is marked immutable, a 404 stays a 404,
// and a redirect stays on the site.
func FuzzWebApp(f *testing.F) {
	for _, s := range [][3]string{
		{"GET", "/settings/profile", browserAccept}, {"HEAD", "/x", "text/html"}, {"GET", "/assets/app-1a2b3c.js", ""},
		{"GET", "/assets/gone.js", browserAccept}, {"GET", "/about.html?x=1", ""}, {"GET", "/blog/index.html", ""},
		{"GET", "/..%2f..%2fsecret", browserAccept}, {"GET", "/%2e%2e/secret", "text/html"}, {"POST", "/route", "text/html"},
		{"GET", "/about", "*/*"}, {"GET", "/docs", ""}, {"GET", "/a%00b", "text/html"}, {"GET", "/route", "text/html;q=0"},
		{"GET", "//evil.example.html", ""}, {"GET", "/javascript:alert(1).html", ""},
	} {
		for _, v := range []uint8{0, 1} {
			f.Add(s[0], s[1], s[2], "", v)
		}
	}
	f.Add("GET", "/route", "text/html", "bytes=0-3", uint8(0))
	f.Add("GET", "/missing.js", "", "bytes=0-3", uint8(0))

	top := f.TempDir()
	secret := "FUZZ-WEBAPP-SECRET"
	dirs := [2]string{filepath.Join(top, "real"), filepath.Join(top, "links")}
	write := func(p, data string) {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	write(filepath.Join(top, "secret"), secret)
	for i, dir := range dirs {
		for name, file := range appFS() {
			if file.Mode.IsRegular() && (i == 0 || name != "index.html" && name != "404.html") {
				write(filepath.Join(dir, filepath.FromSlash(name)), string(file.Data))
			}
		}
	}
	for _, name := range []string{"index.html", "404.html", "escape"} {
		if err := os.Symlink("../secret", filepath.Join(dirs[1], name)); err != nil {
			f.Fatal(err)
		}
	}
	immutable, err := Globs("assets/**")
	if err != nil {
		f.Fatal(err)
	}
	var hs [2]http.Handler
	for i, dir := range dirs {
		root, err := os.OpenRoot(dir)
		if err != nil {
			f.Fatal(err)
		}
		f.Cleanup(func() { root.Close() })
		hs[i] = New(RootFS(root), Options{
			SPAFallback: "index.html", NotFoundPage: "404.html", CleanURLs: true, Immutable: immutable, ErrorLog: discardLog,
		})
	}
	shell := string(appFS()["index.html"].Data)

	f.Fuzz(func(t *testing.T, method, target, accept, rng string, variant uint8) {
		raw := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: example.com\r\nAccept: %s\r\nRange: %s\r\n\r\n", method, target, accept, rng)
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil {
			return
		}
		w := httptest.NewRecorder()
		done := make(chan struct{})
		go func() { hs[variant%2].ServeHTTP(w, r); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%q: no answer in 10s", raw)
		}
		body := w.Body.String()
		cc := w.Header().Get("Cache-Control")
		if !fuzzStatuses[w.Code] {
			t.Fatalf("%q: status %d is not one of the expected set", raw, w.Code)
		}
		if strings.Contains(body, secret) {
			t.Fatalf("%q: %d: the body holds bytes from outside the root", raw, w.Code)
		}
		get := r.Method == http.MethodGet || r.Method == http.MethodHead
		if !get && w.Code < 300 {
			t.Fatalf("%q: %d for a %s", raw, w.Code, r.Method)
		}
		if body == shell && w.Code == 200 && cc == cacheNoCache && !acceptsHTML(r.Header["Accept"]) {
			t.Fatalf("%q: the fallback for a request that does not ask for HTML", raw)
		}
		if cc == cacheImmutable {
			name, _, ok := safepath.Resolve(requestPath(r))
			if w.Code != 200 && w.Code != 206 && w.Code != 304 || !ok || !immutable(name) {
				t.Fatalf("%q: %d marked immutable", raw, w.Code)
			}
		}
		if w.Code == 404 && variant%2 == 0 && (cc != cacheNoCache || !strings.Contains(body, "CUSTOM 404") && r.Method != http.MethodHead) {
			t.Fatalf("%q: 404 without the 404 page: Cache-Control %q, %.60q", raw, cc, body)
		}
		if loc := w.Header().Get("Location"); loc != "" {
			if strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, `\`) || strings.Contains(strings.SplitN(loc, "?", 2)[0], "://") {
				t.Fatalf("%q: redirect to %q could leave the site", raw, loc)
			}
		}
	})
}
