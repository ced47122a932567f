//go:build unix

package cgihandler

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyhttp/httpserver/internal/errorpage"
	"github.com/pyhttp/httpserver/internal/safepath"
)

// resolveFixture is a small tree for the resolution fuzzer:
//
//	root/cgi-bin/a.sh, root/cgi-bin/sub/b.sh   scripts
//	root/cgi-bin/in -> a.sh                     a symlink inside
//	root/cgi-bin/out -> ../../outside/x.sh      a symlink out
//	root/cgi-bin/outdir -> ../../outside        a directory symlink out
//	root/cgi-bin/subln -> sub                   a directory symlink inside
//	root/htbin/, root/plain.sh, outside/x.sh
func resolveFixture(t testing.TB) string {
	top := t.TempDir()
	for _, d := range []string{"root/cgi-bin/sub", "root/htbin", "outside"} {
		if err := os.MkdirAll(filepath.Join(top, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"root/cgi-bin/a.sh", "root/cgi-bin/sub/b.sh", "root/plain.sh", "outside/x.sh"} {
		if err := os.WriteFile(filepath.Join(top, f), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range [][2]string{{"a.sh", "in"}, {"../../outside/x.sh", "out"}, {"../../outside", "outdir"}, {"sub", "subln"}} {
		if err := os.Symlink(l[0], filepath.Join(top, "root/cgi-bin", l[1])); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(top, "root")
}

// FuzzResolve checks the path decision end to end on a real tree: a path
// either is not a CGI request, or names a script whose real path is a
// file inside the root, reached through a CGI directory, with the URL
// path split exactly into SCRIPT_NAME and PATH_INFO.
func FuzzResolve(f *testing.F) {
	for _, p := range []string{
		"/cgi-bin/a.sh", "/cgi-bin/sub/b.sh/x/y", "/cgi-bin/in", "/cgi-bin/out", "/cgi-bin/outdir/x.sh",
		"/cgi-bin/../plain.sh", "/cgi-bin/%2e%2e/plain.sh", "/cgi-bin/../../outside/x.sh", "//cgi-bin/a.sh",
		"/./cgi-bin/./a.sh", "/htbin/../cgi-bin/a.sh/", "/cgi-binx/a.sh", "/cgi-bin", "/cgi-bin/", "/cgi-bin/sub/",
		"/cgi-bin/a.sh\x00", "/cgi-bin/sub/../../cgi-bin/a.sh", "/CGI-BIN/a.sh", "/HtBin/x", "/cgi-bİn/a.sh",
	} {
		f.Add(p)
	}
	root := resolveFixture(f)
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		f.Fatal(err)
	}
	h := New(OpenRoot(f, root), Options{})
	f.Fuzz(func(t *testing.T, p string) {
		// What net/http would hand us for this raw path, if it accepts
		// it, and the raw string itself as if already decoded.
		paths := []string{p}
		if u, err := url.ParseRequestURI("/" + strings.TrimPrefix(p, "/")); err == nil {
			paths = append(paths, u.Path)
		}
		for _, p := range paths {
			clean, dir, ok := h.match(p)
			if ok != h.Match(&http.Request{URL: &url.URL{Path: p}}) {
				t.Fatalf("match and Match disagree on %q", p)
			}
			below, bare := referenceMatch(p, []string{"/cgi-bin", "/htbin"})
			if ok != below || !ok && (dir != "") != bare {
				t.Fatalf("match(%q) = %q, %v; the reference says below %v, the directory itself %v", p, dir, ok, below, bare)
			}
			if !ok {
				continue
			}
			if !strings.HasPrefix(clean, dir+"/") {
				t.Fatalf("%q: clean %q is not below CGI dir %q", p, clean, dir)
			}
			s, err := h.resolve(clean, dir)
			if err != nil {
				if _, ok := err.(*errorpage.Error); !ok {
					t.Fatalf("%q: error %v is not an *errorpage.Error", p, err)
				}
				continue
			}
			if !strings.HasPrefix(s.name, dir+"/") || s.name+s.pathInfo != clean {
				t.Fatalf("%q: SCRIPT_NAME %q + PATH_INFO %q != %q", p, s.name, s.pathInfo, clean)
			}
			rel, err := filepath.Rel(realRoot, s.file)
			if err != nil || strings.HasPrefix(rel, "..") || filepath.IsAbs(rel) {
				t.Fatalf("%q: resolved to %q, outside the root %q", p, s.file, realRoot)
			}
			if fi, err := os.Lstat(s.file); err != nil || !fi.Mode().IsRegular() {
				t.Fatalf("%q: resolved to %q, not a regular file (%v)", p, s.file, err)
			}
		}
	})
}

// referenceMatch is match written plainly: clean, lower-case, compare.
// below is a CGI request; bare is a CGI directory itself, without its
// slash, below no other.
func referenceMatch(p string, dirs []string) (below, bare bool) {
	clean, ok := safepath.Clean(p)
	if !ok {
		return false, false
	}
	lower := strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, clean)
	for _, d := range dirs {
		if strings.HasPrefix(lower, d+"/") {
			return true, false
		}
		bare = bare || lower == d
	}
	return false, bare
}

func TestResolveFixture(t *testing.T) {
	root := resolveFixture(t)
	h := New(OpenRoot(t, root), Options{})
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path, name, pathInfo string
		code                 int
		file                 string // the path exec'd, below the real root
	}{
		{"/cgi-bin/a.sh", "/cgi-bin/a.sh", "", 0, "cgi-bin/a.sh"},
		{"/cgi-bin/sub/b.sh/x/y/", "/cgi-bin/sub/b.sh", "/x/y/", 0, "cgi-bin/sub/b.sh"},
		{"/cgi-bin/in/p", "/cgi-bin/in", "/p", 0, "cgi-bin/a.sh"},
		{"/cgi-bin/subln/b.sh", "/cgi-bin/subln/b.sh", "", 0, "cgi-bin/sub/b.sh"},
		{"/cgi-bin/out", "", "", 404, ""},
		{"/cgi-bin/outdir/x.sh", "", "", 404, ""},
		{"/cgi-bin/sub", "", "", 403, ""},
		{"/cgi-bin/nope/x", "", "", 404, ""},
	}
	for _, tt := range tests {
		clean, dir, ok := h.match(tt.path)
		if !ok {
			t.Fatalf("match(%q) = false", tt.path)
		}
		s, err := h.resolve(clean, dir)
		if tt.code != 0 {
			if se, ok := err.(*errorpage.Error); !ok || se.Code != tt.code {
				t.Errorf("resolve(%q) = %v; want status %d", tt.path, err, tt.code)
			}
			continue
		}
		if err != nil || s.name != tt.name || s.pathInfo != tt.pathInfo {
			t.Errorf("resolve(%q) = %+v, %v; want %q, %q", tt.path, s, err, tt.name, tt.pathInfo)
			continue
		}
		if want := filepath.Join(realRoot, tt.file); s.file != want {
			t.Errorf("resolve(%q): exec path %q; want %q", tt.path, s.file, want)
		}
	}
}

// TestRootPaths: the path to exec comes from root.Name(), made absolute
// and real; a name that no longer leads to the root's directory is
// refused for every request rather than exec'd, and a removed one is 404.
func TestRootPaths(t *testing.T) {
	top := t.TempDir()
	for _, d := range []string{"a/cgi-bin", "b/cgi-bin"} {
		if err := os.MkdirAll(filepath.Join(top, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	realTop, err := filepath.EvalSymlinks(top)
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(top, "link")
	if err := os.Symlink("a", link); err != nil {
		t.Fatal(err)
	}
	t.Chdir(top)

	for _, name := range []string{"a", link} {
		h := New(OpenRoot(t, name), Options{})
		if h.rootErr != nil || h.dir != filepath.Join(top, name) && h.dir != name || h.real != filepath.Join(realTop, "a") {
			t.Errorf("New(%q): dir %q, real %q, %v; want %q real, no error", name, h.dir, h.real, h.rootErr, filepath.Join(realTop, "a"))
		}
	}

	moved := OpenRoot(t, link)
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("b", link); err != nil {
		t.Fatal(err)
	}
	h := New(moved, Options{})
	_, err = h.resolve("/cgi-bin/x", "/cgi-bin")
	if e, ok := err.(*errorpage.Error); !ok || e.Code != 500 {
		t.Errorf("root whose name leads elsewhere: resolve = %v; want 500", err)
	}
}
