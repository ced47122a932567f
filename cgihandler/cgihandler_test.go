//go:build unix

package cgihandler_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyhttp/httpserver/access"
	"github.com/pyhttp/httpserver/cgihandler"
	"github.com/pyhttp/httpserver/internal/safepath"
	"github.com/pyhttp/httpserver/middleware"
)

func TestEnv(t *testing.T) {
	t.Setenv("CGIHANDLER_SECRET", "hunter2")
	t.Setenv("CGIHANDLER_ALLOWED", "shared")
	t.Setenv("HTTP_PROXY", "http://server-proxy.example")
	srv, _ := newServer(t, cgihandler.Options{InheritEnv: []string{"CGIHANDLER_ALLOWED"}})
	u, _ := url.Parse(srv.URL)

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/cgi-bin/sub/deeper/child/extra/p%20ath?mode=env&x=a%20b", nil)
	req.Header.Set("User-Agent", "tester/1.0")
	req.Header.Add("Cookie", "a=1")
	req.Header.Add("Cookie", "b=2")
	req.Header.Set("Proxy", "http://attacker.example")
	req.Header.Set("X-Custom", "custom value")
	req.Header["X-A_B"] = []string{"forged"}
	req.Header.Add("Accept", "text/html")
	req.Header.Add("Accept", "text/plain")
	req.SetBasicAuth("alice", "s3cret")
	code, _, body := do(t, req)
	if code != http.StatusOK {
		t.Fatalf("status = %d; want 200\n%s", code, body)
	}
	env := envOf(body)
	root, _ := filepath.EvalSymlinks(fixture(t))
	want := map[string]string{
		"GATEWAY_INTERFACE":  "CGI/1.1",
		"SERVER_PROTOCOL":    "HTTP/1.1",
		"SERVER_SOFTWARE":    "pyhttp-httpserver",
		"SERVER_NAME":        "127.0.0.1",
		"SERVER_PORT":        u.Port(),
		"REQUEST_METHOD":     "GET",
		"SCRIPT_NAME":        "/cgi-bin/sub/deeper/child",
		"PATH_INFO":          "/extra/p ath",
		"PATH_TRANSLATED":    filepath.Join(fixture(t), "extra/p ath"),
		"QUERY_STRING":       "mode=env&x=a%20b",
		"REQUEST_URI":        "/cgi-bin/sub/deeper/child/extra/p%20ath?mode=env&x=a%20b",
		"SCRIPT_FILENAME":    filepath.Join(root, "cgi-bin/sub/deeper/child"),
		"REMOTE_ADDR":        "127.0.0.1",
		"REMOTE_HOST":        "",
		"CONTENT_LENGTH":     "",
		"HTTP_HOST":          u.Host,
		"HTTP_USER_AGENT":    "tester/1.0",
		"HTTP_COOKIE":        "a=1; b=2",
		"HTTP_ACCEPT":        "text/html, text/plain",
		"HTTP_X_CUSTOM":      "custom value",
		"HTTP_REFERER":       "",
		"CGIHANDLER_ALLOWED": "shared",
		"PATH":               os.Getenv("PATH"),
		"cwd":                filepath.Join(root, "cgi-bin/sub/deeper"),
		"args":               "[]",
	}
	for k, v := range want {
		if got, ok := env[k]; !ok || got != v {
			t.Errorf("%s = %q (set: %v); want %q", k, got, ok, v)
		}
	}
	// AUTH_TYPE and REMOTE_USER: Python took them from the header, but
	// nothing verified alice's password here (TestEnvVerifiedUser).
	for _, k := range []string{"CGIHANDLER_SECRET", "HTTP_PROXY", "HTTP_AUTHORIZATION", "HTTP_X_A_B", "CONTENT_TYPE", "HTTPS", "HOME", "AUTH_TYPE", "REMOTE_USER"} {
		if v, ok := env[k]; ok {
			t.Errorf("%s = %q; want it unset", k, v)
		}
	}
	if strings.Contains(body, "hunter2") || strings.Contains(body, "s3cret") {
		t.Errorf("a secret reached the script:\n%s", body)
	}
	if env["REMOTE_PORT"] == "" {
		t.Errorf("REMOTE_PORT unset")
	}
}

