package listing

import (
	"bytes"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// nameSeeds are the hostile names of the tables and the golden tree.
var nameSeeds = []string{
	"plain.txt", "<script>alert(1)</script>", `quote"and'apos`, "a&b", "what?", "hash#tag", "100%",
	"space name", "naïve café", "日本語", "a:b", "javascript:alert(1)", "new\nline", "tab\tname",
	"invoice\u202Efdp.exe", "bad\xff\xfe", "&lt;", "]]>", "<!--", "\\", "x\r\n<y>", "..a", ".hidden",
}

var hrefRE = regexp.MustCompile(`href="([^"]*)"`)

// FuzzRenderName renders a directory holding one entry with an arbitrary
// name, as a file and as a directory, in both built-in pages and in JSON,
// and checks that the name adds no markup (the page has exactly as many
// '<' as the page for a harmless name), that every entry link, resolved
// against the page's URL and decoded, names exactly that entry, and that
// the output is valid UTF-8 whatever the name's bytes.
func FuzzRenderName(f *testing.F) {
	for _, s := range nameSeeds {
		f.Add(s, false)
		f.Add(s, true)
	}
	modern := New(Options{})
	f.Fuzz(func(t *testing.T, name string, dir bool) {
		if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
			t.Skip("not a directory entry name")
		}
		render := func(n string) (py, mod string) {
			l := fuzzListing(n, dir)
			py = string(appendPython(nil, l))
			var b bytes.Buffer
			if err := modern.modern.execute(&b, newPage(l, query{}, "dir", false)); err != nil {
				t.Fatalf("modern page for %q: %v", n, err)
			}
			return py, b.String()
		}
		py, mod := render(name)
		safePy, safeMod := render("x")
		checkFuzzPage(t, "python", name, dir, py, safePy)
		checkFuzzPage(t, "modern", name, dir, mod, safeMod)
		// The modern page shows no invisible or reordering character.
		for _, r := range mod {
			if invisible(r) && r != '\n' {
				t.Fatalf("modern page for %q shows %U raw", name, r)
			}
		}
		// No page is invalid UTF-8, whatever the name's bytes.
		if !utf8.ValidString(py) || !utf8.ValidString(mod) {
			t.Errorf("page for %q: not valid UTF-8 (python %v, modern %v)", name, utf8.ValidString(py), utf8.ValidString(mod))
		}
		checkFuzzJSON(t, name, dir)
	})
}

// fuzzBase is the URL of the directory FuzzRenderName lists.
var fuzzBase, _ = url.Parse("http://127.0.0.1/mount/dir/")

// fuzzListing is the directory FuzzRenderName lists: one entry, name.
func fuzzListing(name string, dir bool) *Listing {
	return &Listing{Path: "/mount/dir/", Name: "dir", Entries: []Entry{{Name: name, IsDir: dir, Size: 1, ModTime: time.Unix(0, 0)}}}
}

// checkFuzzPage checks the kind page got for the entry name against safe,
// the same page for a harmless name: no more markup, and entry links that
// lead to the entry.
func checkFuzzPage(t *testing.T, kind, name string, dir bool, got, safe string) {
	t.Helper()
	if g, w := strings.Count(got, "<"), strings.Count(safe, "<"); g != w {
		t.Errorf("%s page for %q: %d '<'; want %d: the name reached markup", kind, name, g, w)
	}
	if g, w := strings.Count(got, "\""), strings.Count(safe, "\""); kind == "modern" && g != w {
		t.Errorf("%s page for %q: %d '\"'; want %d", kind, name, g, w)
	}
	found := false
	for _, m := range hrefRE.FindAllStringSubmatch(got, -1) {
		raw := html.UnescapeString(m[1])
		if strings.HasPrefix(raw, "?") || crumbRE.MatchString(raw) {
			continue // sort, grouping, JSON, parent and breadcrumb links
		}
		found = true
		checkEntryURL(t, kind+" page", name, dir, raw)
	}
	if !found {
		t.Errorf("%s page for %q: no entry link", kind, name)
	}
}

