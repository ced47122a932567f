package fileserver

import (
	"net/http/httptest"
	"testing"
	"testing/fstest"
)

func TestSandbox(t *testing.T) {
	fsys := fstest.MapFS{
		"a.html":          {Data: []byte("<script>alert(1)</script>")},
		"b.svg":           {Data: []byte("<svg/>")},
		"c.xml":           {Data: []byte("<x/>")},
		"d.xhtml":         {Data: []byte("<html/>")},
		"e.txt":           {Data: []byte("text")},
		"f.png":           {Data: []byte("\x89PNG")},
		"g.html":          {Data: []byte("<p>")},
		"g.html.gz":       {Data: []byte("gz")},
		"dir/x.txt":       {Data: []byte("x")},
		"site/index.html": {Data: []byte("<p>")},
	}
	for _, sandbox := range []bool{false, true} {
		h := New(fsys, Options{Sandbox: sandbox, Precompressed: true})
		for _, tc := range []struct {
			target string
			active bool
		}{
			{"/a.html", true}, {"/b.svg", true}, {"/c.xml", true}, {"/d.xhtml", true},
			{"/site/", true}, {"/a.html?x", true},
			{"/e.txt", false}, {"/f.png", false}, {"/dir/", false},
		} {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", tc.target, nil))
			got := w.Header().Values("Content-Security-Policy")
			sandboxed := len(got) == 1 && got[0] == "sandbox"
			if want := sandbox && tc.active; sandboxed != want {
				t.Errorf("Sandbox %v: GET %s: Content-Security-Policy %q; sandboxed %v, want %v", sandbox, tc.target, got, sandboxed, want)
			}
		}
	}
	// A precompressed sidecar of an HTML file is sandboxed like it.
	h := New(fsys, Options{Sandbox: true, Precompressed: true})
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/g.html", nil)
	r.Header.Set("Accept-Encoding", "gzip")
	h.ServeHTTP(w, r)
	if ce, csp := w.Header().Get("Content-Encoding"), w.Header().Get("Content-Security-Policy"); ce != "gzip" || csp != "sandbox" {
		t.Errorf("GET /g.html, gzip: Content-Encoding %q, Content-Security-Policy %q; want gzip, sandbox", ce, csp)
	}
}

func TestActiveType(t *testing.T) {
	for ct, want := range map[string]bool{
		"text/html; charset=utf-8": true, "TEXT/HTML": true, "application/xhtml+xml": true,
		"image/svg+xml": true, "application/xml": true, "text/xml": true, "application/rss+xml": true,
		"text/plain": false, "application/json": false, "text/javascript": false, "image/png": false, "": false,
	} {
		if got := activeType(ct); got != want {
			t.Errorf("activeType(%q) = %v; want %v", ct, got, want)
		}
	}
}
