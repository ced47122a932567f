package fileserver

import (
	"bytes"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/pyhttp/httpserver/middleware"
)

// appFS is a built web app: an index that is the SPA's shell, fingerprinted
// assets, a 404 page, and pages for clean URLs, some of them shadowed by a
// file or a directory of the same name.
func appFS() fstest.MapFS {
	file, dir := mapFile, mapDir()
	return fstest.MapFS{
		"index.html":                file("<!doctype html><title>app</title>APP SHELL"),
		"404.html":                  file("<!doctype html><h1>CUSTOM 404</h1>"),
		"404.txt":                   file("nothing here"),
		"robots.txt":                file("User-agent: *"),
		"assets/app-1a2b3c.js":      file("console.log('app')"),
		"assets/style-9f8e7d.css":   file("body{}"),
		"assets/fonts/f-0a1b.woff2": file("wOF2"),
		"about.html":                file("ABOUT PAGE"),
		"a:b.html":                  file("COLON PAGE"),
		"blog/index.html":           file("BLOG INDEX"),
		"blog/post.html":            file("POST PAGE"),
		"docs":                      dir, // no index: docs.html wins at /docs
		"docs/readme.txt":           file("docs readme"),
		"docs.html":                 file("DOCS PAGE"),
		"guide/index.html":          file("GUIDE DIR"), // an index: the directory wins at /guide
		"guide.html":                file("GUIDE PAGE"),
		"notes":                     file("NOTES FILE"), // a file wins at /notes
		"notes.html":                file("NOTES PAGE"),
		"fifo":                      &fstest.MapFile{Mode: fs.ModeNamedPipe},
	}
}

// check is one request to a handler and what its answer must hold.
type check struct {
	method, target string
	header         []string // name, value, …
	code           int
	body           string // substring; "-" for an empty body
	cacheControl   string // "-" for none
	location       string
}

func runChecks(t *testing.T, h http.Handler, checks []check) {
	t.Helper()
	for _, tt := range checks {
		method := tt.method
		if method == "" {
			method = "GET"
		}
		got := do(t, h, method, tt.target, tt.header...)
		where := method + " " + tt.target + " " + strings.Join(tt.header, " ")
		if got.code != tt.code {
			t.Errorf("%s: status = %d; want %d (body %.60q)", where, got.code, tt.code, got.body)
		}
		if tt.body == "-" && got.body != "" || tt.body != "-" && !strings.Contains(got.body, tt.body) {
			t.Errorf("%s: body = %.80q; want %q", where, got.body, tt.body)
		}
		cc := strings.Join(got.header["Cache-Control"], ", ")
		if tt.cacheControl == "-" && cc != "" || tt.cacheControl != "" && tt.cacheControl != "-" && cc != tt.cacheControl {
			t.Errorf("%s: Cache-Control = %q; want %q", where, cc, tt.cacheControl)
		}
		if loc := got.header.Get("Location"); loc != tt.location {
			t.Errorf("%s: Location = %q; want %q", where, loc, tt.location)
		}
	}
}

const (
	browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" // Chromium's for a page
	pythonPage    = "<h1>Error response</h1>"                                         // Python's error page
)