func TestEnvPassAuthorization(t *testing.T) {
	srv, _ := newServer(t, cgihandler.Options{PassAuthorization: true})
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/cgi-bin/child?mode=env", nil)
	req.Header.Set("Authorization", "Bearer tok")
	_, _, body := do(t, req)
	env := envOf(body)
	if env["HTTP_AUTHORIZATION"] != "Bearer tok" {
		t.Errorf("HTTP_AUTHORIZATION = %q; want %q", env["HTTP_AUTHORIZATION"], "Bearer tok")
	}
	for _, k := range []string{"AUTH_TYPE", "REMOTE_USER"} {
		if v, ok := env[k]; ok {
			t.Errorf("%s = %q for a token nothing verified; want it unset", k, v)
		}
	}
}

func TestPrivilegeDrop(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("not running as root")
	}
	srv, _ := newServer(t, cgihandler.Options{})
	_, _, body := get(t, srv.URL+"/cgi-bin/child?mode=env")
	if env := envOf(body); env["uid"] != "65534" || env["gid"] != "65534" {
		t.Errorf("script ran as uid %q gid %q; want nobody (65534)", env["uid"], env["gid"])
	}

	srv, logs := newServer(t, cgihandler.Options{User: "no-such-user-cgihandler"})
	if code, _, _ := get(t, srv.URL+"/cgi-bin/child?mode=env"); code != http.StatusInternalServerError {
		t.Errorf("unknown User: status = %d; want 500", code)
	}
	if !strings.Contains(logs.String(), "script user") {
		t.Errorf("unknown User not logged:\n%s", logs)
	}
}

func TestResolve(t *testing.T) {
	srv, _ := newServer(t, cgihandler.Options{})
	tests := []struct {
		path string
		code int
		text string // in the body
	}{
		{"/cgi-bin/child?mode=ignorestdin", 200, "ok"},
		{"/htbin/child?mode=ignorestdin", 200, "ok"},
		{"/cgi-bin/sub/deeper/child?mode=ignorestdin", 200, "ok"},
		{"/cgi-bin/sub/deeper/child/a/b?mode=ignorestdin", 200, "ok"},
		{"/cgi-bin/inside?mode=ignorestdin", 200, "ok"},
		{"/cgi-bin/script.sh", 200, "hello from cgi"},
		{"/cgi-bin/script.sh/", 200, "hello from cgi"},
		{"/cgi-bin/missing", 404, "No such CGI script"},
		{"/cgi-bin/sub/missing/x", 404, "No such CGI script"},
		{"/cgi-bin/noexec.sh", 403, "CGI script is not executable"},
		{"/cgi-bin/dir", 403, "CGI script is not a plain file"},
		{"/cgi-bin/dir/", 403, "CGI script is not a plain file"},
		{"/cgi-bin/sub/", 403, "CGI script is not a plain file"},
		{"/cgi-bin/", 403, "CGI script is not a plain file"},
		{"/cgi-bin/fifo", 403, "CGI script is not a plain file"},
		{"/cgi-bin/evil", 404, "No such CGI script"},
		{"/cgi-bin/evildir/evil.sh", 404, "No such CGI script"},
		{"/cgi-bin/../cgi-bin/script.sh", 200, "hello from cgi"},
		{"/cgi-bin/%2e%2e/outside/evil.sh", 404, "No such CGI script"},
		{"/cgi-bin/../../outside/evil.sh", 404, "No such CGI script"},
		{"/cgi-binx/script.sh", 404, "No such CGI script"},
		{"/index.html", 404, "No such CGI script"},
		{"/cgi-bin/child%00?mode=env", 404, "No such CGI script"},
	}
	for _, tt := range tests {
		code, _, body := get(t, srv.URL+tt.path)
		if code != tt.code || !strings.Contains(body, tt.text) {
			t.Errorf("GET %q: status = %d; want %d with %q\n%s", tt.path, code, tt.code, tt.text, body)
		}
		if strings.Contains(body, "EVIL") || strings.Contains(body, "SECRET-SOURCE") {
			t.Errorf("GET %q: ran or leaked what it must not:\n%s", tt.path, body)
		}
	}
}

// fileServerStandIn serves any file below root, source and all: what a
// file server does with a script it is handed.
func fileServerStandIn(root string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, _, ok := safepath.Resolve(r.URL.Path)
		if !ok {
			http.Error(w, "bad path", http.StatusBadRequest)
			return
		}
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
		if err != nil {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		w.Write(b)
	})
}

