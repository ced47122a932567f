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

func TestRedirectToSibling(t *testing.T) {
	for _, tt := range []struct{ target, name, want string }{
		{"/about.html", "about", "about"},
		{"/blog/post.html?x=1", "post", "post?x=1"},
		{"/blog/index.html", "", "./"},
		{"/blog/index.html?a=b", "", "./?a=b"},
		{"/a:b.html", "a:b", "./a:b"},
		{"/javascript:alert(1).html", "javascript:alert(1)", "./javascript:alert%281%29"},
		{`/\evil.html`, `\evil`, "%5Cevil"},
		{"/sp%20ace.html", "sp ace", "sp%20ace"},
		{"/q%3F.html", "q?", "q%3F"},
	} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", tt.target, nil)
		RedirectToSibling(w, r, tt.name)
		if loc := w.Header().Get("Location"); w.Code != 301 || loc != tt.want {
			t.Errorf("GET %q to %q: %d Location %q; want 301 %q", tt.target, tt.name, w.Code, loc, tt.want)
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
		checkLocation(t, target, r, w.Header().Get("Location"))
	})
}

// FuzzRedirectToSibling is FuzzRedirectToDir for clean-URL redirects: any
// one-segment name, from any request, stays on the site.
func FuzzRedirectToSibling(f *testing.F) {
	for _, s := range [][2]string{{"/about.html", "about"}, {"/a.html", ".."}, {"/x.html", `\evil`}, {"/a:b.html", "a:b"}, {"/i.html", ""}, {"/j.html", "javascript:x"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, target, name string) {
		if strings.Contains(name, "/") {
			return // one segment, as the caller promises
		}
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET " + target + " HTTP/1.1\r\nHost: site.example\r\n\r\n")))
		if err != nil || !strings.HasPrefix(r.URL.Path, "/") {
			return
		}
		w := httptest.NewRecorder()
		RedirectToSibling(w, r, name)
		checkLocation(t, target, r, w.Header().Get("Location"))
	})
}

// checkLocation fails unless loc, the Location of a redirect answering r,
// is relative, without a space or control character, and names r's host.
func checkLocation(t *testing.T, target string, r *http.Request, loc string) {
	t.Helper()
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
}
