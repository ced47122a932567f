package access

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pyhttp/httpserver/internal/errorpage"
)

// counted returns users from lines, counting the bcrypt comparisons in
// real and dummy.
func counted(t testing.TB, real, dummy *atomic.Int64, lines ...string) *Users {
	u := mustUsers(t, lines...)
	u.onCompare = func(d bool) {
		if d {
			dummy.Add(1)
		} else {
			real.Add(1)
		}
	}
	return u
}

func basic(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

// whoami answers with the user the request carries, "-" for none.
var whoami = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	u := User(r.Context())
	if u == "" {
		u = "-"
	}
	w.Write([]byte(u))
})

func TestBasicAuth(t *testing.T) {
	long := strings.Repeat("x", 72)
	for _, tt := range []struct {
		name   string
		header []string // Authorization fields; nil: none
		code   int
		user   string
		real   int64 // bcrypt comparisons against a user's hash
		dummy  int64 // against the dummy hash
	}{
		{"right password", []string{basic("ann", "s3cret")}, 200, "ann", 1, 0},
		{"scheme in lower case", []string{"basic " + basic("ann", "s3cret")[6:]}, 200, "ann", 1, 0},
		{"wrong password", []string{basic("ann", "s3cret!")}, 401, "", 1, 0},
		{"empty password", []string{basic("ann", "")}, 401, "", 1, 0},
		{"user in another case", []string{basic("Ann", "s3cret")}, 401, "", 0, 1},
		{"unknown user", []string{basic("nobody", "s3cret")}, 401, "", 0, 1},
		{"':' in password (dufs #449)", []string{basic("colon", "pa:ss:word")}, 200, "colon", 1, 0},
		{"':' in password, the user not cut at its first", []string{basic("col", "on:pa:ss:word")}, 401, "", 0, 1},
		{"non-ASCII password", []string{basic("uni", "ünïcode")}, 200, "uni", 1, 0},
		{"72-byte password", []string{basic("long", long)}, 200, "long", 1, 0},
		{"73-byte password (bcrypt ignores the rest)", []string{basic("long", long+"y")}, 401, "", 0, 0},
		{"empty user", []string{basic("", "s3cret")}, 401, "", 0, 0},
		{"no colon", []string{"Basic " + base64.StdEncoding.EncodeToString([]byte("anns3cret"))}, 401, "", 0, 0},
		{"bad base64", []string{"Basic !!!!"}, 401, "", 0, 0},
		{"unpadded base64", []string{strings.TrimRight(basic("ann", "s3cret1"), "=")}, 401, "", 0, 0},
		{"plain text credentials", []string{"Basic ann:s3cret"}, 401, "", 0, 0},
		{"no credentials", []string{"Basic"}, 401, "", 0, 0},
		{"Bearer", []string{"Bearer s3cret"}, 401, "", 0, 0},
		{"Digest", []string{`Digest username="ann"`}, 401, "", 0, 0},
		{"empty header", []string{""}, 401, "", 0, 0},
		{"two fields", []string{basic("ann", "s3cret"), basic("bob", "x")}, 401, "", 0, 0},
		{"header too long", []string{basic("ann", "s3cret") + strings.Repeat("=", 1024)}, 401, "", 0, 0},
		{"non-UTF-8 user", []string{basic("ann\xff", "s3cret")}, 401, "", 0, 0},
		{"non-UTF-8 password", []string{basic("ann", "s3cret\xff")}, 401, "", 0, 0},
		{"control character", []string{basic("ann\n", "s3cret")}, 401, "", 0, 0},
		{"NUL in password", []string{basic("ann", "s3cret\x00")}, 401, "", 0, 0},
		{"anonymous, scope Writers", nil, 200, "-", 0, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var real, dummy atomic.Int64
			users := counted(t, &real, &dummy,
				htpasswdLine("ann", "s3cret"), htpasswdLine("colon", "pa:ss:word"),
				htpasswdLine("uni", "ünïcode"), htpasswdLine("long", strings.Repeat("x", 72)))
			p := mustNew(t, Options{Authenticate: Writers, Realm: "test"})
			h := p.BasicAuth(users)(whoami)
			r := httptest.NewRequest("GET", "/", nil)
			for _, v := range tt.header {
				r.Header.Add("Authorization", v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.code {
				t.Errorf("status %d; want %d", w.Code, tt.code)
			}
			if tt.code == 200 && w.Body.String() != tt.user {
				t.Errorf("user %q; want %q", w.Body.String(), tt.user)
			}
			if got, want := w.Header().Get("WWW-Authenticate"), `Basic realm="test", charset="UTF-8"`; tt.code == 401 && got != want {
				t.Errorf("WWW-Authenticate %q; want %q", got, want)
			}
			if tt.code == 401 && (strings.Contains(w.Body.String(), "s3cret") || len(tt.header) > 0 && tt.header[0] != "" && strings.Contains(w.Body.String(), tt.header[0])) {
				t.Errorf("401 page echoes the credentials:\n%s", w.Body)
			}
			if real.Load() != tt.real || dummy.Load() != tt.dummy {
				t.Errorf("bcrypt comparisons: %d real, %d dummy; want %d, %d", real.Load(), dummy.Load(), tt.real, tt.dummy)
			}
		})
	}
}

// TestBasicAuthScopes: without credentials, Everyone is refused before
// any handler runs, while Writers and Nobody pass the request on; wrong
// credentials are refused in every scope.
func TestBasicAuthScopes(t *testing.T) {
	users := mustUsers(t, htpasswdLine("ann", "s3cret"))
	for _, scope := range []Scope{Nobody, Writers, Everyone} {
		h := mustNew(t, Options{Authenticate: scope}).BasicAuth(users)(whoami)
		for _, tt := range []struct {
			header string
			want   int
		}{
			{"", map[Scope]int{Nobody: 200, Writers: 200, Everyone: 401}[scope]},
			{basic("ann", "wrong"), 401},
			{basic("ann", "s3cret"), 200},
		} {
			r := httptest.NewRequest("GET", "/", nil)
			if tt.header != "" {
				r.Header.Set("Authorization", tt.header)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.want {
				t.Errorf("scope %d, Authorization %q: status %d; want %d", scope, tt.header, w.Code, tt.want)
			}
		}
	}
	// A nil Policy: default realm, no rules.
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", basic("ann", "x"))
	(*Policy)(nil).BasicAuth(users)(whoami).ServeHTTP(w, r)
	if w.Code != 401 || w.Header().Get("WWW-Authenticate") != `Basic realm="httpserver", charset="UTF-8"` {
		t.Errorf("nil Policy: status %d, challenge %q", w.Code, w.Header().Get("WWW-Authenticate"))
	}
}

// TestBasicAuthCache: bcrypt runs once per credentials, not per request,
// until the entry expires; failures are never remembered; the cache
// stays within its size and holds no password.
func TestBasicAuthCache(t *testing.T) {
	var real, dummy atomic.Int64
	users := counted(t, &real, &dummy, htpasswdLine("ann", "s3cret"))
	a := newBasicAuth(users, mustNew(t, Options{}), 4, time.Minute)
	now := time.Unix(1e9, 0)
	a.cache.now = func() time.Time { return now }
	h := a.handler(whoami)
	get := func(header string) int {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", header)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	for i := range 5 {
		if code := get(basic("ann", "s3cret")); code != 200 {
			t.Fatalf("request %d: status %d", i, code)
		}
	}
	if real.Load() != 1 {
		t.Errorf("5 requests with the same credentials: %d bcrypt comparisons; want 1", real.Load())
	}
	for range 3 {
		get(basic("ann", "wrong"))
	}
	if real.Load() != 4 {
		t.Errorf("3 wrong passwords: %d comparisons in all; want 4 (no failure cached)", real.Load())
	}
	now = now.Add(time.Minute)
	get(basic("ann", "s3cret"))
	if real.Load() != 5 {
		t.Errorf("after the TTL: %d comparisons in all; want 5", real.Load())
	}
	for _, e := range a.cache.entries {
		if strings.Contains(e.user, "s3cret") {
			t.Errorf("cache entry %+v holds the password", e)
		}
	}
	// Fill past the size with distinct headers for the same credentials:
	// the scheme in other cases.
	for _, scheme := range []string{"basic", "BASIC", "bAsic", "baSic", "basIc", "basiC", "BAsic"} {
		if code := get(strings.Replace(basic("ann", "s3cret"), "Basic", scheme, 1)); code != 200 {
			t.Errorf("scheme %q: status %d", scheme, code)
		}
	}
	if n := len(a.cache.entries); n > 4 {
		t.Errorf("cache holds %d entries; want at most 4", n)
	}
}

// TestBasicAuthConcurrent: requests with the same credentials at the
// same time, as a browser sends them on its first connections, share one
// bcrypt comparison: the others wait for it or find its result cached.
func TestBasicAuthConcurrent(t *testing.T) {
	var real, dummy atomic.Int64
	users := counted(t, &real, &dummy, htpasswdLine("ann", "s3cret"))
	slow := users.onCompare
	users.onCompare = func(d bool) { slow(d); time.Sleep(50 * time.Millisecond) }
	h := mustNew(t, Options{Authenticate: Everyone}).BasicAuth(users)(whoami)
	const n = 16
	codes := make(chan int, n)
	for range n {
		go func() {
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("Authorization", basic("ann", "s3cret"))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			codes <- w.Code
		}()
	}
	for range n {
		select {
		case code := <-codes:
			if code != 200 {
				t.Errorf("status %d; want 200", code)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a request did not finish within 10s")
		}
	}
	if real.Load() != 1 {
		t.Errorf("%d concurrent requests: %d bcrypt comparisons; want 1", n, real.Load())
	}
}

// TestBasicAuthNotesUser: the user reaches the access log's note outside,
// a failure notes none, and the 401 page does not repeat the password.
func TestBasicAuthNotesUser(t *testing.T) {
	users := mustUsers(t, htpasswdLine("ann", "s3cret"))
	h := mustNew(t, Options{}).BasicAuth(users)(whoami)
	var note errorpage.Note
	r := httptest.NewRequest("GET", "/", nil)
	r = r.WithContext(errorpage.WithNote(r.Context(), &note))
	r.Header.Set("Authorization", basic("ann", "s3cret"))
	h.ServeHTTP(httptest.NewRecorder(), r)
	if note.User != "ann" {
		t.Errorf("note.User = %q; want ann", note.User)
	}
	note = errorpage.Note{}
	r.Header.Set("Authorization", basic("ann", "bad"))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if note.User != "" || note.Code != 401 || bytes.Contains(w.Body.Bytes(), []byte("bad")) {
		t.Errorf("wrong password: note %+v, body %q", note, w.Body)
	}
}

// FuzzParseBasic: parseBasic never panics, agrees with net/http's
// Request.BasicAuth on what it accepts, and accepts only a non-empty
// user without ":" and a password of at most 72 bytes, in valid UTF-8
// without control characters.
func FuzzParseBasic(f *testing.F) {
	for _, s := range []string{basic("ann", "s3cret"), basic("a", "b:c"), "basic YTpi", "Basic !!", "Bearer x", "Basic", "Basic ", basic("", "x"), basic("\xff", "x"), basic("a\n", "x")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		user, password, ok := parseBasic(header)
		if !ok {
			if user != "" || password != "" {
				t.Fatal("values with !ok")
			}
			return
		}
		if user == "" || strings.Contains(user, ":") || len(password) > 72 ||
			strings.ContainsFunc(user+password, isControl) || !utf8.ValidString(user+password) {
			t.Fatalf("parseBasic(%q) = %q, %q", header, user, password)
		}
		r := &http.Request{Header: http.Header{"Authorization": {header}}}
		if u, p, ok := r.BasicAuth(); !ok || u != user || p != password {
			t.Fatalf("parseBasic(%q) = %q, %q; net/http: %q, %q, %v", header, user, password, u, p, ok)
		}
	})
}

// BenchmarkBasicAuthCached is what authentication adds to a request
// whose credentials are in the cache: the SHA-256 of the header, a map
// lookup and the user put in the context.
func BenchmarkBasicAuthCached(b *testing.B) {
	users := mustUsers(b, htpasswdLine("ann", "s3cret"))
	noop := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	r := httptest.NewRequest("GET", "/1k.txt", nil)
	r.Header.Set("Authorization", basic("ann", "s3cret"))
	w := httptest.NewRecorder()
	for name, h := range map[string]http.Handler{
		"none": noop,
		"auth": mustNew(b, Options{Authenticate: Everyone}).BasicAuth(users)(noop),
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, r)
			}
		})
	}
}
