package listing

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// readmeSeeds are hostile READMEs: raw HTML and links to every scheme.
var readmeSeeds = []string{
	"# t\n\n<script>alert(1)</script>",
	"<img src=x onerror=alert(1)>",
	"[a](javascript:alert(1)) [b](JaVaScRiPt:x) [c](&#x6A;avascript:x) [d](java&#x09;script:x)",
	"<javascript:alert(1)> <vbscript:x> <data:text/html,x>",
	"![i](data:image/png;base64,AAAA) ![j](file:///etc/passwd)",
	"[r][x]\n\n[x]: <java\\\tscript:alert(1)>",
	"<div onclick=\"x()\">\n\n*md*\n\n</div>",
	"| a | b |\n|---|---|\n| <b>x</b> | [y](javascript:z) |",
	"www.example.com/<script> http://x.test/\"onmouseover=alert(1)",
	"<!-- c --> <?php x ?> <![CDATA[ y ]]> <!DOCTYPE z>",
	"\x00\xff\xfe<\x00script>",
}

var fuzzAttrRE = regexp.MustCompile(`(?i)<[a-z][^>]*\s(on[a-z]+|style|id|name|srcdoc|formaction)\s*=`)

// FuzzReadme renders arbitrary Markdown and checks that the result is
// valid UTF-8, has no tag goldmark does not write for Markdown (script,
// iframe, object, embed, style, form…), no event handler nor id on any
// tag, and no link or image whose URL safeURL refuses.
func FuzzReadme(f *testing.F) {
	for _, s := range readmeSeeds {
		f.Add(s)
	}
	rd := New(Options{Readme: true})
	f.Fuzz(func(t *testing.T, src string) {
		r, ok := rd.renderReadme("README.md", []byte(src))
		if !ok {
			t.Fatalf("renderReadme(%q) failed", src)
		}
		out := string(r.HTML)
		if !utf8.ValidString(out) {
			t.Fatalf("output is not UTF-8: %q", out)
		}
		low := strings.ToLower(out)
		for _, tag := range []string{"<script", "<iframe", "<object", "<embed", "<style", "<form", "<svg", "<math", "<base", "<meta", "<link", "<div"} {
			if strings.Contains(low, tag) {
				t.Fatalf("README %q renders %s:\n%s", src, tag, out)
			}
		}
		if m := fuzzAttrRE.FindString(out); m != "" {
			t.Fatalf("README %q renders an attribute %q:\n%s", src, m, out)
		}
		checkReadmeURLs(t, out)
	})
}

// FuzzSafeURL checks safeURL against net/url's reading of the scheme, on
// the URL as a browser reads it (leading and trailing C0 controls and
// spaces dropped, tabs and newlines removed).
func FuzzSafeURL(f *testing.F) {
	for _, s := range []string{"javascript:x", " java\tscript:x", "http://x", "mailto:a@b", "a b:c", "./x:y", "1a:b", "x+y.z-w:v", "?a:b", "#c:d", "//h/p"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		browser := strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' {
				return -1
			}
			return r
		}, strings.TrimFunc(s, func(r rune) bool { return r <= ' ' }))
		u, err := url.Parse(browser)
		if err != nil {
			return // net/url refuses what browsers may read; no reference
		}
		allowed := u.Scheme == "" || u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "mailto"
		if got := safeURL(s); got != allowed {
			t.Fatalf("safeURL(%q) = %v; net/url reads the scheme %q", s, got, u.Scheme)
		}
	})
}