// TestOneRoutingTruth routes exactly as the command does, on Match, and
// proves no spelling of a script's URL reaches the file server.
func TestOneRoutingTruth(t *testing.T) {
	cgi, _ := newHandler(t, cgihandler.Options{})
	files := fileServerStandIn(fixture(t))
	router := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if cgi.Match(r) {
			cgi.ServeHTTP(w, r)
			return
		}
		files.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(router)
	defer srv.Close()

	// runs: the spelling names the script and must run it; the others
	// name no file. None may return the source.
	spellings := []struct {
		path string
		runs bool
	}{
		{"/cgi-bin/script.sh", true},
		{"/cgi-bin%2fscript.sh", true},
		{"/cgi-bin%2Fscript.sh", true},
		{"/%2e/cgi-bin/script.sh", true},
		{"/%2E/cgi-bin/script.sh", true},
		{"/./cgi-bin/script.sh", true},
		{"//cgi-bin/script.sh", true},
		{"///cgi-bin//script.sh", true},
		{"/cgi-bin/./script.sh", true},
		{"/cgi-bin/.//script.sh", true},
		{"/cgi-bin/sub/../script.sh", true},
		{"/cgi-bin/%2e%2e/cgi-bin/script.sh", true},
		{"/htbin/../cgi-bin/script.sh", true},
		{"/x/../cgi-bin/script.sh", true},
		{"/../cgi-bin/script.sh", true},
		{"/%2e%2e/cgi-bin/script.sh", true},
		{"/cgi-bin%2F..%2Fcgi-bin%2Fscript.sh", true},
		{"/c%67i-bin/script.sh", true},
		{"/CGI-BIN/script.sh", true},
		{"/Cgi-Bin/./script.sh", true},
		{"/cgi-bin/script.sh/", true},
		{"/cgi-bin/script.sh?x=1", true},
		{"/cgi-bin/script.sh%3Fx=1", false},
		{"/cgi-bin/script.sh%00", false},
		{"/cgi-bin/script.sh%2500", false},
		// The directory itself names no script: the file server gets it.
		{"/cgi-bin", false},
		{"//cgi-bin", false},
		{"/x/../cgi-bin", false},
		{"/CGI-BIN", false},
		{"/cgi-bin/.", false},
	}
	for _, sp := range spellings {
		// Sent byte for byte, so that neither client nor test helper
		// cleans the path first.
		status, body := rawGet(t, srv.URL, sp.path)
		if strings.Contains(body, "SECRET-SOURCE") {
			t.Errorf("GET %s: the file server returned the script's source", sp.path)
		}
		if ran := strings.Contains(body, "hello from cgi"); ran != sp.runs {
			t.Errorf("GET %s: %s, ran = %v; want %v", sp.path, status, ran, sp.runs)
		}
	}
	// Control: the stand-in does leak the source of a script outside
	// the CGI directories, so the test can see a leak.
	if _, body := rawGet(t, srv.URL, "/cgi-binx/script.sh"); !strings.Contains(body, "SECRET-SOURCE") {
		t.Errorf("control: stand-in file server did not serve /cgi-binx/script.sh")
	}
}

// rawDo sends a request whose target is exactly as given, follows no
// redirect, and returns the status, header and body.
func rawDo(t *testing.T, srv *httptest.Server, method, target string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.URL.Opaque = "//" + srv.Listener.Addr().String() + target
	resp, err := srv.Client().Transport.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, target, err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// rawGet sends the request line's target exactly as given.
func rawGet(t *testing.T, base, target string) (string, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base, nil)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(base)
	req.URL.Opaque = "//" + u.Host + target
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.Status, string(b)
}