// crumbRE matches the parent and breadcrumb links: "./", "../", "../../"…
var crumbRE = regexp.MustCompile(`^(\./|(\.\./)+)$`)

// checkEntryURL checks that raw, a link on what, resolved against
// fuzzBase and decoded, names exactly the entry name.
func checkEntryURL(t *testing.T, what, name string, dir bool, raw string) {
	t.Helper()
	ref, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("%s for %q: href %q: %v", what, name, raw, err)
	}
	u := fuzzBase.ResolveReference(ref)
	want := "/mount/dir/" + name
	if dir {
		want += "/"
	}
	// EscapedPath would re-encode; compare the raw decoded bytes.
	got, err := url.PathUnescape(u.EscapedPath())
	if err != nil || got != want || u.Host != fuzzBase.Host || u.RawQuery != "" || u.Fragment != "" {
		t.Errorf("%s for %q: href %q resolves to %q (query %q, fragment %q); want %q", what, name, raw, got, u.RawQuery, u.Fragment, want)
	}
}

// checkFuzzJSON checks the JSON for the entry name: valid UTF-8, the name
// with U+FFFD for each bad byte, and a url that names exactly the entry.
func checkFuzzJSON(t *testing.T, name string, dir bool) {
	t.Helper()
	var b bytes.Buffer
	if err := writeJSON(&b, fuzzListing(name, dir), query{}); err != nil {
		t.Fatalf("JSON for %q: %v", name, err)
	}
	if !utf8.Valid(b.Bytes()) {
		t.Errorf("JSON for %q: not valid UTF-8", name)
	}
	var jl jsonListing
	if err := json.Unmarshal(b.Bytes(), &jl); err != nil || len(jl.Entries) != 1 {
		t.Fatalf("JSON for %q: %v, %d entries", name, err, len(jl.Entries))
	}
	if got, want := jl.Entries[0].Name, pyDecoded(name); got != want {
		t.Errorf("JSON for %q: name %q; want %q", name, got, want)
	}
	checkEntryURL(t, "JSON", name, dir, jl.Entries[0].URL)
}

// FuzzPrefersJSON checks that Accept parsing never panics and that a
// "*/*;q=0" added at the end, which accepts nothing, changes nothing.
func FuzzPrefersJSON(f *testing.F) {
	for _, s := range []string{"", "*/*", "application/json", "text/html;q=0.5, application/json", "application/*;q=0.3,text/*;q=0.2",
		"application/json;q=bogus", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", ";;;,,,=q", "application/json;Q=1e-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, accept string) {
		a := prefersJSON([]string{accept})
		b := prefersJSON([]string{accept, "*/*;q=0"})
		if a != b {
			t.Errorf("prefersJSON(%q) = %v, but %v with */*;q=0 added", accept, a, b)
		}
	})
}

// FuzzDisplayPath checks that a request URI always yields a rooted path
// (or the fallback), never a query or fragment.
func FuzzDisplayPath(f *testing.F) {
	for _, s := range []string{"/", "/a%20b/?q", "//evil/", "http://h/x/", "*", "/a#b", "/%zz", "/%ff/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		got := displayPath(uri, "/fallback/")
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") {
			t.Errorf("displayPath(%q) = %q; want a path with one leading slash", uri, got)
		}
	})
}

// FuzzNotModified checks that If-None-Match parsing never panics and that
// one more, different tag in the list never undoes a match.
func FuzzNotModified(f *testing.F) {
	for _, s := range []string{"", "*", `"x"`, `W/"x"`, `"a", "x"`, `,,, W/`, `"x`, ` "x" `} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, inm string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("If-None-Match", inm)
		a := notModified(r, `"x"`)
		r.Header.Set("If-None-Match", inm+`, "other"`)
		if a && !notModified(r, `"x"`) {
			t.Errorf("If-None-Match %q matches, but not with another tag added", inm)
		}
	})
}
