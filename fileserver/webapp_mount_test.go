package fileserver

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"
)

// TestWebAppMounting serves a built app with every web-app option, over a
// real connection, at the root and under /app in every way an app mounts
// a handler, and wrapped in an app's own middleware (chi's Compress among
// them): routes get the shell whatever the prefix, assets keep their 404
// and their cache rules, clean-URL redirects land back under the mount,
// and nothing leaves the FS.
func TestWebAppMounting(t *testing.T) {
	immutable, err := Globs("assets/**")
	if err != nil {
		t.Fatal(err)
	}
	// appFS laid out in a directory, with a secret beside it.
	top := t.TempDir()
	for name, f := range appFS() {
		p := filepath.Join(top, "root", filepath.FromSlash(name))
		switch {
		case f.Mode.IsDir():
			err = os.MkdirAll(p, 0o755)
		case f.Mode.IsRegular():
			if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
				err = os.WriteFile(p, f.Data, 0o644)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(top, "secret"), []byte("TOP-SECRET"), 0o644); err != nil {
		t.Fatal(err)
	}
	var h http.Handler = serveRoot(t, filepath.Join(top, "root"), Options{
		SPAFallback: "index.html", NotFoundPage: "404.html", CleanURLs: true, Immutable: immutable, ErrorLog: discardLog,
	})
	// Each router, with and without StripPrefix in front of the handler.
	routers := []struct {
		name  string
		mount func(http.Handler) http.Handler
	}{
		{"chi Mount", func(h http.Handler) http.Handler {
			r := chi.NewRouter()
			r.Mount("/app", h)
			return r
		}},
		{"chi Handle /app/*", func(h http.Handler) http.Handler {
			r := chi.NewRouter()
			r.Handle("/app/*", h)
			return r
		}},
		{"ServeMux /app/", func(h http.Handler) http.Handler {
			mux := http.NewServeMux()
			mux.Handle("/app/", h)
			return mux
		}},
		{"ServeMux GET /app/{path...}", func(h http.Handler) http.Handler {
			mux := http.NewServeMux()
			mux.Handle("GET /app/{path...}", h)
			return mux
		}},
		{"chi Mount in an app's middleware", func(h http.Handler) http.Handler {
			r := chi.NewRouter()
			r.Use(chimw.Compress(5), userHeader)
			r.Mount("/app", h)
			return r
		}},
	}
	t.Run("no mount", func(t *testing.T) {
		srv := httptest.NewServer(h)
		defer srv.Close()
		checkWebApp(t, srv, "", false)
	})
	for _, rt := range routers {
		for _, strip := range []bool{false, true} {
			name, inner := rt.name, h
			if strip {
				name, inner = name+" + StripPrefix", http.StripPrefix("/app", h)
			}
			t.Run(name, func(t *testing.T) {
				srv := httptest.NewServer(rt.mount(inner))
				defer srv.Close()
				checkWebApp(t, srv, "/app", strings.Contains(name, "middleware"))
			})
		}
	}
}

func userHeader(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-App", "1")
		next.ServeHTTP(w, r)
	})
}

func checkWebApp(t *testing.T, srv *httptest.Server, prefix string, compressed bool) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	send := func(method, target string, header ...string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+target, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(body)
	}
	want := func(resp *http.Response, body string, code int, substr, cacheControl string) {
		t.Helper()
		if resp.StatusCode != code || !strings.Contains(body, substr) || resp.Header.Get("Cache-Control") != cacheControl {
			t.Errorf("%s %s: %d %.50q Cache-Control %q; want %d %q %q", resp.Request.Method, resp.Request.URL.RequestURI(),
				resp.StatusCode, body, resp.Header.Get("Cache-Control"), code, substr, cacheControl)
		}
	}
	p := prefix

	resp, body := send("GET", p+"/settings/profile", "Accept", browserAccept)
	want(resp, body, 200, "APP SHELL", "no-cache")
	if compressed != resp.Uncompressed {
		t.Errorf("GET %s/settings/profile: compressed %v; want %v", p, resp.Uncompressed, compressed)
	}
	etag := resp.Header.Get("Etag")
	if etag == "" && !compressed { // chi's Compress drops the ETag
		t.Errorf("GET %s/settings/profile: no ETag", p)
	}
	if etag != "" {
		resp, body = send("GET", p+"/other/route", "Accept", browserAccept, "If-None-Match", etag)
		want(resp, body, 304, "", "no-cache")
	}
	resp, body = send("GET", p+"/settings/profile", "Accept", "*/*")
	want(resp, body, 404, "CUSTOM 404", "no-cache")
	resp, body = send("GET", p+"/assets/gone-000.js", "Accept", browserAccept)
	want(resp, body, 404, "CUSTOM 404", "no-cache")
	resp, body = send("GET", p+"/assets/app-1a2b3c.js")
	want(resp, body, 200, "console.log", "public, max-age=31536000, immutable")
	resp, body = send("GET", p+"/about", "Accept", browserAccept)
	want(resp, body, 200, "ABOUT PAGE", "")

	// Clean-URL redirects are relative, so they land under the mount.
	for from, to := range map[string]string{"/about.html?x=1": "/about?x=1", "/blog/index.html": "/blog/"} {
		resp, _ = send("GET", p+from)
		loc, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != 301 || err != nil || loc.RequestURI() != p+to {
			t.Errorf("GET %s: %d Location %q; want 301 to %s", p+from, resp.StatusCode, resp.Header.Get("Location"), p+to)
		}
	}

	// No other method gets the shell: Python's 501, or the router's 405.
	resp, body = send("POST", p+"/settings", "Accept", browserAccept)
	if resp.StatusCode != 501 && resp.StatusCode != 405 || strings.Contains(body, "APP SHELL") {
		t.Errorf("POST %s/settings: %d %.50q; want 501 or 405", p, resp.StatusCode, body)
	}

	// Through the catch-all, ".." in any spelling stays in the FS.
	for _, target := range []string{"/../secret", "/x/../../secret", "/..%2fsecret", "/%2e%2e/%2e%2e/secret", "/a/..%5c..%5csecret", "/%2e%2e%2f%2e%2e%2fsecret"} {
		resp, body = send("GET", p+target, "Accept", browserAccept)
		if strings.Contains(body, "TOP-SECRET") || resp.StatusCode >= 500 {
			t.Errorf("GET %s: %d %.50q", p+target, resp.StatusCode, body)
		}
	}
}