func TestMatch(t *testing.T) {
	h := cgihandler.New(cgihandler.OpenRoot(t, t.TempDir()), cgihandler.Options{Dirs: []string{"/cgi-bin/", "/a/b", "/", ""}})
	tests := []struct {
		path string
		want bool
	}{
		{"/cgi-bin/", true},
		{"/CGI-BIN/", true},
		{"/cgi-bin//", true},
		{"/a/b/", true},
		{"/cgi-bin/x", true},
		{"/cgi-bin/x/y/", true},
		{"//cgi-bin/x", true},
		{"/./cgi-bin/x", true},
		{"/x/../cgi-bin/x", true},
		{"/../../cgi-bin/x", true},
		{"/a/b/c", true},
		{"/a/./b/c", true},
		{"/CGI-BIN/x", true},
		{"/A/B/c", true},
		{"/cgi-binx", false},
		{"/CGI-BINX/x", false},
		{"/cgi-bın/x", false}, // dotless ı: not ASCII
		{"/cgi-binx/y", false},
		{"/cgi-bin/../x", false},
		{"/htbin/x", false}, // not in Dirs
		{"/a/bc", false},
		{"/a", false},
		// A CGI directory without its slash is not a CGI request, as
		// in Python: is_cgi wants a "/" after the directory.
		{"/cgi-bin", false},
		{"/CGI-BIN", false},
		{"//cgi-bin", false},
		{"/x/../cgi-bin", false},
		{"/cgi-bin/.", false},
		{"/cgi-bin/x/..", false},
		{"/a/b", false},
		{"/", false},
		{"/index.html", false},
		{"/cgi-bin/\x00", false},
	}
	for _, tt := range tests {
		r := &http.Request{URL: &url.URL{Path: tt.path}}
		if got := h.Match(r); got != tt.want {
			t.Errorf("Match(%q) = %v; want %v", tt.path, got, tt.want)
		}
	}

	// A CGI directory that lies below another is a path below that
	// one, and so a CGI request, as in Python.
	nested := cgihandler.New(cgihandler.OpenRoot(t, t.TempDir()), cgihandler.Options{Dirs: []string{"/a/b", "/a"}})
	for path, want := range map[string]bool{"/a/b": true, "/a": false, "/a/b/x": true} {
		if got := nested.Match(&http.Request{URL: &url.URL{Path: path}}); got != want {
			t.Errorf("Dirs /a/b and /a: Match(%q) = %v; want %v", path, got, want)
		}
	}
}

// TestDirectoryWithoutSlash asks a Handler serving on its own for a CGI
// directory without its slash. Python's is_cgi is false for it, and
// SimpleHTTPRequestHandler redirects it to the directory with its slash,
// which then gets its 403; a POST gets 501. The redirect is relative and
// keeps the query, like the file server's.
func TestDirectoryWithoutSlash(t *testing.T) {
	srv, _ := newServer(t, cgihandler.Options{})
	sub, _ := newHandler(t, cgihandler.Options{Dirs: []string{"/cgi-bin/sub"}})
	subSrv := httptest.NewServer(sub)
	defer subSrv.Close()
	tests := []struct {
		srv            *httptest.Server
		method, target string
		code           int
		location       string // for a 301
		text           string // in the body otherwise
	}{
		{srv, "GET", "/cgi-bin", 301, "cgi-bin/", ""},
		{srv, "GET", "/htbin", 301, "htbin/", ""},
		{srv, "GET", "/cgi-bin?a=1&b=%2F", 301, "cgi-bin/?a=1&b=%2F", ""},
		{srv, "GET", "//cgi-bin", 301, "cgi-bin/", ""},
		{srv, "GET", "/x/../cgi-bin", 301, "cgi-bin/", ""},
		{srv, "GET", "/%63gi-bin", 301, "cgi-bin/", ""},
		{srv, "GET", "/CGI-BIN", 301, "CGI-BIN/", ""},
		{srv, "GET", "/cgi-bin/.", 301, "./", ""},
		{srv, "GET", "/cgi-bin/sub/..", 301, "../", ""},
		{srv, "HEAD", "/cgi-bin", 301, "cgi-bin/", ""},
		{srv, "POST", "/cgi-bin", 501, "", "Can only POST to CGI scripts"},
		{srv, "PUT", "/cgi-bin", 501, "", "Unsupported method ('PUT')"},
		{srv, "GET", "/cgi-bin/", 403, "", "CGI script is not a plain file"},
		{srv, "GET", "/cgi-binx", 404, "", "No such CGI script"},
		{subSrv, "GET", "/cgi-bin/sub", 301, "sub/", ""},
		{subSrv, "GET", "/cgi-bin/sub/", 403, "", "CGI script is not a plain file"},
		{subSrv, "GET", "/cgi-bin", 404, "", "No such CGI script"},
	}
	for _, tt := range tests {
		code, header, body := rawDo(t, tt.srv, tt.method, tt.target)
		if code != tt.code {
			t.Errorf("%s %q: status = %d; want %d\n%s", tt.method, tt.target, code, tt.code, body)
			continue
		}
		if !strings.Contains(body, tt.text) {
			t.Errorf("%s %q: body %q; want %q in it", tt.method, tt.target, body, tt.text)
		}
		if code != 301 {
			continue
		}
		loc := header.Get("Location")
		if loc != tt.location || header.Get("Content-Length") != "0" {
			t.Errorf("%s %q: Location %q, Content-Length %q; want %q, 0", tt.method, tt.target, loc, header.Get("Content-Length"), tt.location)
		}
		// Where a browser goes next: the directory with its slash, 403.
		base, err := url.Parse("http://x" + tt.target)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := url.Parse(loc)
		if err != nil {
			t.Fatalf("%s %q: Location %q: %v", tt.method, tt.target, loc, err)
		}
		next := base.ResolveReference(ref)
		if next.Host != "x" {
			t.Errorf("%s %q: Location %q leaves the site", tt.method, tt.target, loc)
			continue
		}
		if code, _, body := rawDo(t, tt.srv, "GET", next.RequestURI()); code != 403 || !strings.Contains(body, "CGI script is not a plain file") {
			t.Errorf("%s %q, then GET %q: status = %d; want 403\n%s", tt.method, tt.target, next.RequestURI(), code, body)
		}
	}
}

