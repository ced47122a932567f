package glob

import (
	"path"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCompile(t *testing.T) {
	for _, tt := range []struct {
		pattern string
		match   []string
		noMatch []string
	}{
		{"assets/*", []string{"assets/app.js", "assets/.x"}, []string{"assets", "assets/a/b.js", "x/assets/a.js", "Assets/a.js"}},
		{"/assets/*", []string{"assets/app.js"}, []string{"assets/a/b"}},
		{"assets/**", []string{"assets/a", "assets/a/b/c", "assets"}, []string{"asset/a", "x/assets/a"}},
		{"**/*.woff2", []string{"f.woff2", "a/b/f.woff2"}, []string{"f.woff", "a/f.woff2/x"}},
		{"**", []string{"a", "a/b/c"}, nil},
		{"a/**/b/**/c", []string{"a/b/c", "a/x/b/y/z/c", "a/b/b/c"}, []string{"a/c", "a/b/x", "b/a/b/c"}},
		{"a/**/**/b", []string{"a/b", "a/x/y/b"}, []string{"a"}},
		{"*.[0-9a-f][0-9a-f][0-9a-f][0-9a-f].js", []string{"app.1a2b.js"}, []string{"app.zz12.js", "x/app.1a2b.js"}},
		{`\*`, []string{"*"}, []string{"a"}},
		{"_next/static/**", []string{"_next/static/chunks/main-abc.js"}, []string{"_next/data/x.json"}},
	} {
		s, err := Compile(tt.pattern)
		m := s.Match
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.pattern, err)
			continue
		}
		for _, name := range tt.match {
			if !m(name) {
				t.Errorf("Compile(%q)(%q) = false; want true", tt.pattern, name)
			}
		}
		for _, name := range tt.noMatch {
			if m(name) {
				t.Errorf("Compile(%q)(%q) = true; want false", tt.pattern, name)
			}
		}
	}
	if s, err := Compile(); s != nil || err != nil || s.Match("a") {
		t.Errorf("Compile() = %v, %v; want nil, nil, matching nothing", s, err)
	}
	if s, _ := Compile("a/*", "b/*"); !s.Match("a/x") || !s.Match("b/x") || s.Match("c/x") {
		t.Error("Compile(a/*, b/*): want either to match")
	}
}

// TestCompileHostile: patterns are user input; each malformed one is refused
// with an error that names it, and none panics.
func TestCompileHostile(t *testing.T) {
	for _, p := range []string{
		"", "/", "//", "[", "assets/[", "[]", "[^]", "[a-]", `\`, `assets\`, "a//b", "assets/",
		"./a", "a/./b", "../a", "a/../../etc/passwd", "/..", "a**", "a/b**/c", "***", "**.js",
		strings.Repeat("a", 1025), strings.Repeat("a/", 33) + "a", strings.Repeat("**/", 40) + "x",
	} {
		s, err := Compile("ok/*", p)
		if err == nil || s != nil {
			t.Errorf("Compile(%.40q): no error; want one", p)
			continue
		}
		if !strings.Contains(err.Error(), strconv.Quote(p)) {
			t.Errorf("Compile(%.40q): error %q does not name the pattern", p, err)
		}
	}
	// The worst a pattern can do to a deep name is a pass per segment of
	// each: "**" groups find their leftmost match and never backtrack.
	worstSet, err := Compile(strings.Repeat("**/*a*a*a*a*c/", 15) + "b")
	worst := worstSet.Match
	if err != nil {
		t.Fatal(err)
	}
	deep := strings.Repeat(strings.Repeat("a", 200)+"/", 2000) + "b"
	start := time.Now()
	for range 10 {
		if worst(deep) {
			t.Fatal("the worst pattern matched a name it cannot")
		}
	}
	t.Logf("the worst pattern against a name of 2001 segments: %v a match", time.Since(start)/10)

	// The limits leave room for any real pattern.
	if _, err := Compile(strings.Repeat("a/", 31) + "a"); err != nil {
		t.Errorf("32 segments: %v", err)
	}
}

// FuzzCompile checks Compile against a plain recursive matcher, on any
// pattern and name: the same answer, and path.Match's answer for a
// pattern without "**". A pattern Compile refuses is fine; a panic, or an
// answer that differs, is not.
func FuzzCompile(f *testing.F) {
	for _, s := range [][2]string{
		{"assets/*", "assets/app.js"}, {"assets/**", "assets/a/b"}, {"**/*.js", "a/b.js"}, {"a/**/b/**/c", "a/x/b/c"},
		{"[", "x"}, {"a**", "a"}, {"**/**", "a"}, {`\*`, "*"}, {"*/?", "a/b"}, {"[^a]/**/[a-c]", "b/c/a"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, name string) {
		set, err := Compile(pattern)
		if err != nil {
			return
		}
		match := set.Match
		if strings.Count(pattern, "/") > 8 || strings.Count(name, "/") > 8 {
			return // the reference is exponential; Compile is not
		}
		got := match(name)
		segs := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
		if want := refGlob(segs, strings.Split(name, "/")); got != want {
			t.Fatalf("Compile(%q)(%q) = %v; the reference says %v", pattern, name, got, want)
		}
		if !strings.Contains(pattern, "**") {
			if want, _ := path.Match(strings.TrimPrefix(pattern, "/"), name); got != want {
				t.Fatalf("Compile(%q)(%q) = %v; path.Match says %v", pattern, name, got, want)
			}
		}
	})
}

// refGlob is the obvious recursive matcher that Compile must agree with.
func refGlob(pat, name []string) bool {
	if len(pat) == 0 {
		return len(name) == 0
	}
	if pat[0] == "**" {
		for i := 0; i <= len(name); i++ {
			if refGlob(pat[1:], name[i:]) {
				return true
			}
		}
		return false
	}
	if len(name) == 0 {
		return false
	}
	ok, _ := path.Match(pat[0], name[0])
	return ok && refGlob(pat[1:], name[1:])
}
