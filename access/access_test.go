package access

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pyhttp/httpserver/internal/errorpage"
)

func mustNew(t testing.TB, opts Options) *Policy {
	t.Helper()
	p, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestHiddenDenied(t *testing.T) {
	p := mustNew(t, Options{
		Hide: []string{"node_modules", "build/*.map"},
		Deny: []string{"**/.git", "*.key", "private/**", "/secret.txt"},
	})
	for _, tt := range []struct {
		name           string
		hidden, denied bool
	}{
		{".", false, false},
		{"index.html", false, false},
		{"node_modules", true, false},
		{"a/node_modules", true, false},         // slash-less: any depth
		{"node_modules/left-pad", false, false}, // hide matches the name only
		{"build/app.js.map", true, false},
		{"x/build/app.js.map", false, false}, // with a slash: anchored
		{".git", true, true},
		{"a/b/.git", true, true},
		{"a/b/.git/config", true, true}, // below a denied directory
		{".gitignore", false, false},
		{"server.key", true, true},
		{"a/server.key", true, true},
		{"server.key.txt", false, false},
		{"private", true, true},
		{"private/a/b", true, true},
		{"privateer", false, false},
		{"secret.txt", true, true},
		{"a/secret.txt", false, false},
		{"Secret.txt", false, false}, // case-sensitive, like the file system
	} {
		if got := p.Hidden(tt.name); got != tt.hidden {
			t.Errorf("Hidden(%q) = %v; want %v", tt.name, got, tt.hidden)
		}
		if got := p.Denied(tt.name); got != tt.denied {
			t.Errorf("Denied(%q) = %v; want %v", tt.name, got, tt.denied)
		}
	}
}

func TestDenyDotfiles(t *testing.T) {
	p := mustNew(t, Options{DenyDotfiles: true})
	for name, want := range map[string]bool{
		".": false, "a": false, ".env": true, "a/.git/config": true, "a/b.": false, "a..b": false, "a/.": false,
	} {
		if got := p.Denied(name); got != want {
			t.Errorf("Denied(%q) = %v; want %v", name, got, want)
		}
	}
	if !p.HidesAnything() || mustNew(t, Options{}).HidesAnything() {
		t.Error("HidesAnything: want true with DenyDotfiles only, false with no rules")
	}
}

// TestNilPolicy: a nil *Policy, what a handler without rules holds, allows
// everything and hides nothing.
func TestNilPolicy(t *testing.T) {
	var p *Policy
	r := httptest.NewRequest("PUT", "/x", nil)
	if p.Hidden(".git") || p.Denied(".git") || p.HidesAnything() || p.Check(httptest.NewRecorder(), r, ".git", Write) != nil {
		t.Error("a nil Policy hid, denied or refused something")
	}
}

// TestDecide is the authorization table: user × action × name, for each
// scope.
func TestDecide(t *testing.T) {
	for _, tt := range []struct {
		scope  Scope
		user   string
		action Action
		name   string
		want   decision
	}{
		{Nobody, "", Read, "a.txt", allowed},
		{Nobody, "", Write, "a.txt", allowed},
		{Nobody, "", Read, ".git/config", deniedName},
		{Nobody, "ann", Write, "private/x", deniedName},
		{Writers, "", Read, "a.txt", allowed},
		{Writers, "", Read, ".", allowed},
		{Writers, "", Write, "a.txt", needsUser},
		{Writers, "", Write, ".", needsUser},
		{Writers, "ann", Write, "a.txt", allowed},
		{Writers, "ann", Write, ".git/hooks/pre-commit", deniedName},
		{Writers, "", Write, ".git/config", deniedName}, // a denied name is 404 before 401: nothing to reveal
		{Everyone, "", Read, "a.txt", needsUser},
		{Everyone, "", Read, ".", needsUser},
		{Everyone, "ann", Read, "a.txt", allowed},
		{Everyone, "ann", Write, "a.txt", allowed},
		{Everyone, "ann", Read, "private", deniedName},
	} {
		p := mustNew(t, Options{Authenticate: tt.scope, Deny: []string{"**/.git", "private"}})
		if got := p.decide(tt.user, tt.name, tt.action); got != tt.want {
			t.Errorf("scope %d: decide(%q, %q, %d) = %d; want %d", tt.scope, tt.user, tt.name, tt.action, got, tt.want)
		}
	}
}

func TestCheck(t *testing.T) {
	p := mustNew(t, Options{Authenticate: Writers, Realm: "files", Deny: []string{"*.key"}})

	w := httptest.NewRecorder()
	r := httptest.NewRequest("PUT", "/a.txt", nil)
	err := p.Check(w, r, "a.txt", Write)
	if code, _ := errorpage.Status(err); code != http.StatusUnauthorized {
		t.Errorf("anonymous write: status %d; want 401", code)
	}
	if got, want := w.Header().Get("WWW-Authenticate"), `Basic realm="files", charset="UTF-8"`; got != want {
		t.Errorf("WWW-Authenticate = %q; want %q", got, want)
	}

	r = r.WithContext(WithUser(r.Context(), "ann"))
	if err := p.Check(httptest.NewRecorder(), r, "a.txt", Write); err != nil {
		t.Errorf("ann's write: %v", err)
	}
	w = httptest.NewRecorder()
	err = p.Check(w, r, "id.key", Read)
	if code, _ := errorpage.Status(err); code != http.StatusNotFound || w.Header().Get("WWW-Authenticate") != "" {
		t.Errorf("denied name: status %d, challenge %q; want 404 and none", code, w.Header().Get("WWW-Authenticate"))
	}
	if User(r.Context()) != "ann" || User(httptest.NewRequest("GET", "/", nil).Context()) != "" {
		t.Error("User: wrong user from the context")
	}
}

// TestNewHostile: patterns and realms are user input; each bad one is
// refused with an error that names it.
func TestNewHostile(t *testing.T) {
	for _, tt := range []struct {
		opts Options
		want string
	}{
		{Options{Hide: []string{""}}, `""`},
		{Options{Deny: []string{"a/../b"}}, `"a/../b"`},
		{Options{Deny: []string{"["}}, `"["`},
		{Options{Deny: []string{"ok", "a**"}}, `"a**"`},
		{Options{Hide: []string{"a//b"}}, `"a//b"`},
		{Options{Deny: []string{strings.Repeat("a/", 40)}}, "segments"},
		{Options{Realm: `a"b`}, "realm"},
		{Options{Realm: "a\\b"}, "realm"},
		{Options{Realm: "a\r\nX-Injected: 1"}, "realm"},
		{Options{Authenticate: 7}, "scope"},
	} {
		p, err := New(tt.opts)
		if err == nil || p != nil {
			t.Errorf("New(%+v): no error", tt.opts)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%+v): error %q does not mention %s", tt.opts, err, tt.want)
		}
	}
}

// FuzzPolicy: for any pattern and name, New and the checks never panic,
// a denied name is hidden, and everything below a denied name is denied.
func FuzzPolicy(f *testing.F) {
	for _, s := range [][2]string{{"**/.git", "a/.git"}, {"*.key", "x.key"}, {"private/**", "private"}, {"[", "a"}, {"a/*", "a/b/c"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, name string) {
		p, err := New(Options{Deny: []string{pattern}, Hide: []string{pattern}, DenyDotfiles: len(name)%2 == 0})
		if err != nil {
			return
		}
		if p.Denied(name) {
			if !p.Hidden(name) {
				t.Fatalf("%q: denied but not hidden", name)
			}
			if !p.Denied(name + "/x") {
				t.Fatalf("%q denied, %q below it not", name, name+"/x")
			}
		}
	})
}
