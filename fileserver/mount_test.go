package fileserver

import (
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pyhttp/httpserver/listing"

	"github.com/go-chi/chi/v5"
)

// mountFS is testFS with names a link must escape, and without the FIFO,
// whose listing link is meant to answer 404.
func mountFS() fstest.MapFS {
	fsys := testFS()
	delete(fsys, "fifo")
	for _, name := range []string{"a#b.txt", "q?.txt", "100%.txt", "files/&<x>.txt", "files/sub dir/deeper.txt"} {
		fsys[name] = &fstest.MapFile{Data: []byte(name), ModTime: modtime, Mode: 0o644}
	}
	return fsys
}

// TestMounting serves the same tree under /static in every way an app
// mounts a handler, over a real connection. For each, in both listing
// formats, it checks the mount point's redirect, a few files, and then
// crawls every link of every listing under the mount: each must stay
// below /static/ and answer 200.
func TestMounting(t *testing.T) {
	serve := func(format listing.Format) http.Handler {
		return New(mountFS(), Options{Listing: listing.Options{Format: format}})
	}
	for _, tt := range []struct {
		name   string
		prefix string // where the tree appears
		bare   int    // the status of the mount point without its slash
		mount  func(http.Handler) http.Handler
	}{
		{"chi Mount", "/static", 301, func(h http.Handler) http.Handler {
			r := chi.NewRouter()
			r.Mount("/static", h)
			return r
		}},
		{"chi Handle /static/*", "/static", 404, func(h http.Handler) http.Handler {
			r := chi.NewRouter()
			r.Handle("/static/*", h)
			return r
		}},
		{"chi Handle /static/* + StripPrefix", "/static", 404, func(h http.Handler) http.Handler {
			r := chi.NewRouter()
			r.Handle("/static/*", http.StripPrefix("/static", h))
			return r
		}},
		{"ServeMux /static/ + StripPrefix", "/static", 307, func(h http.Handler) http.Handler {
			mux := http.NewServeMux()
			mux.Handle("/static/", http.StripPrefix("/static", h))
			return mux
		}},
		{"ServeMux {path...}", "/static", 307, func(h http.Handler) http.Handler {
			mux := http.NewServeMux()
			mux.Handle("GET /static/{path...}", h)
			return mux
		}},
		{"chi Mount + StripPrefix", "/static", 301, func(h http.Handler) http.Handler {
			r := chi.NewRouter()
			r.Mount("/static", http.StripPrefix("/static", h))
			return r
		}},
		{"chi Mount in a sub-router with a parameter", "/acme/static", 301, func(h http.Handler) http.Handler {
			r := chi.NewRouter()
			r.Route("/{tenant}", func(r chi.Router) { r.Mount("/static", h) })
			return r
		}},
		{"chi Handle in a sub-router with a parameter", "/acme/static", 404, func(h http.Handler) http.Handler {
			r := chi.NewRouter()
			r.Route("/{tenant}", func(r chi.Router) { r.Handle("/static/*", h) })
			return r
		}},
	} {
		for format, page := range map[listing.Format]string{listing.Modern: "modern", listing.Python: "python"} {
			t.Run(tt.name+"/"+page, func(t *testing.T) {
				srv := httptest.NewServer(tt.mount(serve(format)))
				defer srv.Close()
				checkMount(t, srv, tt.prefix, tt.bare)
			})
		}
	}
}

