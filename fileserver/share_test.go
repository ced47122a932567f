package fileserver

import (
	"io/fs"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/pyhttp/httpserver/archive"
	"github.com/pyhttp/httpserver/listing"
)

// countingFS counts the directories read through it.
type countingFS struct {
	fs.FS
	reads atomic.Int64
}

func (c *countingFS) ReadDir(name string) ([]fs.DirEntry, error) {
	c.reads.Add(1)
	return fs.ReadDir(c.FS, name)
}

func shareFS() fstest.MapFS {
	return fstest.MapFS{
		"docs/a.txt":   {Data: []byte("a")},
		"docs/b/c.txt": {Data: []byte("c")},
		"file.txt":     {Data: []byte("f")},
		".git/config":  {Data: []byte("x")},
	}
}

func TestShareRequests(t *testing.T) {
	for _, c := range []struct {
		name   string
		opts   Options
		method string
		target string
		code   int
		ctype  string
	}{
		{"off: a listing", Options{}, "GET", "/docs/?download=zip", 200, "text/html; charset=utf-8"},
		{"off: no search", Options{}, "GET", "/docs/?q=a", 200, "text/html; charset=utf-8"},
		{"off: a file", Options{}, "GET", "/file.txt?download=zip", 200, "text/plain; charset=utf-8"},
		{"zip", Options{Archives: true}, "GET", "/docs/?download=zip", 200, "application/zip"},
		{"tar.gz", Options{Archives: true}, "GET", "/docs/?download=tar.gz", 200, "application/gzip"},
		{"unknown format", Options{Archives: true}, "GET", "/docs/?download=7z", 400, ""},
		{"file", Options{Archives: true}, "GET", "/file.txt?download=zip", 400, ""},
		{"dotdir denied", Options{Archives: true, HideDotfiles: true}, "GET", "/.git/?download=zip", 404, ""},
		{"no listing", Options{Archives: true, NoListing: true}, "GET", "/docs/?download=zip", 404, ""},
		{"no listing, search", Options{Search: true, NoListing: true}, "GET", "/docs/?q=a", 404, ""},
		{"search", Options{Search: true}, "GET", "/docs/?q=A", 200, "text/html; charset=utf-8"},
		{"search json", Options{Search: true}, "GET", "/docs/?q=a&format=json", 200, "application/json"},
		{"empty query: the listing", Options{Search: true}, "GET", "/docs/?q=", 200, "text/html; charset=utf-8"},
		{"long query", Options{Search: true}, "GET", "/docs/?q=" + strings.Repeat("a", listing.MaxQueryLen+1), 400, ""},
		{"NUL query", Options{Search: true}, "GET", "/docs/?q=a%00", 400, ""},
		{"search off, archives on", Options{Archives: true}, "GET", "/docs/?q=a", 200, "text/html; charset=utf-8"},
		{"archives off, search on", Options{Search: true}, "GET", "/docs/?download=rar", 200, "text/html; charset=utf-8"},
		{"search off: a long query", Options{Archives: true}, "GET", "/docs/?q=" + strings.Repeat("a", listing.MaxQueryLen+1), 200, "text/html; charset=utf-8"},
	} {
		h := New(shareFS(), c.opts)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(c.method, c.target, nil))
		if w.Code != c.code {
			t.Errorf("%s: %s %s: status = %d; want %d", c.name, c.method, c.target, w.Code, c.code)
		}
		if ct := w.Header().Get("Content-Type"); c.ctype != "" && ct != c.ctype {
			t.Errorf("%s: Content-Type = %q; want %q", c.name, ct, c.ctype)
		}
	}
}

// TestArchiveHeadWalksNothing checks that HEAD of an archive reads no
// directory.
func TestArchiveHeadWalksNothing(t *testing.T) {
	c := &countingFS{FS: shareFS()}
	h := New(c, Options{Archives: true, Search: true})
	for _, target := range []string{"/docs/?download=zip", "/docs/?q=a"} {
		c.reads.Store(0)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("HEAD", target, nil))
		if w.Code != 200 || w.Body.Len() != 0 {
			t.Errorf("HEAD %s: %d, %d bytes", target, w.Code, w.Body.Len())
		}
		// The search checks that the directory can be read: one read.
		if n := c.reads.Load(); n > 1 {
			t.Errorf("HEAD %s read %d directories", target, n)
		}
	}
}

// TestArchiveName checks the archive's name: the directory's, and the
// served directory's for the root of an os.Root.
func TestArchiveName(t *testing.T) {
	h := New(shareFS(), Options{Archives: true})
	for target, want := range map[string]string{"/docs/?download=zip": "docs.zip", "/?download=tar": "download.tar"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		if cd := w.Header().Get("Content-Disposition"); !strings.Contains(cd, `filename="`+want+`"`) {
			t.Errorf("GET %s: Content-Disposition = %q; want %s", target, cd, want)
		}
	}
	if got := archive.ContentDisposition("été \"1\".zip"); got != `attachment; filename="_t_ _1_.zip"; filename*=UTF-8''%C3%A9t%C3%A9%20%221%22.zip` {
		t.Errorf("ContentDisposition = %s", got)
	}
}

// FuzzParseShare checks that parseShare never panics, and that what it
// accepts is a known format and a query a search takes.
func FuzzParseShare(f *testing.F) {
	for _, s := range []string{"download=zip", "download=tar.gz", "download=rar", "q=a", "q=../", "q=*.txt", "q=%00", "q=%ff", "download=zip&q=x", "download", "q=%zz", "q=" + strings.Repeat("x", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		s, err := parseShare(raw, true, true)
		if err != nil {
			return
		}
		if s.download && s.format.String() != "zip" && s.format.String() != "tar" && s.format.String() != "tar.gz" {
			t.Errorf("parseShare(%q): format %v", raw, s.format)
		}
		if len(s.query) > listing.MaxQueryLen || !utf8.ValidString(s.query) || strings.ContainsRune(s.query, 0) {
			t.Errorf("parseShare(%q): query %q", raw, s.query)
		}
	})
}
