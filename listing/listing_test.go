package listing

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html"
	"html/template"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode"
	"unicode/utf8"
)

var (
	t0 = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	t1 = t0.Add(time.Hour)
	t2 = t0.Add(2 * time.Hour)
)

// testFS is a small tree: names that sort differently by name, size and
// time, a directory and a dotfile.
func testFS() fstest.MapFS {
	return fstest.MapFS{
		"b.txt":       {Data: make([]byte, 300), ModTime: t0},
		"A.txt":       {Data: make([]byte, 2000), ModTime: t2},
		"c.txt":       {Data: make([]byte, 10), ModTime: t1},
		"zdir/x":      {Data: []byte("x"), ModTime: t0},
		".env":        {Data: []byte("SECRET=1"), ModTime: t0},
		"zdir":        {Mode: fs.ModeDir, ModTime: t0},
		"empty":       {Mode: fs.ModeDir, ModTime: t0},
		"zdir/y/keep": {Data: []byte("k"), ModTime: t0},
	}
}

type result struct {
	code   int
	header http.Header
	body   string
}

func serve(t *testing.T, h *Renderer, fsys fs.FS, name, method, target string, hdr ...string) result {
	t.Helper()
	return serveWith(t, h, ReadOptions{}, fsys, name, method, target, hdr...)
}

// serveWith is serve, reading the directory with ro.
func serveWith(t *testing.T, h *Renderer, ro ReadOptions, fsys fs.FS, name, method, target string, hdr ...string) result {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	if err := h.ServeDir(w, r, fsys, name, ro); err != nil {
		t.Fatalf("%s %q: ServeDir: %v", method, target, err)
	}
	return result{w.Code, w.Result().Header, w.Body.String()}
}

var linkRE = regexp.MustCompile(`<tr><td><a href="([^"]*)">`)

