package main

import (
	"encoding/json"
	"errors"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"unicode/utf8"
)

// writeNonUTF8 writes data to dir/name, name holding bytes that are not
// UTF-8, and skips the test where the file system refuses such a name.
func writeNonUTF8(t *testing.T, dir, name, data string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		skipIfRefused(t, err)
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		skipIfRefused(t, err)
		t.Fatal(err)
	}
}

// skipIfRefused skips the test when err is a file system refusing a name
// that is not UTF-8: macOS's APFS answers EILSEQ, and Windows names are
// UTF-16, with no room for a stray byte.
func skipIfRefused(t *testing.T, err error) {
	t.Helper()
	if errors.Is(err, syscall.EILSEQ) || errors.Is(err, syscall.EINVAL) {
		t.Skipf("this file system refuses names that are not UTF-8 (as macOS APFS and Windows do): %v", err)
	}
}

var entryHrefRE = regexp.MustCompile(`<a href="([^"?]*)">`)

// TestNonUTF8Names lists a file, a directory and a symlink to it whose
// names are not UTF-8, as old archives and Windows shares leave them, in
// every listing format, and follows each link the listing gives: it must
// serve that very file or list that very directory. The names must show
// as U+FFFD (Python's page, JSON) or as \xHH (the modern page), never as
// raw bytes.
func TestNonUTF8Names(t *testing.T) {
	dir := site(t)
	writeNonUTF8(t, dir, "bad\xff\xfe.txt", "undecodable\n")
	writeNonUTF8(t, dir, "dir\xfe/x\xff", "inner\n")
	if err := os.Symlink("dir\xfe", filepath.Join(dir, "in\xfd")); err != nil {
		t.Fatal(err)
	}

	type entry struct{ link, shown string }
	// The listings to read, by format: the entry links they hold (as
	// hrefs, resolved against the listing URL) and what each shows.
	read := func(t *testing.T, s *started, format, listURL string) []entry {
		t.Helper()
		target := listURL
		if format == "json" {
			target += "?format=json"
		}
		resp, body := get(t, s.base+target)
		if resp.StatusCode != 200 {
			t.Fatalf("%s GET %q: status = %d; want 200", format, target, resp.StatusCode)
		}
		if !utf8.ValidString(body) {
			t.Errorf("%s GET %q: the listing is not valid UTF-8: %q", format, target, body)
		}
		var out []entry
		if format == "json" {
			var l struct {
				Entries []struct{ Name, URL string }
			}
			if err := json.Unmarshal([]byte(body), &l); err != nil {
				t.Fatalf("%s GET %q: %v", format, target, err)
			}
			for _, e := range l.Entries {
				out = append(out, entry{e.URL, e.Name})
			}
			return out
		}
		for _, m := range entryHrefRE.FindAllStringSubmatchIndex(body, -1) {
			link := html.UnescapeString(body[m[2]:m[3]])
			if link == "../" {
				continue
			}
			shown, _, _ := strings.Cut(body[m[1]:], "</a>")
			out = append(out, entry{link, html.UnescapeString(shown)})
		}
		return out
	}

	for _, tc := range []struct {
		format string
		args   []string
		// shown is how each name is displayed, by the decoded path its
		// link leads to.
		shown map[string]string
	}{
		{"python", []string{"--listing", "python"}, map[string]string{
			"/bad\xff\xfe.txt": "bad\uFFFD\uFFFD.txt", "/dir\xfe/": "dir\uFFFD/", "/dir\xfe/x\xff": "x\uFFFD", "/in\xfd/": "in\uFFFD@"}},
		{"modern", nil, map[string]string{
			"/bad\xff\xfe.txt": `bad\xFF\xFE.txt`, "/dir\xfe/": `dir\xFE/`, "/dir\xfe/x\xff": `x\xFF`, "/in\xfd/": `in\xFD@`}},
		{"json", nil, map[string]string{
			"/bad\xff\xfe.txt": "bad\uFFFD\uFFFD.txt", "/dir\xfe/": "dir\uFFFD", "/dir\xfe/x\xff": "x\uFFFD", "/in\xfd/": "in\uFFFD"}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			s := start(t, append([]string{"0", "-b", "127.0.0.1", "-d", dir, "--quiet"}, tc.args...)...)
			want := map[string]string{"/bad\xff\xfe.txt": "undecodable\n", "/dir\xfe/x\xff": "inner\n"}
			var followed []string
			for _, listURL := range []string{"/", "/dir%FE/"} {
				base, _ := url.Parse(s.base + listURL)
				for _, e := range read(t, s, tc.format, listURL) {
					ref, err := url.Parse(e.link)
					if err != nil {
						t.Errorf("%s GET %q: link %q: %v", tc.format, listURL, e.link, err)
						continue
					}
					u := base.ResolveReference(ref)
					decoded, err := url.PathUnescape(u.EscapedPath())
					if err != nil {
						t.Errorf("%s GET %q: link %q: %v", tc.format, listURL, e.link, err)
						continue
					}
					wantShown, ok := tc.shown[decoded]
					if !ok {
						continue // one of site's files
					}
					followed = append(followed, decoded)
					if e.shown != wantShown {
						t.Errorf("%s GET %q: link %q shows %q; want %q", tc.format, listURL, e.link, e.shown, wantShown)
					}
					resp, body := get(t, u.String())
					if resp.StatusCode != 200 {
						t.Errorf("%s GET %q (link %q of %q): status = %d; want 200", tc.format, u.EscapedPath(), e.link, listURL, resp.StatusCode)
						continue
					}
					if content, isFile := want[decoded]; isFile && body != content {
						t.Errorf("%s GET %q: body = %q; want %q", tc.format, u.EscapedPath(), body, content)
					}
				}
			}
			slices.Sort(followed)
			if w := []string{"/bad\xff\xfe.txt", "/dir\xfe/", "/dir\xfe/x\xff", "/in\xfd/"}; !slices.Equal(followed, w) {
				t.Errorf("%s: links followed to %q; want %q", tc.format, followed, w)
			}
		})
	}

	// The directory asked for without its slash redirects to the same
	// bytes, percent-encoded.
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--quiet")
	resp, _ := get(t, s.base+"/dir%FE")
	if loc := resp.Header.Get("Location"); resp.StatusCode != 301 || loc != "dir%FE/" {
		t.Errorf("GET %q: %d Location %q; want 301 %q", "/dir%FE", resp.StatusCode, loc, "dir%FE/")
	}
}
