package safepath

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestRedirectToDir(t *testing.T) {
	for _, tt := range []struct{ target, want string }{
		{"/site", "site/"},
		{"/a/b?x=1&y=2", "b/?x=1&y=2"},
		{"/site#frag", "site/"},
		{"/a%23b", "a%23b/"},
		{"//evil.example", "evil.example/"},
		{`/\evil.example`, `%5Cevil.example/`},
		{"/%5C%5Cevil.example", "%5C%5Cevil.example/"},
		{"/javascript:alert(1)", "./javascript:alert%281%29/"},
		{"/a:b", "./a:b/"},
		{"/sp%20ace", "sp%20ace/"},
		{"/", "./"},
		{"/x/.", "./"},
	} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", tt.target, nil)
		RedirectToDir(w, r)
		if loc := w.Header().Get("Location"); w.Code != 301 || loc != tt.want {
			t.Errorf("GET %q: %d Location %q; want 301 %q", tt.target, w.Code, loc, tt.want)
		}
	}
}

// FuzzRedirectToDir checks that the Location of any slash redirect stays
// on the site: relative, never "//" or "/\", its path with no scheme, and
// resolved against the request URL it names the same host.
func FuzzRedirectToDir(f *testing.F) {
	for _, s := range []string{"/site", "//evil.example", `/\evil`, "/a:b", "/x#y", "/%2F%2Fevil", "/a?b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, target string) {
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET " + target + " HTTP/1.1\r\nHost: site.example\r\n\r\n")))
		if err != nil || !strings.HasPrefix(r.URL.Path, "/") {
			return // what net/http refuses, or "*" and absolute forms
		}
		w := httptest.NewRecorder()
		RedirectToDir(w, r)
		loc := w.Header().Get("Location")
		if strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, `\`) {
			t.Fatalf("GET %q: Location %q is not relative", target, loc)
		}
		// The query is the client's own, passed on as Python does; the
		// path before it decides where the browser goes.
		pathPart, _, _ := strings.Cut(loc, "?")
		if strings.ContainsAny(loc, " \r\n\x00") {
			t.Fatalf("GET %q: Location %q holds a space or control character", target, loc)
		}
		u, err := url.Parse(pathPart)
		if err != nil || u.Scheme != "" || u.Host != "" {
			t.Fatalf("GET %q: Location %q leaves the site (%v)", target, loc, err)
		}
		base, _ := url.Parse("http://site.example" + r.URL.EscapedPath())
		if got := base.ResolveReference(u); got.Host != "site.example" {
			t.Fatalf("GET %q: Location %q resolves to %s", target, loc, got)
		}
	})
}