func TestBodies(t *testing.T) {
	srv, _ := newServer(t, cgihandler.Options{MaxBodyBytes: 4 << 20})
	mib := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
	sum := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	tests := []struct {
		name    string
		body    []byte
		chunked bool
		expect  bool
		code    int
		want    string
	}{
		{"empty", []byte{}, false, false, 200, "len=0 err=<nil>"},
		{"small", []byte("a=1&b=2"), false, false, 200, "body=a=1&b=2"},
		{"1MiB", mib, false, false, 200, "len=1048576 err=<nil> sha=" + sum(mib)},
		{"1MiB chunked", mib, true, false, 200, "len=1048576 err=<nil> sha=" + sum(mib)},
		{"1MiB expect", mib, false, true, 200, "len=1048576 err=<nil> sha=" + sum(mib)},
		{"chunked expect", mib, true, true, 200, "len=1048576 err=<nil> sha=" + sum(mib)},
		{"too large", bytes.Repeat(mib, 5), false, false, 413, "Request Entity Too Large"},
		{"too large chunked", bytes.Repeat(mib, 5), true, false, 413, "Request Entity Too Large"},
		{"too large expect", bytes.Repeat(mib, 5), false, true, 413, "Request Entity Too Large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader = bytes.NewReader(tt.body)
			if tt.chunked {
				body = io.MultiReader(body) // hides the length: chunked
			}
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/cgi-bin/child?mode=echo", body)
			if tt.chunked {
				req.ContentLength = -1
			}
			if tt.expect {
				req.Header.Set("Expect", "100-continue")
			}
			req.Header.Set("Content-Type", "application/octet-stream")
			code, _, got := do(t, req)
			if code != tt.code || !strings.Contains(got, tt.want) {
				t.Errorf("POST %s: status = %d; want %d with %q\n%.300s", tt.name, code, tt.code, tt.want, got)
			}
		})
	}
	// CONTENT_LENGTH and CONTENT_TYPE reach the script, the length
	// even for a chunked body.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/cgi-bin/child?mode=env", io.MultiReader(strings.NewReader("12345")))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "text/x-test")
	_, _, got := do(t, req)
	if env := envOf(got); env["CONTENT_LENGTH"] != "5" || env["CONTENT_TYPE"] != "text/x-test" {
		t.Errorf("chunked: CONTENT_LENGTH = %q, CONTENT_TYPE = %q; want 5, text/x-test", env["CONTENT_LENGTH"], env["CONTENT_TYPE"])
	}
}

func TestStatusAndHeaders(t *testing.T) {
	srv, _ := newServer(t, cgihandler.Options{})
	code, h, body := get(t, srv.URL+"/cgi-bin/child?mode=status")
	if code != http.StatusTeapot || body != "no coffee\n" {
		t.Errorf("status mode: %d %q; want 418 %q", code, body, "no coffee\n")
	}
	if h.Get("Content-Type") != "text/x-tea" || h.Get("X-Custom") != "yes" || strings.Join(h.Values("X-Multi"), ",") != "a,b" {
		t.Errorf("status mode: header = %v", h)
	}
	if h.Get("Connection") == "upgrade" {
		t.Errorf("script set the hop-by-hop Connection field")
	}

	code, _, body = get(t, srv.URL+"/cgi-bin/child?mode=nocontent")
	if code != http.StatusNoContent || body != "" {
		t.Errorf("nocontent mode: %d %q; want 204 with no body", code, body)
	}

	req, _ := http.NewRequest(http.MethodHead, srv.URL+"/cgi-bin/child?mode=status", nil)
	code, h, body = do(t, req)
	if code != http.StatusTeapot || body != "" || h.Get("X-Custom") != "yes" {
		t.Errorf("HEAD: %d %q %v; want 418, no body, X-Custom", code, body, h)
	}
}

