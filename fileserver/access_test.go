package fileserver

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pyhttp/httpserver/access"
	"github.com/pyhttp/httpserver/listing"
)

// TestAccess: the access policy is consulted for every name the handler
// serves, derived ones included, and for every listing.
func TestAccess(t *testing.T) {
	fsys := fstest.MapFS{
		"index.txt":               mapFile("i"),
		"app.js":                  mapFile(strings.Repeat("x", 100)),
		"app.js.gz":               mapFile("gz"),
		"node_modules/x.js":       mapFile("x"),
		"site/index.html":         mapFile("<p>site"),
		"site/a.txt":              mapFile("a"),
		".git/config":             mapFile("secret"),
		"keys/server.key":         mapFile("key"),
		"keys/readme.txt":         mapFile("r"),
		"private/index.html":      mapFile("p"),
		"private/deep/f.txt":      mapFile("f"),
		"pages/about.html":        mapFile("about"),
		"pages/contact.html":      mapFile("c"),
		"spa/index.html":          mapFile("spa"),
		"denied-index/index.html": mapFile("x"),
		"denied-index/b.txt":      mapFile("b"),
	}
	policy, err := access.New(access.Options{
		Hide: []string{"node_modules", "app.js.gz"},
		Deny: []string{"**/.git", "*.key", "private", "contact.html", "denied-index/index.html"},
	})
	if err != nil {
		t.Fatal(err)
	}
	h := New(fsys, Options{
		Access:        policy,
		Precompressed: true,
		CleanURLs:     true,
		Listing:       listing.Options{Format: listing.Python},
	})
	for _, tt := range []struct {
		method, path string
		hdr          map[string]string
		code         int
		body         string // a substring of the body, "" for any
		notInBody    []string
	}{
		{"GET", "/index.txt", nil, 200, "i", nil},
		{"GET", "/node_modules/x.js", nil, 200, "x", nil}, // hidden, still served
		{"GET", "/.git/config", nil, 404, "", []string{"secret"}},
		{"HEAD", "/.git/config", nil, 404, "", nil},
		{"GET", "/.git/", nil, 404, "", nil},
		{"GET", "/keys/server.key", nil, 404, "", nil},
		{"GET", "/private/", nil, 404, "", nil},
		{"GET", "/private", nil, 404, "", nil}, // no redirect reveals the directory
		{"GET", "/private/deep/f.txt", nil, 404, "", nil},
		{"GET", "/pages/contact", nil, 404, "", nil},    // a clean URL to a denied page
		{"GET", "/pages/about", nil, 200, "about", nil}, // a clean URL to an allowed one
		{"GET", "/denied-index/", nil, 200, "b.txt", []string{"index.html"}},
		{"GET", "/", nil, 200, "index.txt", []string{"node_modules", ".git", "private", "app.js.gz"}},
		{"GET", "/keys/", nil, 200, "readme.txt", []string{"server.key"}},
		{"GET", "/app.js.gz", nil, 200, "gz", nil}, // hidden, served by URL
	} {
		r := httptest.NewRequest(tt.method, tt.path, nil)
		for k, v := range tt.hdr {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		body := w.Body.String()
		if w.Code != tt.code || tt.body != "" && !strings.Contains(body, tt.body) {
			t.Errorf("%s %s: %d %.80q; want %d with %q", tt.method, tt.path, w.Code, body, tt.code, tt.body)
		}
		for _, s := range tt.notInBody {
			if strings.Contains(body, s) {
				t.Errorf("%s %s: body shows %q: %.200s", tt.method, tt.path, s, body)
			}
		}
	}
}

// TestAccessSidecar: a denied sidecar is never sent in place of its file.
func TestAccessSidecar(t *testing.T) {
	fsys := fstest.MapFS{"app.js": mapFile(strings.Repeat("x", 100)), "app.js.gz": mapFile("gz")}
	for _, tt := range []struct {
		deny     []string
		encoding string
	}{{nil, "gzip"}, {[]string{"*.gz"}, ""}} {
		policy, err := access.New(access.Options{Deny: tt.deny})
		if err != nil {
			t.Fatal(err)
		}
		h := New(fsys, Options{Access: policy, Precompressed: true})
		r := httptest.NewRequest("GET", "/app.js", nil)
		r.Header.Set("Accept-Encoding", "gzip")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if got := w.Header().Get("Content-Encoding"); w.Code != 200 || got != tt.encoding {
			t.Errorf("deny %q: %d, Content-Encoding %q; want 200, %q", tt.deny, w.Code, got, tt.encoding)
		}
	}
}

// TestAccessAuthenticate: with Everyone, an anonymous request gets 401
// and the challenge, a request carrying a user is served; a denied name
// is 404 even to a user.
func TestAccessAuthenticate(t *testing.T) {
	fsys := fstest.MapFS{"a.txt": mapFile("a"), "x.key": mapFile("k")}
	policy, err := access.New(access.Options{Authenticate: access.Everyone, Deny: []string{"*.key"}})
	if err != nil {
		t.Fatal(err)
	}
	h := New(fsys, Options{Access: policy})
	for _, tt := range []struct {
		user, path string
		code       int
	}{{"", "/a.txt", 401}, {"", "/", 401}, {"", "/x.key", 404}, {"ann", "/a.txt", 200}, {"ann", "/x.key", 404}} {
		r := httptest.NewRequest("GET", tt.path, nil)
		if tt.user != "" {
			r = r.WithContext(access.WithUser(r.Context(), tt.user))
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tt.code {
			t.Errorf("%q GET %s: %d; want %d", tt.user, tt.path, w.Code, tt.code)
		}
		if (w.Code == http.StatusUnauthorized) != (w.Header().Get("WWW-Authenticate") != "") {
			t.Errorf("%q GET %s: %d with WWW-Authenticate %q", tt.user, tt.path, w.Code, w.Header().Get("WWW-Authenticate"))
		}
	}
}