// links returns the entry links of a modern page, in order.
func links(body string) []string {
	var out []string
	for _, m := range linkRE.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestModernOrder(t *testing.T) {
	for _, tc := range []struct {
		opts   Options
		ro     ReadOptions
		target string
		want   []string
	}{
		// The modern page lists directories first by default, whatever
		// Options.DirsFirst says; ?dirs=mixed mixes them as Python does.
		{Options{}, ReadOptions{}, "/", []string{"empty/", "zdir/", ".env", "A.txt", "b.txt", "c.txt"}},
		{Options{}, ReadOptions{}, "/?sort=name&order=desc", []string{"zdir/", "empty/", "c.txt", "b.txt", "A.txt", ".env"}},
		{Options{}, ReadOptions{}, "/?sort=size", []string{"empty/", "zdir/", ".env", "c.txt", "b.txt", "A.txt"}},
		{Options{}, ReadOptions{}, "/?sort=size&order=desc", []string{"zdir/", "empty/", "A.txt", "b.txt", "c.txt", ".env"}},
		{Options{}, ReadOptions{}, "/?sort=time", []string{"empty/", "zdir/", ".env", "b.txt", "c.txt", "A.txt"}},
		{Options{}, ReadOptions{}, "/?sort=time&order=desc", []string{"zdir/", "empty/", "A.txt", "c.txt", "b.txt", ".env"}},
		{Options{}, ReadOptions{}, "/?sort=bogus&order=sideways", []string{"empty/", "zdir/", ".env", "A.txt", "b.txt", "c.txt"}},
		{Options{}, ReadOptions{}, "/?dirs=mixed", []string{".env", "A.txt", "b.txt", "c.txt", "empty/", "zdir/"}},
		{Options{}, ReadOptions{}, "/?sort=size&order=desc&dirs=mixed", []string{"A.txt", "b.txt", "c.txt", ".env", "zdir/", "empty/"}},
		{Options{}, ReadOptions{}, "/?sort=time&dirs=mixed", []string{".env", "b.txt", "empty/", "zdir/", "c.txt", "A.txt"}},
		{Options{DirsFirst: true}, ReadOptions{}, "/", []string{"empty/", "zdir/", ".env", "A.txt", "b.txt", "c.txt"}},
		{Options{DirsFirst: true}, ReadOptions{}, "/?sort=size&order=desc", []string{"zdir/", "empty/", "A.txt", "b.txt", "c.txt", ".env"}},
		{Options{DirsFirst: true}, ReadOptions{}, "/?dirs=mixed", []string{".env", "A.txt", "b.txt", "c.txt", "empty/", "zdir/"}},
		{Options{}, ReadOptions{}, "/?dirs=first", []string{"empty/", "zdir/", ".env", "A.txt", "b.txt", "c.txt"}},
		{Options{}, ReadOptions{HideDotfiles: true}, "/", []string{"empty/", "zdir/", "A.txt", "b.txt", "c.txt"}},
	} {
		got := serveWith(t, New(tc.opts), tc.ro, testFS(), ".", http.MethodGet, tc.target)
		if l := links(got.body); !slices.Equal(l, tc.want) {
			t.Errorf("%+v %+v GET %q: links = %q; want %q", tc.opts, tc.ro, tc.target, l, tc.want)
		}
	}
}

// TestFilterScript checks ?script=filter: the filter box's script, with
// the digest the page's integrity attribute and CSP name.
func TestFilterScript(t *testing.T) {
	h := New(Options{})
	got := serve(t, h, testFS(), "zdir", http.MethodGet, "/files/zdir/?script=filter")
	if got.code != 200 || got.body != string(filterJS) || got.header.Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Errorf("GET ?script=filter: %d %q, %d bytes; want 200, the script", got.code, got.header.Get("Content-Type"), len(got.body))
	}
	sum := sha256.Sum256([]byte(got.body))
	want := "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
	page := serve(t, h, testFS(), "zdir", http.MethodGet, "/files/zdir/")
	if csp := page.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src '"+want+"';") {
		t.Errorf("modern page CSP = %q; want script-src '%s' only", csp, want)
	}
	py := serve(t, New(Options{Format: Python}), testFS(), "zdir", http.MethodGet, "/files/zdir/?script=filter")
	if strings.Contains(py.header.Get("Content-Security-Policy"), "script-src") || strings.Contains(py.body, "use strict") {
		t.Errorf("Python page: serves the script or allows scripts")
	}
}

func TestModernPage(t *testing.T) {
	h := New(Options{})
	got := serve(t, h, testFS(), "zdir", http.MethodGet, "/files/zdir/?sort=size")
	for _, want := range []string{
		"<title>Directory listing for /files/zdir/</title>",
		`<h1>Directory listing for <a href="../">/files/</a><a href="./" aria-current="page">zdir/</a></h1>`,
		"1 directory, 1 file",
		`<a href="../" rel="up">`,
		`<a href="?sort=size&amp;order=desc">Size</a> ▲`, // toggles the current column
		`<a href="?sort=name&amp;order=asc">Name</a>`,
		`<a href="?sort=size&amp;order=asc&amp;dirs=mixed">Mix directories and files</a>`,
		"<a href=\"x\">x</a><td>1 B<td>2024-05-01 12:00\n",
		`<a href="y/">y/</a><td>—<td>`,
		"prefers-color-scheme:dark",
		`name="viewport"`,
	} {
		if !strings.Contains(got.body, want) {
			t.Errorf("GET /files/zdir/: body lacks %q", want)
		}
	}
	// The icons are inline SVG, whose namespace is a URL never fetched;
	// the one script is the filter box's, served by ServeDir itself.
	noNS := strings.ReplaceAll(got.body, "xmlns='http://www.w3.org/2000/svg'", "")
	// html/template writes a "+" of the digest as &#43;, which the
	// browser reads back as "+".
	m := regexp.MustCompile(`<script src="\?script=filter" integrity="([^"]*)" defer></script>`).FindStringSubmatch(got.body)
	if n := strings.Count(got.body, "<script"); n != 1 || m == nil || html.UnescapeString(m[1]) != h.modern.integrity {
		t.Errorf("GET /files/zdir/: %d scripts; want only the filter's with integrity %s", n, h.modern.integrity)
	}
	if m != nil {
		noNS = strings.Replace(noNS, m[0], "", 1)
	}
	for _, bad := range []string{"<script", "http://", "https://", `href="/`, "src="} {
		if strings.Contains(noNS, bad) {
			t.Errorf("GET /files/zdir/: body has %q: no scripts, external assets or absolute links", bad)
		}
	}
	root := serve(t, h, testFS(), ".", http.MethodGet, "/")
	if strings.Contains(root.body, `rel="up"`) {
		t.Errorf("GET /: the root of the FS has a parent link")
	}
	empty := serve(t, h, testFS(), "empty", http.MethodGet, "/empty/")
	if !strings.Contains(empty.body, "This directory is empty.") {
		t.Errorf("GET /empty/: no empty-directory note")
	}
}