func TestSPAFallback(t *testing.T) {
	h := New(appFS(), Options{SPAFallback: "index.html", ErrorLog: discardLog})
	etag := do(t, h, "GET", "/index.html").header.Get("Etag")
	runChecks(t, h, []check{
		// Client-side routes get the app's shell, never cached stale.
		{target: "/settings/profile", header: []string{"Accept", browserAccept}, code: 200, body: "APP SHELL", cacheControl: "no-cache"},
		{target: "/users/42/", header: []string{"Accept", browserAccept}, code: 200, body: "APP SHELL", cacheControl: "no-cache"},
		{target: "/x", header: []string{"Accept", "application/xhtml+xml, TEXT/HTML;q=0.5"}, code: 200, body: "APP SHELL"},
		{method: "HEAD", target: "/settings", header: []string{"Accept", browserAccept}, code: 200, body: "-", cacheControl: "no-cache"},
		// Only what asks for a page: fetch()'s */*, no Accept, q=0.
		{target: "/api/users", header: []string{"Accept", "*/*"}, code: 404, body: pythonPage, cacheControl: "-"},
		{target: "/api/users", code: 404, body: pythonPage},
		{target: "/settings", header: []string{"Accept", "text/html;q=0, */*"}, code: 404, body: pythonPage},
		{target: "/settings", header: []string{"Accept", "text/htmlx"}, code: 404, body: pythonPage},
		// A missing asset stays 404, even when asked for as a page.
		{target: "/assets/app-000000.js", header: []string{"Accept", browserAccept}, code: 404, body: pythonPage, cacheControl: "-"},
		{target: "/logo.png", header: []string{"Accept", browserAccept}, code: 404, body: pythonPage},
		{target: "/users/john.doe", header: []string{"Accept", browserAccept}, code: 404, body: pythonPage},
		{target: "/about.html/", header: []string{"Accept", browserAccept}, code: 404, body: pythonPage},
		// Other methods keep Python's 501.
		{method: "POST", target: "/settings", header: []string{"Accept", browserAccept}, code: 501, body: "Unsupported method"},
		{method: "PUT", target: "/settings", header: []string{"Accept", browserAccept}, code: 501, body: "Unsupported method"},
		{method: "DELETE", target: "/", header: []string{"Accept", browserAccept}, code: 501, body: "Unsupported method"},
		// What exists is served as before, without no-cache.
		{target: "/about.html", header: []string{"Accept", browserAccept}, code: 200, body: "ABOUT PAGE", cacheControl: "-"},
		{target: "/", header: []string{"Accept", browserAccept}, code: 200, body: "APP SHELL", cacheControl: "-"},
		{target: "/docs/", header: []string{"Accept", browserAccept}, code: 200, body: "readme.txt"},
		{target: "/docs", header: []string{"Accept", browserAccept}, code: 301, body: "-", location: "docs/"},
		// The fallback is a file like any other: validators, ranges.
		{target: "/deep/link", header: []string{"Accept", browserAccept, "If-None-Match", etag}, code: 304, body: "-", cacheControl: "no-cache"},
		{target: "/deep/link", header: []string{"Accept", browserAccept, "Range", "bytes=0-8"}, code: 206, body: "<!doctype"},
		// ".." never climbs out; what it names is a route like any other.
		{target: "/a/../../../etc/passwd", header: []string{"Accept", browserAccept}, code: 200, body: "APP SHELL"},
		{target: "/%2e%2e/%2e%2e/etc/shadow", header: []string{"Accept", browserAccept}, code: 200, body: "APP SHELL"},
		{target: "/a%00b", header: []string{"Accept", browserAccept}, code: 404, body: pythonPage},
	})
	got := do(t, h, "GET", "/settings", "Accept", browserAccept)
	if got.header.Get("Etag") != etag || got.header.Get("Content-Type") != "text/html; charset=utf-8" || got.header.Get("Vary") != "Accept" {
		t.Errorf("fallback: ETag %q, Content-Type %q, Vary %q; want index.html's %q, text/html, Accept",
			got.header.Get("Etag"), got.header.Get("Content-Type"), got.header.Get("Vary"), etag)
	}
	if got := do(t, h, "GET", "/settings", "Accept", "*/*"); got.header.Get("Vary") != "Accept" {
		t.Errorf("404 for a route asked without text/html: Vary %q; want Accept", got.header.Get("Vary"))
	}
	if got := do(t, h, "GET", "/app.js", "Accept", browserAccept); got.header.Get("Vary") != "" {
		t.Errorf("404 for an asset: Vary %q; want none, Accept changes nothing", got.header.Get("Vary"))
	}
}

// TestSPAFallbackReadFresh edits the fallback between requests: each gets
// the file as it is then, not as it was when the handler was built.
func TestSPAFallbackReadFresh(t *testing.T) {
	fsys := appFS()
	h := New(fsys, Options{SPAFallback: "/index.html", ErrorLog: discardLog})
	for i, body := range []string{"first build", "second build, longer", "third"} {
		fsys["index.html"] = &fstest.MapFile{Data: []byte(body), ModTime: modtime.Add(time.Duration(i) * time.Second), Mode: 0o644}
		if got := do(t, h, "GET", "/route", "Accept", browserAccept); got.code != 200 || got.body != body {
			t.Errorf("build %d: %d %q; want 200 %q", i, got.code, got.body, body)
		}
	}
	delete(fsys, "index.html")
	if got := do(t, h, "GET", "/route", "Accept", browserAccept); got.code != 404 {
		t.Errorf("fallback deleted: %d; want 404", got.code)
	}
}