func TestRedirects(t *testing.T) {
	srv, logs := newServer(t, cgihandler.Options{})
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	fetch := func(path string) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader("form=data"))
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatalf("POST %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}

	resp, body := fetch("/cgi-bin/child?mode=local")
	env := envOf(body)
	if resp.StatusCode != 200 || env["REQUEST_METHOD"] != "GET" || env["PATH_INFO"] != "/after" || env["CONTENT_LENGTH"] != "" {
		t.Errorf("local redirect: %d, REQUEST_METHOD %q, PATH_INFO %q, CONTENT_LENGTH %q; want 200, GET, /after, empty",
			resp.StatusCode, env["REQUEST_METHOD"], env["PATH_INFO"], env["CONTENT_LENGTH"])
	}
	if strings.Contains(body, "ignored body") {
		t.Errorf("local redirect: the first script's body was sent")
	}

	resp, _ = fetch("/cgi-bin/child?mode=loop")
	if resp.StatusCode != 500 || !strings.Contains(logs.String(), "too many local redirects") {
		t.Errorf("redirect loop: %d; want 500, logged", resp.StatusCode)
	}

	for mode, loc := range map[string]string{"external": "https://example.com/there", "netpath": "//evil.example/"} {
		resp, _ = fetch("/cgi-bin/child?mode=" + mode)
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != loc {
			t.Errorf("%s redirect: %d Location %q; want 302 %q", mode, resp.StatusCode, resp.Header.Get("Location"), loc)
		}
	}

	// With LocalRedirect set, the target is whatever it serves.
	h, _ := newHandler(t, cgihandler.Options{LocalRedirect: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "routed %s %s", r.Method, r.URL)
	})})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/cgi-bin/child?mode=local", nil))
	if got := rec.Body.String(); got != "routed GET /cgi-bin/child/after?mode=env" {
		t.Errorf("LocalRedirect handler got %q", got)
	}
}

// TestStreaming proves output is sent as written: the script prints a
// line and then waits for the request body to end, which the client
// sends only once it has read that line.
func TestStreaming(t *testing.T) {
	srv, _ := newServer(t, cgihandler.Options{Timeout: 20 * time.Second})
	pr, pw := io.Pipe()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/cgi-bin/child?mode=stream", pr)
	req.ContentLength = 3
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	req = req.WithContext(ctx)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, len("line 1\n"))
	if _, err := io.ReadFull(resp.Body, buf); err != nil || string(buf) != "line 1\n" {
		t.Fatalf("first line: %q, %v", buf, err)
	}
	pw.Write([]byte("go!"))
	pw.Close()
	rest, err := io.ReadAll(resp.Body)
	if err != nil || string(rest) != "line 2\n" {
		t.Errorf("rest: %q, %v; want %q", rest, err, "line 2\n")
	}
}

// TestOutputInOneWrite proves output that comes together is not flushed
// piecemeal: a short script's response has a Content-Length, not chunks.
// The flush delay is long here so that a slow machine cannot make the
// script look paused.
func TestOutputInOneWrite(t *testing.T) {
	h, _ := newHandler(t, cgihandler.Options{})
	cgihandler.SetFlushDelay(h, 10*time.Second)
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/cgi-bin/child?mode=status")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || string(b) != "no coffee\n" {
		t.Fatalf("body %q, %v", b, err)
	}
	if resp.ContentLength != int64(len(b)) || len(resp.TransferEncoding) > 0 {
		t.Errorf("Content-Length %d, Transfer-Encoding %v; want %d and none", resp.ContentLength, resp.TransferEncoding, len(b))
	}
}