func checkMount(t *testing.T, srv *httptest.Server, prefix string, bare int) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) (*http.Response, string) {
		t.Helper()
		resp, err := client.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(body)
	}

	// The mount point without its slash: where the router hands it to
	// the handler, a relative redirect to it. (chi's Handle and ServeMux
	// answer it themselves.)
	resp, _ := get(srv.URL + prefix)
	if resp.StatusCode != bare || bare == 301 && resp.Header.Get("Location") != "static/" {
		t.Errorf("GET %s: %d Location %q; want %d", prefix, resp.StatusCode, resp.Header.Get("Location"), bare)
	}
	for p, want := range map[string]string{
		"/hello.txt":            "Hello, world!\n",
		"/site/":                "<p>index</p>",
		"/nested/deep/":         "deep index",
		"/space%20name.txt":     "spaced",
		"/a%23b.txt":            "a#b.txt",
		"/nested/deep/leaf.txt": "leaf",
	} {
		if resp, body := get(srv.URL + prefix + p); resp.StatusCode != 200 || body != want {
			t.Errorf("GET %s: %d %q; want 200 %q", prefix+p, resp.StatusCode, body, want)
		}
	}

	// Crawl: every link of every listing, each resolved against its page.
	root, _ := url.Parse(srv.URL + prefix + "/")
	queue := []*url.URL{root}
	seen := map[string]bool{root.String(): true}
	listings := 0
	for len(queue) > 0 && len(seen) < 1000 {
		u := queue[0]
		queue = queue[1:]
		resp, body := get(u.String())
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %d; want 200", u.RequestURI(), resp.StatusCode)
			continue
		}
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, "Directory listing for") && !strings.Contains(body, "Index of") {
			continue
		}
		listings++
		for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
			ref, err := url.Parse(html.UnescapeString(m[1]))
			if err != nil {
				t.Errorf("%s: bad link %q: %v", u.RequestURI(), m[1], err)
				continue
			}
			next := u.ResolveReference(ref)
			next.Fragment = ""
			if next.Host != root.Host || !strings.HasPrefix(next.Path, root.Path) {
				t.Errorf("%s: link %q leaves the mount: %s", u.RequestURI(), m[1], next)
				continue
			}
			if !seen[next.String()] {
				seen[next.String()] = true
				queue = append(queue, next)
			}
		}
	}
	if listings < 8 || len(seen) < 25 {
		t.Errorf("crawl saw %d listings and %d links; want every directory and its files", listings, len(seen))
	}
}

var hrefRE = regexp.MustCompile(`href="([^"]*)"`)

func TestRequestPath(t *testing.T) {
	for _, tt := range []struct {
		pattern, wildcard, value, urlPath, rawPath string
		want                                       string
	}{
		{"", "", "", "/a/b", "", "/a/b"},
		{"/favicon.ico", "", "", "/favicon.ico", "", "/favicon.ico"},
		{"/static", "", "", "/static", "", "/static"},
		{"/static/", "", "", "/static/", "", "/"},
		{"/static/", "", "", "/static/a/b", "", "/a/b"},
		{"/static/", "", "", "/a", "", "/a"}, // stripped by StripPrefix already
		{"GET /static/", "", "", "/static/a", "", "/a"},
		{"GET example.com/static/", "", "", "/static/a", "", "/a"},
		{"/{tenant}/static/", "", "", "/acme/static/a", "", "/a"},
		{"/{tenant}/static/", "", "", "/acme/other/a", "", "/acme/other/a"},
		{"/static/*", "*", "css/a.css", "/static/css/a.css", "", "/css/a.css"},
		{"/static/*", "*", "", "/static/", "", "/"},
		{"/static/*", "*", "", "/static", "", ""},
		{"/static/*", "*", "a%2Fb", "/static/a/b", "/static/a%2Fb", "/a/b"},
		{"/static/*", "*", "a.txt#top", "/static/a.txt#top", "/static/a.txt#top", "/a.txt"},
		{"/static/*", "*", "a%23b#c%20d", "/static/a#b#c d", "/static/a%23b#c%20d", "/a#b"},
		{"", "", "", "/a.txt#top", "/a.txt#top", "/a.txt"},
		{"", "", "", "/dir/#", "/dir/#", "/dir/"},
		{"", "", "", "/a#b.txt", "", "/a#b.txt"}, // %23: part of the name
		{"GET /files/{rest...}", "rest", "x/y", "/files/x/y", "", "/x/y"},
		{"GET /files/{rest...}", "rest", "x/", "/files/x/", "", "/x/"},
		{"GET /files/{rest...}", "rest", "", "/files/", "", "/"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Pattern = tt.pattern
		r.URL.Path, r.URL.RawPath = tt.urlPath, tt.rawPath
		if tt.wildcard != "" {
			r.SetPathValue(tt.wildcard, tt.value)
		}
		if got := requestPath(r); got != tt.want {
			t.Errorf("requestPath(pattern %q, %s=%q, path %q) = %q; want %q", tt.pattern, tt.wildcard, tt.value, tt.urlPath, got, tt.want)
		}
	}
}