func TestHeaders(t *testing.T) {
	for _, tc := range []struct {
		opts   Options
		target string
		accept string
		ctype  string
		csp    bool
	}{
		{Options{}, "/", "", "text/html; charset=utf-8", true},
		{Options{Format: Python}, "/", "", "text/html; charset=utf-8", true},
		{Options{}, "/?format=json", "", "application/json", false},
		{Options{}, "/", "application/json", "application/json", false},
		{Options{}, "/?format=html", "application/json", "text/html; charset=utf-8", true},
		{Options{Template: template.Must(template.New("t").Parse("{{.Title}}"))}, "/", "", "text/html; charset=utf-8", false},
	} {
		got := serve(t, New(tc.opts), testFS(), ".", http.MethodGet, tc.target, "Accept", tc.accept)
		h := got.header
		if ct := h.Get("Content-Type"); ct != tc.ctype {
			t.Errorf("GET %q Accept %q: Content-Type = %q; want %q", tc.target, tc.accept, ct, tc.ctype)
		}
		if v := h.Values("Vary"); !slices.Contains(v, "Accept") {
			t.Errorf("GET %q: Vary = %q; want Accept", tc.target, v)
		}
		if cl := h.Get("Content-Length"); cl != itoa(len(got.body)) {
			t.Errorf("GET %q: Content-Length = %q; want %d", tc.target, cl, len(got.body))
		}
		wantLM := t2.Format(http.TimeFormat)
		if tc.opts.Format == Python && tc.accept == "" {
			// Python's page shows names only; its validator is the
			// directory's own time, which this fixture's root lacks.
			wantLM = ""
		}
		if h.Get("ETag") == "" || h.Get("Last-Modified") != wantLM {
			t.Errorf("GET %q: ETag %q, Last-Modified %q; want an ETag and %q", tc.target, h.Get("ETag"), h.Get("Last-Modified"), wantLM)
		}
		if csp := h.Get("Content-Security-Policy"); (csp != "") != tc.csp || tc.csp && !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("GET %q: Content-Security-Policy = %q; want one: %v", tc.target, csp, tc.csp)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestConditional(t *testing.T) {
	h := New(Options{})
	fsys := testFS()
	first := serve(t, h, fsys, ".", http.MethodGet, "/")
	etag := first.header.Get("ETag")

	for _, tc := range []struct {
		name   string
		target string
		hdr    []string
		code   int
	}{
		{"same ETag", "/", []string{"If-None-Match", etag}, http.StatusNotModified},
		{"weak match", "/", []string{"If-None-Match", "W/" + etag}, http.StatusNotModified},
		{"in a list", "/", []string{"If-None-Match", `"a", ` + etag + `,"b"`}, http.StatusNotModified},
		{"star", "/", []string{"If-None-Match", "*"}, http.StatusNotModified},
		{"with If-Match", "/", []string{"If-None-Match", etag, "If-Match", etag}, http.StatusNotModified},
		{"other ETag", "/", []string{"If-None-Match", `"other"`}, http.StatusOK},
		{"other sort", "/?sort=size", []string{"If-None-Match", etag}, http.StatusOK},
		{"other format", "/?format=json", []string{"If-None-Match", etag}, http.StatusOK},
		{"IMS now", "/", []string{"If-Modified-Since", t2.Format(http.TimeFormat)}, http.StatusNotModified},
		{"IMS before", "/", []string{"If-Modified-Since", t1.Format(http.TimeFormat)}, http.StatusOK},
		{"If-Match other", "/", []string{"If-Match", `"other"`}, http.StatusPreconditionFailed},
	} {
		got := serve(t, h, fsys, ".", http.MethodGet, tc.target, tc.hdr...)
		if got.code != tc.code {
			t.Errorf("%s: GET %q %q: status = %d; want %d", tc.name, tc.target, tc.hdr, got.code, tc.code)
		}
		if got.code == http.StatusNotModified && (got.body != "" || got.header.Get("ETag") != etag || got.header.Get("Vary") != "Accept") {
			t.Errorf("%s: 304 with body %q, ETag %q, Vary %q; want no body, %s, Accept", tc.name, got.body, got.header.Get("ETag"), got.header.Get("Vary"), etag)
		}
	}

	// A change to an entry, even one that leaves the directory's own
	// mtime alone (a file grew), changes the validator.
	fsys["b.txt"] = &fstest.MapFile{Data: make([]byte, 301), ModTime: t0}
	again := serve(t, h, fsys, ".", http.MethodGet, "/", "If-None-Match", etag)
	if again.code != http.StatusOK || again.header.Get("ETag") == etag {
		t.Errorf("after b.txt grew: status %d, ETag %q (was %q); want 200 and a new ETag", again.code, again.header.Get("ETag"), etag)
	}
}

func TestNotModifiedMethods(t *testing.T) {
	h := New(Options{})
	etag := serve(t, h, testFS(), ".", http.MethodGet, "/").header.Get("ETag")
	for _, tc := range []struct {
		method string
		code   int
	}{
		{http.MethodHead, http.StatusNotModified},
		{http.MethodPost, http.StatusPreconditionFailed}, // RFC 9110 §13.1.2: not GET or HEAD
	} {
		got := serve(t, h, testFS(), ".", tc.method, "/", "If-None-Match", etag)
		if got.code != tc.code {
			t.Errorf("%s / If-None-Match: status = %d; want %d", tc.method, got.code, tc.code)
		}
	}
}

func TestHead(t *testing.T) {
	h := New(Options{})
	get := serve(t, h, testFS(), ".", http.MethodGet, "/")
	head := serve(t, h, testFS(), ".", http.MethodHead, "/")
	if head.code != http.StatusOK || head.body != "" {
		t.Errorf("HEAD /: status %d, body %q; want 200 and no body", head.code, head.body)
	}
	if got, want := head.header.Get("Content-Length"), get.header.Get("Content-Length"); got != want {
		t.Errorf("HEAD /: Content-Length = %q; want GET's %q", got, want)
	}
}

func TestJSON(t *testing.T) {
	h := New(Options{DirsFirst: true})
	got := serveWith(t, h, ReadOptions{HideDotfiles: true}, testFS(), "zdir", http.MethodGet, "/zdir/?sort=size&order=desc", "Accept", "application/json")
	var l jsonListing
	if err := json.Unmarshal([]byte(got.body), &l); err != nil {
		t.Fatalf("GET /zdir/ as JSON: %v\n%s", err, got.body)
	}
	want := jsonListing{Path: "/zdir/", Sort: "size", Order: "desc", Entries: []jsonEntry{
		{Name: "y", URL: "y/", IsDir: true, ModTime: nil},
		{Name: "x", URL: "x", Size: 1, ModTime: &t0},
	}}
	if l.Path != want.Path || l.Sort != want.Sort || l.Order != want.Order || len(l.Entries) != len(want.Entries) {
		t.Fatalf("GET /zdir/ as JSON = %+v; want %+v", l, want)
	}
	for i, e := range l.Entries {
		w := want.Entries[i]
		if e.Name != w.Name || e.URL != w.URL || e.IsDir != w.IsDir || e.IsSymlink != w.IsSymlink || e.Size != w.Size ||
			(e.ModTime == nil) != (w.ModTime == nil) || e.ModTime != nil && !e.ModTime.Equal(*w.ModTime) {
			t.Errorf("entry %d = %+v; want %+v", i, e, w)
		}
	}
	// The schema's field names, as documented.
	for _, key := range []string{`"name"`, `"url"`, `"is_dir"`, `"is_symlink"`, `"size"`, `"mod_time": "2024-05-01T12:00:00Z"`, `"mod_time": null`} {
		if !strings.Contains(got.body, key) {
			t.Errorf("GET /zdir/ as JSON: no %s in %s", key, got.body)
		}
	}
}

func TestPrefersJSON(t *testing.T) {
	for _, tc := range []struct {
		accept string
		want   bool
	}{
		{"", false},
		{"*/*", false},
		{"application/json", true},
		{"Application/JSON", true},
		{"application/json;q=0", false},
		{"text/html,application/json", false},
		{"text/html;q=0.5, application/json", true},
		{"application/json;q=0.9, text/html", false},
		{"application/*", true},
		{"application/*, text/*;q=0.1", true},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false}, // a browser
		{"application/json;q=bogus", false},
		{"application/json;q=2", false},
		{"application/json, text/html;q=0", true},
		{"*/*;q=0.1, application/json;q=0.2", true},
	} {
		if got := prefersJSON([]string{tc.accept}); got != tc.want {
			t.Errorf("prefersJSON(%q) = %v; want %v", tc.accept, got, tc.want)
		}
	}
}

func TestDisplayPath(t *testing.T) {
	for _, tc := range []struct{ uri, urlPath, want string }{
		{"/a/b/", "/b/", "/a/b/"}, // the prefix StripPrefix removed
		{"/a%20b/?q=1", "/a b/", "/a b/"},
		{"/a/%3F/", "/a/?/", "/a/?/"},
		{"//a/", "/a/", "/a/"},
		{"http://example.com/x/?y", "/x/", "/x/"},
		{"", "/fallback/", "/fallback/"},
		{"*", "/star/", "/star/"},
		{"/bad%zz/", "/u/", "/u/"},
		{"relative", "/rel/", "/rel/"},
	} {
		if got := displayPath(tc.uri, tc.urlPath); got != tc.want {
			t.Errorf("displayPath(%q, %q) = %q; want %q", tc.uri, tc.urlPath, got, tc.want)
		}
	}
}

func TestVisible(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain.txt", "plain.txt"},
		{"naïve 日本.txt", "naïve 日本.txt"},
		{"new\nline", `new\x0Aline`},
		{"tab\t", `tab\x09`},
		{"del\x7f", `del\x7F`},
		{"c1\u0085", `c1\x85`},
		{"invoice\u202Efdp.exe", `invoice\u202Efdp.exe`},
		{"\u2066\u2067\u2068\u2069\u202A\u202B\u202C\u202D\u200E\u200F\u061C", `\u2066\u2067\u2068\u2069\u202A\u202B\u202C\u202D\u200E\u200F\u061C`},
		{"bad\xff\xfe", `bad\xFF\xFE`},
	} {
		if got := visible(tc.in); got != tc.want {
			t.Errorf("visible(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestHref(t *testing.T) {
	for _, tc := range []struct {
		name string
		dir  bool
		want string
	}{
		{"a.txt", false, "a.txt"},
		{"a b", true, "a%20b/"},
		{"a:b", false, "a%3Ab"},
		{"?#%&", false, "%3F%23%25%26"},
		{"-._~", false, "-._~"},
		{"\xff", false, "%FF"},
		{"日", false, "%E6%97%A5"},
	} {
		if got := href(tc.name, tc.dir); got != tc.want {
			t.Errorf("href(%q, %v) = %q; want %q", tc.name, tc.dir, got, tc.want)
		}
	}
}

func TestHumanSize(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {1536, "1.5 KiB"},
		{200 << 20, "200 MiB"}, {5 << 30, "5.0 GiB"}, {1 << 62, "4.0 EiB"},
	} {
		if got := humanSize(tc.n); got != tc.want {
			t.Errorf("humanSize(%d) = %q; want %q", tc.n, got, tc.want)
		}
	}
}

func TestSortCodePoints(t *testing.T) {
	// Python compares name.lower() code point by code point; a byte that
	// is not UTF-8 is a surrogate, U+DCxx, which sorts before U+E000.
	l := &Listing{Entries: []Entry{{Name: "b\ue000"}, {Name: "b\xff"}, {Name: "B"}, {Name: "a"}, {Name: "b"}, {Name: "É"}, {Name: "e"}}}
	l.Sort(Order{})
	var got []string
	for _, e := range l.Entries {
		got = append(got, e.Name)
	}
	want := []string{"a", "B", "b", "b\xff", "b\ue000", "e", "É"}
	if !slices.Equal(got, want) {
		t.Errorf("Sort(Order{}) = %q; want %q", got, want)
	}
}

// TestSortKeyOrder checks sortKey against a direct model of Python's
// comparison: decode with surrogateescape, lower-case, compare code
// points. Every pair of names built from the fragments is tried.
func TestSortKeyOrder(t *testing.T) {
	frags := []string{"", "a", "B", "z", "\x7f", "\u0080", "É", "é", "\ud7ff", "\ue000", "\U0010ffff",
		"\xff", "\x80", "\xc3", "\xed\xb2\x80", "\xf4\x90\x80\x80", "\u0130", "Σ"}
	var names []string
	for _, a := range frags {
		for _, b := range frags {
			names = append(names, a+b)
		}
	}
	model := func(s string) []rune {
		var rs []rune
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				r = 0xDC00 + rune(s[i])
			} else {
				r = unicode.ToLower(r)
			}
			rs = append(rs, r)
			i += n
		}
		return rs
	}
	for _, a := range names {
		for _, b := range names {
			want := slices.Compare(model(a), model(b))
			if got := strings.Compare(sortKey(a), sortKey(b)); got != want {
				t.Fatalf("sortKey order of %q and %q = %d; want %d", a, b, got, want)
			}
		}
	}
}