func TestNotFoundPage(t *testing.T) {
	h := New(appFS(), Options{NotFoundPage: "404.html", ErrorLog: discardLog})
	custom := "<!doctype html><h1>CUSTOM 404</h1>"
	runChecks(t, h, []check{
		{target: "/missing", code: 404, body: custom, cacheControl: "no-cache"},
		{target: "/missing.js", header: []string{"Accept", browserAccept}, code: 404, body: custom, cacheControl: "no-cache"},
		{target: "/dir/missing/", code: 404, body: custom},
		{target: "/about.html/", code: 404, body: custom},
		{target: "/fifo", code: 404, body: custom},
		{method: "HEAD", target: "/missing", code: 404, body: "-", cacheControl: "no-cache"},
		// A 404 never becomes a 304, a 206 or a 412.
		{target: "/missing", header: []string{"If-None-Match", "*"}, code: 404, body: custom},
		{target: "/missing", header: []string{"If-Modified-Since", "Sat, 01 Jan 2095 00:00:00 GMT"}, code: 404, body: custom},
		{target: "/missing", header: []string{"Range", "bytes=0-3"}, code: 404, body: custom},
		{target: "/missing", header: []string{"Range", "bytes=9999-"}, code: 404, body: custom},
		{target: "/missing", header: []string{"If-Match", `"x"`}, code: 404, body: custom},
		// Python's answers that are not 404 stay Python's.
		{method: "POST", target: "/missing", code: 501, body: pythonPage},
		// What exists is served as before.
		{target: "/about.html", code: 200, body: "ABOUT PAGE", cacheControl: "-"},
		{target: "/404.html", code: 200, body: custom, cacheControl: "-"},
	})
	got := do(t, h, "GET", "/missing")
	if got.body != custom || got.header.Get("Content-Type") != "text/html; charset=utf-8" ||
		got.header.Get("Content-Length") != strconv.Itoa(len(custom)) || got.header.Get("Etag") != "" ||
		got.header.Get("Last-Modified") != "" || got.header.Get("Accept-Ranges") != "" {
		t.Errorf("404 page: %q, headers %v", got.body, got.header)
	}
	head := do(t, h, "HEAD", "/missing")
	if head.header.Get("Content-Length") != strconv.Itoa(len(custom)) {
		t.Errorf("HEAD 404 page: Content-Length %q; want the GET's", head.header.Get("Content-Length"))
	}
	// The type comes from the page's name.
	txt := do(t, New(appFS(), Options{NotFoundPage: "404.txt"}), "GET", "/missing")
	if txt.code != 404 || txt.body != "nothing here" || txt.header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Errorf("404.txt: %d %q %q", txt.code, txt.body, txt.header.Get("Content-Type"))
	}
}

// TestWebAppFilesUnusable names a fallback or 404 page that cannot be
// served: each request then gets what it would without the option, and
// the error log says why.
func TestWebAppFilesUnusable(t *testing.T) {
	for _, name := range []string{"nope.html", "blog", "fifo", "../index.html", "a//b", "."} {
		var log bytes.Buffer
		h := New(appFS(), Options{SPAFallback: name, NotFoundPage: name, ErrorLog: slog.New(slog.NewTextHandler(&log, nil))})
		got := do(t, h, "GET", "/route", "Accept", browserAccept)
		if got.code != 404 || !strings.Contains(got.body, pythonPage) || got.header.Get("Cache-Control") != "" {
			t.Errorf("fallback and 404 page %q: %d %.60q, Cache-Control %q; want Python's 404", name, got.code, got.body, got.header.Get("Cache-Control"))
		}
		for _, want := range []string{"cannot serve the SPA fallback", "cannot serve the 404 page", "file=" + name} {
			if !strings.Contains(log.String(), want) {
				t.Errorf("fallback and 404 page %q: log %q lacks %q", name, log.String(), want)
			}
		}
	}
	// A fallback that cannot be served leaves the route to the 404 page.
	h := New(appFS(), Options{SPAFallback: "gone.html", NotFoundPage: "404.html", ErrorLog: discardLog})
	if got := do(t, h, "GET", "/route", "Accept", browserAccept); got.code != 404 || !strings.Contains(got.body, "CUSTOM 404") {
		t.Errorf("fallback missing, 404 page set: %d %q; want the 404 page", got.code, got.body)
	}
}

// TestSPAWith404 is the pair a built app is served with: routes get the
// shell, what the shell does not take gets the 404 page.
func TestSPAWith404(t *testing.T) {
	h := New(appFS(), Options{SPAFallback: "index.html", NotFoundPage: "404.html", ErrorLog: discardLog})
	runChecks(t, h, []check{
		{target: "/route/deep", header: []string{"Accept", browserAccept}, code: 200, body: "APP SHELL", cacheControl: "no-cache"},
		{target: "/assets/gone-123.js", header: []string{"Accept", browserAccept}, code: 404, body: "CUSTOM 404", cacheControl: "no-cache"},
		{target: "/api/data", header: []string{"Accept", "application/json"}, code: 404, body: "CUSTOM 404"},
		{method: "POST", target: "/route", header: []string{"Accept", browserAccept}, code: 501, body: pythonPage},
	})
}

