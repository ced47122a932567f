package fileserver

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

// TestMounting serves the same tree under /static/ in every way an app
// mounts a handler, over a real connection, and checks files, the
// directory redirect (followed by the client) and the listing links.
func TestMounting(t *testing.T) {
	fsys := testFS()
	mounts := map[string]func() http.Handler{
		"ServeMux+StripPrefix": func() http.Handler {
			mux := http.NewServeMux()
			mux.Handle("/static/", http.StripPrefix("/static", New(fsys, Options{})))
			return mux
		},
		"ServeMux {path...}": func() http.Handler {
			mux := http.NewServeMux()
			mux.Handle("GET /static/{path...}", New(fsys, Options{}))
			return mux
		},
		"chi Handle /static/*": func() http.Handler {
			r := chi.NewRouter()
			r.Handle("/static/*", New(fsys, Options{}))
			return r
		},
		"chi Mount": func() http.Handler {
			r := chi.NewRouter()
			r.Mount("/static", New(fsys, Options{}))
			return r
		},
		"chi Mount+StripPrefix": func() http.Handler {
			r := chi.NewRouter()
			r.Mount("/static", http.StripPrefix("/static", New(fsys, Options{})))
			return r
		},
		"chi sub-router with a parameter": func() http.Handler {
			r := chi.NewRouter()
			r.Route("/{tenant}", func(r chi.Router) {
				r.Handle("/static/*", New(fsys, Options{}))
			})
			return r
		},
	}
	for name, mount := range mounts {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(mount())
			defer srv.Close()
			prefix := srv.URL + "/static"
			if strings.Contains(name, "parameter") {
				prefix = srv.URL + "/acme/static"
			}
			for path, want := range map[string]string{
				"/hello.txt":            "Hello, world!\n",
				"/site/":                "<p>index</p>",
				"/site":                 "<p>index</p>", // 301 followed
				"/nested/deep":          "deep index",
				"/space%20name.txt":     "spaced",
				"/nested/deep/leaf.txt": "leaf",
			} {
				resp, err := http.Get(prefix + path)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || string(body) != want {
					t.Errorf("GET %s: %d %q; want 200 %q", path, resp.StatusCode, body, want)
				}
			}
			if name == "chi Mount+StripPrefix" {
				// The mount point itself: redirected to its slash, then listed.
				resp, err := http.Get(prefix)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.Request.URL.Path != "/static/" || !strings.Contains(string(body), "hello.txt") {
					t.Errorf("GET /static: ended at %q with %q; want /static/ and a listing", resp.Request.URL.Path, body)
				}
			}
		})
	}
}

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