func TestCustomTemplate(t *testing.T) {
	tmpl := template.Must(template.New("t").Parse(`{{.Title}}|{{.Parent}}|{{range .Rows}}[{{.Display}} {{.URL}} {{.HumanSize}}]{{end}}|{{.Sort}} {{.Order}}`))
	got := serve(t, New(Options{Template: tmpl}), testFS(), "zdir", http.MethodGet, "/zdir/?sort=size&order=desc")
	want := "Directory listing for /zdir/|../|[x x 1 B][y/ y/ ]|size desc"
	if got.body != want {
		t.Errorf("custom template: body = %q; want %q", got.body, want)
	}
	// The Template replaces the Python page too, and is still escaped.
	evil := fstest.MapFS{"<i>": {}}
	py := serve(t, New(Options{Format: Python, Template: tmpl}), evil, ".", http.MethodGet, "/")
	if !strings.Contains(py.body, "[&lt;i&gt; %3Ci%3E 0 B]") {
		t.Errorf("custom template over Python: body = %q; want the escaped name", py.body)
	}
}

func TestErrors(t *testing.T) {
	bad := template.Must(template.New("t").Parse(`{{.NoSuchField}}`))
	for _, tc := range []struct {
		name string
		opts Options
		dir  string
		want error
	}{
		{"missing", Options{}, "nope", fs.ErrNotExist},
		{"a file", Options{}, "b.txt", fs.ErrInvalid},
		{"invalid name", Options{}, "../x", nil},
		{"template fails", Options{Template: bad}, ".", nil},
	} {
		w := httptest.NewRecorder()
		err := New(tc.opts).ServeDir(w, httptest.NewRequest(http.MethodGet, "/", nil), testFS(), tc.dir, ReadOptions{})
		if err == nil || tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%s: ServeDir(%q) = %v; want %v", tc.name, tc.dir, err, tc.want)
		}
		if w.Body.Len() != 0 || len(w.Header()) != 0 || w.Code != http.StatusOK {
			t.Errorf("%s: ServeDir wrote %d %v %q; want nothing written", tc.name, w.Code, w.Header(), w.Body)
		}
	}
}