func TestCleanURLs(t *testing.T) {
	h := New(appFS(), Options{CleanURLs: true, ErrorLog: discardLog})
	runChecks(t, h, []check{
		{target: "/about", code: 200, body: "ABOUT PAGE"},
		{method: "HEAD", target: "/about", code: 200, body: "-"},
		{target: "/about.html", code: 301, body: "-", location: "about"},
		{target: "/about.html?utm=x&y=1", code: 301, body: "-", location: "about?utm=x&y=1"},
		{target: "/a:b", code: 200, body: "COLON PAGE"},
		{target: "/a:b.html", code: 301, body: "-", location: "./a:b"},
		{target: "/blog/", code: 200, body: "BLOG INDEX"},
		{target: "/blog", code: 301, body: "-", location: "blog/"},
		{target: "/blog/index.html", code: 301, body: "-", location: "./"},
		{target: "/blog/index.html?p=2", code: 301, body: "-", location: "./?p=2"},
		{target: "/index.html", code: 301, body: "-", location: "./"},
		{target: "/blog/post", code: 200, body: "POST PAGE"},
		{target: "/blog/post.html", code: 301, body: "-", location: "post"},
		// A directory wins only when it has an index.
		{target: "/docs", code: 200, body: "DOCS PAGE"},
		{target: "/docs.html", code: 301, body: "-", location: "docs"},
		{target: "/docs/", code: 200, body: "readme.txt"},
		{target: "/guide", code: 301, body: "-", location: "guide/"},
		{target: "/guide/", code: 200, body: "GUIDE DIR"},
		{target: "/guide.html", code: 200, body: "GUIDE PAGE"}, // its clean URL is the directory's
		// So does a file of the page's name.
		{target: "/notes", code: 200, body: "NOTES FILE"},
		{target: "/notes.html", code: 200, body: "NOTES PAGE"},
		// Not pages.
		{target: "/about/", code: 404, body: pythonPage},
		{target: "/missing", code: 404, body: pythonPage},
		{target: "/robots", code: 404, body: pythonPage},
		{target: "/.html", code: 404, body: pythonPage},
		{target: "/about.html/.", code: 200, body: "ABOUT PAGE"}, // its last segment is not the page's name
		{target: "/about.html#top", code: 301, body: "-", location: "about"},
		{method: "POST", target: "/about", code: 501, body: pythonPage},
	})
	// Off by default.
	runChecks(t, New(appFS(), Options{}), []check{
		{target: "/about", code: 404, body: pythonPage},
		{target: "/about.html", code: 200, body: "ABOUT PAGE"},
		{target: "/blog/index.html", code: 200, body: "BLOG INDEX"},
	})
}

func TestImmutable(t *testing.T) {
	immutable, err := Globs("assets/**", "robots.txt")
	if err != nil {
		t.Fatal(err)
	}
	h := New(appFS(), Options{Immutable: immutable, SPAFallback: "index.html", ErrorLog: discardLog})
	forever := "public, max-age=31536000, immutable"
	etag := do(t, h, "GET", "/assets/app-1a2b3c.js").header.Get("Etag")
	runChecks(t, h, []check{
		{target: "/assets/app-1a2b3c.js", code: 200, body: "console.log", cacheControl: forever},
		{target: "/assets/fonts/f-0a1b.woff2", code: 200, body: "wOF2", cacheControl: forever},
		{method: "HEAD", target: "/assets/style-9f8e7d.css", code: 200, body: "-", cacheControl: forever},
		{target: "/assets/app-1a2b3c.js", header: []string{"If-None-Match", etag}, code: 304, body: "-", cacheControl: forever},
		{target: "/assets/app-1a2b3c.js", header: []string{"Range", "bytes=0-6"}, code: 206, body: "console", cacheControl: forever},
		{target: "/assets/app-1a2b3c.js", header: []string{"Range", "bytes=999-"}, code: 416, body: pythonPage, cacheControl: "-"},
		// Missing, or not asked for by name: nothing to keep a year.
		{target: "/assets/app-000000.js", header: []string{"Accept", browserAccept}, code: 404, body: pythonPage, cacheControl: "-"},
		{target: "/assets/route", header: []string{"Accept", browserAccept}, code: 200, body: "APP SHELL", cacheControl: "no-cache"},
		{target: "/about.html", code: 200, body: "ABOUT PAGE", cacheControl: "-"},
		{target: "/robots.txt", code: 200, cacheControl: forever},
	})

	// A pattern that matches the shell makes it immutable only where it
	// is asked for by name; as the fallback or an index, never.
	all, _ := Globs("*")
	h = New(appFS(), Options{Immutable: all, SPAFallback: "index.html", NotFoundPage: "404.html", ErrorLog: discardLog})
	runChecks(t, h, []check{
		{target: "/", code: 200, body: "APP SHELL", cacheControl: "-"},
		{target: "/route", header: []string{"Accept", browserAccept}, code: 200, body: "APP SHELL", cacheControl: "no-cache"},
		{target: "/gone.js", code: 404, body: "CUSTOM 404", cacheControl: "no-cache"},
		{target: "/about.html", code: 200, body: "ABOUT PAGE", cacheControl: forever},
	})
}