func TestBigOutputFlatMemory(t *testing.T) {
	srv, _ := newServer(t, cgihandler.Options{})
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	resp, err := http.Get(srv.URL + "/cgi-bin/child?mode=big")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var n int64
	var peak uint64
	buf := make([]byte, 1<<20)
	for {
		m, err := resp.Body.Read(buf)
		n += int64(m)
		if n%(5<<20) < int64(m) { // about every 5 MiB
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if n != 50<<20 {
		t.Errorf("read %d bytes; want %d", n, 50<<20)
	}
	if grow := int64(peak) - int64(base); grow > 16<<20 {
		t.Errorf("heap grew by %d MiB while streaming 50 MiB; want it flat", grow>>20)
	}
	t.Logf("heap in use: base %d KiB, peak %d KiB", base>>10, peak>>10)
}

func TestTimeout(t *testing.T) {
	srv, logs := newServer(t, cgihandler.Options{Timeout: 3 * time.Second})
	done := make(chan struct{})
	var code int
	var body string
	go func() {
		defer close(done)
		code, _, body = get(t, srv.URL+"/cgi-bin/child?mode=hang")
	}()
	// Other requests are served while one script hangs: once it has
	// said so on stderr.
	logs.waitFor(t, "pid=")
	for range 3 {
		if c, _, b := get(t, srv.URL+"/cgi-bin/child?mode=ignorestdin"); c != 200 || b != "ok\n" {
			t.Errorf("request beside a hung script: %d %q", c, b)
		}
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("hung script not killed within 10s")
	}
	if code != http.StatusGatewayTimeout || !strings.Contains(body, "Gateway Timeout") {
		t.Errorf("hung script: %d; want 504\n%s", code, body)
	}
	if !strings.Contains(logs.String(), "CGI script timed out") {
		t.Errorf("timeout not logged:\n%s", logs)
	}
	for _, pid := range pidsIn(logs.String()) {
		waitGone(t, pid)
	}
}

func TestTimeoutAfterHeader(t *testing.T) {
	// The timeout must leave the script time to start and send its
	// header: the script is this test binary run again, which took more
	// than 500 ms at a load average of 13 (a 504 with no body).
	srv, logs := newServer(t, cgihandler.Options{Timeout: 3 * time.Second})
	resp, err := http.Get(srv.URL + "/cgi-bin/child?mode=hangafter")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil {
		t.Errorf("truncated response read as complete: %q", b)
	}
	if string(b) != "partial\n" {
		t.Errorf("body = %q; want %q before the cut", b, "partial\n")
	}
	for _, pid := range pidsIn(logs.String()) {
		waitGone(t, pid)
	}
}

// TestSignalAfterHeader: a script killed by a signal after its header
// (a crash, the OOM killer) leaves a body cut at the connection, never
// one that looks complete.
func TestSignalAfterHeader(t *testing.T) {
	srv, _ := newServer(t, cgihandler.Options{})
	resp, err := http.Get(srv.URL + "/cgi-bin/child?mode=signalafter")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil {
		t.Errorf("body of a killed script read as complete: %q", b)
	}
	if string(b) != "partial\n" {
		t.Errorf("body = %q; want %q before the cut", b, "partial\n")
	}
}

func TestClientDisconnect(t *testing.T) {
	srv, logs := newServer(t, cgihandler.Options{Timeout: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/cgi-bin/child?mode=hangafter", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	io.ReadFull(resp.Body, buf)
	cancel()
	resp.Body.Close()
	logs.waitFor(t, "client went away")
	for _, pid := range pidsIn(logs.String()) {
		waitGone(t, pid)
	}
}

func TestCrash(t *testing.T) {
	srv, logs := newServer(t, cgihandler.Options{})
	code, _, body := get(t, srv.URL+"/cgi-bin/child?mode=crash")
	if code != 500 || strings.Contains(body, "crash") {
		t.Errorf("crash: %d; want a generic 500\n%s", code, body)
	}
	code, _, body = get(t, srv.URL+"/cgi-bin/child?mode=crashafter")
	if code != 200 || body != "partial\n" {
		t.Errorf("crash after output: %d %q; want 200 %q", code, body, "partial\n")
	}
	code, _, body = get(t, srv.URL+"/cgi-bin/child?mode=badheader")
	if code != 500 || strings.Contains(body, "not a header") {
		t.Errorf("bad header: %d; want a generic 500\n%s", code, body)
	}
	l := logs.String()
	for _, want := range []string{
		`msg="CGI script stderr" script=/cgi-bin/child line="about to crash"`,
		`msg="CGI script sent no valid header" script=/cgi-bin/child`,
		`msg="CGI script exit code 4" script=/cgi-bin/child`,
	} {
		if !strings.Contains(l, want) {
			t.Errorf("log lacks %s:\n%s", want, l)
		}
	}
}

func TestStderrLogged(t *testing.T) {
	srv, logs := newServer(t, cgihandler.Options{})
	if code, _, body := get(t, srv.URL+"/cgi-bin/child?mode=stderr"); code != 200 || body != "fine\n" {
		t.Errorf("stderr mode: %d %q", code, body)
	}
	if want := `level=WARN msg="CGI script stderr" script=/cgi-bin/child line="a warning"`; !strings.Contains(logs.String(), want) {
		t.Errorf("log lacks %s:\n%s", want, logs)
	}
}

func TestIgnoredStdin(t *testing.T) {
	srv, _ := newServer(t, cgihandler.Options{Timeout: 20 * time.Second})
	big := bytes.Repeat([]byte("x"), 32<<20)
	start := time.Now()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/cgi-bin/child?mode=ignorestdin", bytes.NewReader(big))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		// The server may close the connection before the client has
		// sent the whole body; what matters is that nothing hangs.
		t.Logf("POST: %v", err)
	} else {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != "ok\n" {
			t.Errorf("POST to a script ignoring stdin: %d %q", resp.StatusCode, b)
		}
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v; want no deadlock", d)
	}
}

func TestConcurrent(t *testing.T) {
	srv, _ := newServer(t, cgihandler.Options{})
	var wg sync.WaitGroup
	errs := make(chan string, 50)
	for i := range 50 {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/cgi-bin/child?mode=echo", strings.NewReader(fmt.Sprint("req", i)))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				errs <- err.Error()
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if want := fmt.Sprint("body=req", i); !strings.Contains(string(b), want) {
				errs <- fmt.Sprintf("request %d: %d %q", i, resp.StatusCode, b)
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestNoOrphans(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	srv, _ := newServer(t, cgihandler.Options{})
	code, _, body := get(t, srv.URL+"/cgi-bin/child?mode=grandchild")
	var pid int
	if _, err := fmt.Sscanf(body, "grandchild=%d", &pid); code != 200 || err != nil {
		t.Fatalf("grandchild mode: %d %q", code, body)
	}
	waitGone(t, pid)
}

// TestErrorPagesAround checks that middleware.ErrorPages around the
// handler gives its errors the app's page, the page of every status the
// handler answers itself.
func TestErrorPagesAround(t *testing.T) {
	h, _ := newHandler(t, cgihandler.Options{})
	srv := httptest.NewServer(middleware.NewErrorPages(middleware.ErrorPagesOptions{
		Template:    template.Must(template.New("").Parse(`<b>{{.Code}} {{.Message}}</b>`)),
		ContentType: "text/html; charset=utf-8",
	}).Handler(h))
	defer srv.Close()
	for _, tt := range []struct {
		path string
		code int
		body string
	}{
		{"/cgi-bin/missing", 404, "<b>404 No such CGI script</b>"},
		{"/cgi-bin/noexec.sh", 403, "<b>403 CGI script is not executable</b>"},
		{"/cgi-bin/child?mode=badheader", 500, "<b>500 Internal Server Error</b>"},
	} {
		code, h, body := get(t, srv.URL+tt.path)
		if code != tt.code || body != tt.body {
			t.Errorf("GET %s: %d %q; want %d %q", tt.path, code, body, tt.code, tt.body)
		}
		if h.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("GET %s: Content-Type = %q", tt.path, h.Get("Content-Type"))
		}
	}
}

// TestAccess: the access policy is consulted before a script is looked
// up: a denied script, or one below a denied directory, is "No such CGI
// script" however it exists, and with Everyone an anonymous request gets
// 401 before anything reveals whether the script exists.
func TestAccess(t *testing.T) {
	deny, err := access.New(access.Options{Deny: []string{"script.sh", "cgi-bin/sub"}})
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := newServer(t, cgihandler.Options{Access: deny})
	for path, want := range map[string]int{
		"/cgi-bin/script.sh":                         404,
		"/cgi-bin/sub/deeper/child?mode=ignorestdin": 404,
		"/cgi-bin/child?mode=ignorestdin":            200,
	} {
		if code, _, body := get(t, srv.URL+path); code != want || strings.Contains(body, "hello from cgi") && want == 404 {
			t.Errorf("deny: GET %s = %d; want %d", path, code, want)
		}
	}

	auth, err := access.New(access.Options{Authenticate: access.Everyone})
	if err != nil {
		t.Fatal(err)
	}
	srv, _ = newServer(t, cgihandler.Options{Access: auth})
	for _, path := range []string{"/cgi-bin/script.sh", "/cgi-bin/missing"} {
		if code, hdr, _ := get(t, srv.URL+path); code != 401 || hdr.Get("WWW-Authenticate") == "" {
			t.Errorf("Everyone: anonymous GET %s = %d, challenge %q; want 401 with one", path, code, hdr.Get("WWW-Authenticate"))
		}
	}
}