func TestReadDirError(t *testing.T) {
	_, err := Read(errFS{}, ".", ReadOptions{})
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("Read(unreadable) = %v; want fs.ErrPermission", err)
	}
}

// errFS is a directory that stats but cannot be read.
type errFS struct{}

func (errFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
}

func (errFS) Stat(name string) (fs.FileInfo, error) {
	return fstest.MapFS{"d/x": {}}.Stat("d")
}

// TestOSRoot lists a real directory through an os.Root: symlinks in and
// out of the root, names that are not UTF-8, and what the modern page
// makes of them.
func TestOSRoot(t *testing.T) {
	r := openOSRootTree(t)
	checkOSRootRead(t, r)
	checkOSRootPages(t, r)
}

// openOSRootTree opens buildTree's tree, with a symlink to a directory
// outside it added, as an os.Root.
func openOSRootTree(t *testing.T) *os.Root {
	t.Helper()
	root, outside, _ := buildTree(t)
	if err := os.Mkdir(filepath.Join(outside, "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "dir"), filepath.Join(root, "escape-dir")); err != nil {
		t.Fatal(err)
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// checkOSRootRead checks the kinds Read finds in the tree.
func checkOSRootRead(t *testing.T, r *os.Root) {
	t.Helper()
	l, err := Read(r.FS(), ".", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Entry{}
	for _, e := range l.Entries {
		byName[e.Name] = e
	}
	for _, tc := range []struct {
		name         string
		dir, symlink bool
	}{
		{"sub", true, false},
		{"link-to-dir", true, true},
		{"link-to-file", false, true},
		{"dangling", false, true},
		{"escape-file", false, true},
		{"escape-dir", false, true}, // not followed out of the root
		{"bad\xff\xfe.bin", false, false},
	} {
		e, ok := byName[tc.name]
		if !ok || e.IsDir != tc.dir || e.IsSymlink != tc.symlink {
			t.Errorf("Read: %q = %+v (found %v); want dir %v, symlink %v", tc.name, e, ok, tc.dir, tc.symlink)
		}
	}
	if e := byName["link-to-file"]; e.Size != int64(len("plain\n")) {
		t.Errorf("link-to-file: size %d; want its target's", e.Size)
	}
}

// checkOSRootPages checks the tree's pages and JSON: hostile names shown
// visibly, escaped and linked exactly, and no invalid UTF-8.
func checkOSRootPages(t *testing.T, r *os.Root) {
	t.Helper()
	got := serve(t, New(Options{}), r.FS(), ".", http.MethodGet, "/")
	for _, want := range []string{
		`<a href="bad%FF%FE.bin">bad\xFF\xFE.bin</a>`,
		`<a href="invoice%E2%80%AEfdp.exe">invoice\u202Efdp.exe</a>`,
		`<a href="new%0Aline.txt">new\x0Aline.txt</a>`,
		`<a href="link-to-dir/">link-to-dir@</a>`,
		`<a href="%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.txt">&lt;img src=x onerror=alert(1)&gt;.txt</a>`,
	} {
		if !strings.Contains(got.body, want) {
			t.Errorf("GET / (modern): body lacks %q", want)
		}
	}
	// Links out of the root, and dangling ones, cannot be followed: the
	// modern page and JSON leave them out; Python's page lists them.
	jsAll := serve(t, New(Options{}), r.FS(), ".", http.MethodGet, "/?format=json")
	pyAll := serve(t, New(Options{Format: Python}), r.FS(), ".", http.MethodGet, "/")
	for _, name := range []string{"escape-dir", "escape-file", "dangling"} {
		if strings.Contains(got.body, `href="`+name) || strings.Contains(jsAll.body, `"`+name+`"`) {
			t.Errorf("GET /: the modern page or JSON lists %q, a link that cannot be followed", name)
		}
		if !strings.Contains(pyAll.body, `<a href="`+name+`">`) {
			t.Errorf("GET / (python): body lacks %q; Python lists every link", name)
		}
	}
	if strings.Contains(got.body, "\u202E") || strings.Contains(got.body, "\xff") {
		t.Errorf("GET / (modern): a bidi override or a raw non-UTF-8 byte reached the page")
	}

	// Python's page and JSON show a byte that is not UTF-8 as U+FFFD,
	// and link the byte itself.
	py := serve(t, New(Options{Format: Python}), r.FS(), ".", http.MethodGet, "/")
	if want := "<li><a href=\"bad%FF%FE.bin\">bad\uFFFD\uFFFD.bin</a></li>"; !strings.Contains(py.body, want) {
		t.Errorf("GET / (python): body lacks %q", want)
	}
	js := serve(t, New(Options{}), r.FS(), ".", http.MethodGet, "/?format=json")
	var jl jsonListing
	if err := json.Unmarshal([]byte(js.body), &jl); err != nil {
		t.Fatalf("GET /?format=json: %v", err)
	}
	found := false
	for _, e := range jl.Entries {
		if e.URL == "bad%FF%FE.bin" {
			found = true
			if e.Name != "bad\uFFFD\uFFFD.bin" {
				t.Errorf("GET /?format=json: name of %q = %q; want %q", e.URL, e.Name, "bad\uFFFD\uFFFD.bin")
			}
		}
	}
	if !found {
		t.Errorf("GET /?format=json: no entry with url %q", "bad%FF%FE.bin")
	}
	for _, page := range []struct{ kind, body string }{{"modern", got.body}, {"python", py.body}, {"json", js.body}} {
		if !utf8.ValidString(page.body) {
			t.Errorf("GET / (%s): the body is not valid UTF-8", page.kind)
		}
	}
}

// TestTableRowsMatchRows checks that the rows the built-in page appends
// straight from the entries say what the Row fields a custom template sees
// say, escaped as html/template escapes them.
func TestTableRowsMatchRows(t *testing.T) {
	t0 := time.Date(2024, 2, 29, 23, 59, 30, 0, time.FixedZone("x", 3600))
	l := &Listing{Path: "/d/", Name: "d", Entries: []Entry{
		{Name: `a"b'c&d<e>f`, Size: 1023, ModTime: t0},
		{Name: "dir", IsDir: true, Size: 4096, ModTime: t0},
		{Name: "link", IsSymlink: true, IsDir: true},
		{Name: "bad\xff\u202e\x00", Size: 1 << 40, ModTime: t0},
		{Name: "big", Size: 1<<63 - 1},
		{Name: "ünï", Size: 1536},
		{Name: "y5", ModTime: time.Date(5, 1, 2, 3, 4, 5, 6, time.UTC)},
		{Name: "y9999", ModTime: time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)},
		{Name: "y12000", ModTime: time.Date(12000, 6, 1, 0, 0, 0, 0, time.UTC)},
		{Name: "bc", ModTime: time.Date(-44, 3, 15, 12, 0, 0, 0, time.UTC)},
	}}
	p := newPage(l, query{}, "d", true)
	var want strings.Builder
	esc := template.HTMLEscapeString
	for _, r := range p.Rows {
		want.WriteString(`<tr><td><a href="` + r.URL + `">` + esc(r.Display) + `</a><td>` + esc(r.SizeText) + `<td>` + esc(r.Time) + "\n")
	}
	if got := string(p.TableRows()); got != want.String() {
		t.Errorf("TableRows:\n%s\nwant, from the Rows:\n%s", got, want.String())
	}
}

// names returns the names of l's entries, in order.
func names(l *Listing) []string {
	var s []string
	for _, e := range l.Entries {
		s = append(s, e.Name)
	}
	return s
}