// TestCacheControlOverHeaders: middleware.Headers (the command's --header)
// adds its Cache-Control before the handler runs; the handler's own, for
// immutable files, the fallback and the 404 page, replaces it, and every
// other response keeps it.
func TestCacheControlOverHeaders(t *testing.T) {
	immutable, _ := Globs("assets/*")
	h := middleware.Headers(http.Header{"Cache-Control": {"max-age=60"}})(
		New(appFS(), Options{Immutable: immutable, SPAFallback: "index.html", NotFoundPage: "404.html", ErrorLog: discardLog}))
	runChecks(t, h, []check{
		{target: "/about.html", code: 200, cacheControl: "max-age=60"},
		{target: "/assets/app-1a2b3c.js", code: 200, cacheControl: "public, max-age=31536000, immutable"},
		{target: "/route", header: []string{"Accept", browserAccept}, code: 200, cacheControl: "no-cache"},
		{target: "/gone.js", code: 404, cacheControl: "no-cache"},
	})
}

func TestAcceptsHTML(t *testing.T) {
	for _, tt := range []struct {
		accept []string
		want   bool
	}{
		{[]string{browserAccept}, true},
		{[]string{"text/html"}, true},
		{[]string{" Text/HTML ; level=1"}, true},
		{[]string{"application/json", "text/html"}, true},
		{[]string{"text/html;q=0.001"}, true},
		{[]string{"text/html;q=0"}, false},
		{[]string{"text/html; Q=0.000"}, false},
		{[]string{"*/*"}, false},
		{[]string{"text/*"}, false},
		{[]string{"text/htm"}, false},
		{[]string{""}, false},
		{nil, false},
	} {
		if got := acceptsHTML(tt.accept); got != tt.want {
			t.Errorf("acceptsHTML(%q) = %v; want %v", tt.accept, got, tt.want)
		}
	}
}

// TestWebAppOSRoot serves from an os.Root whose fallback and 404 page are
// symlinks out of it: both are refused, the log says why, and the secret
// never leaves. Symlinks inside the root are followed as for any file.
func TestWebAppOSRoot(t *testing.T) {
	dir, secret := osTree(t)
	for _, l := range [][2]string{{"../secret.txt", "shell.html"}, {"../secret.txt", "404.html"}, {"sub/inner.txt", "inner.html"}, {"../outside", "out"}} {
		if err := os.Symlink(l[0], filepath.Join(dir, l[1])); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		fallback, notFound string
		code               int
		body               string
		logs               []string
	}{
		{"shell.html", "404.html", 404, pythonPage, []string{"cannot serve the SPA fallback", "cannot serve the 404 page", "file=shell.html", "file=404.html"}},
		{"out/also-secret.txt", "out/also-secret.txt", 404, pythonPage, []string{"cannot serve the SPA fallback", "cannot serve the 404 page"}},
		{"inner.html", "", 200, "inner", nil},
		{"", "inner.html", 404, "inner", nil},
	} {
		var log bytes.Buffer
		h := serveRoot(t, dir, Options{SPAFallback: tt.fallback, NotFoundPage: tt.notFound, ErrorLog: slog.New(slog.NewTextHandler(&log, nil))})
		for _, target := range []string{"/route", "/a/../../secret.txt/x", "/%2e%2e/secret", "/..%2f..%2fsecret", "/escape-dir/also-secret"} {
			got := do(t, h, "GET", target, "Accept", browserAccept)
			if got.code != tt.code || !strings.Contains(got.body, tt.body) || strings.Contains(got.body, secret) {
				t.Errorf("fallback %q, 404 page %q: GET %s: %d %.60q; want %d %q", tt.fallback, tt.notFound, target, got.code, got.body, tt.code, tt.body)
			}
		}
		for _, want := range tt.logs {
			if !strings.Contains(log.String(), want) {
				t.Errorf("fallback %q, 404 page %q: log lacks %q:\n%s", tt.fallback, tt.notFound, want, log.String())
			}
		}
	}
}
