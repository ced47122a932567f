package fileserver

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// osTree lays out a served root inside a temporary directory, with a
// secret file beside it that no request may reach.
func osTree(t *testing.T) (rootDir, secret string) {
	t.Helper()
	top := t.TempDir()
	rootDir = filepath.Join(top, "root")
	secret = "TOP-SECRET-" + t.Name()
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(top, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("secret.txt", secret)
	write("outside/also-secret.txt", secret)
	write("root/index.txt", "public")
	write("root/sub/inner.txt", "inner")
	link := func(target, name string) {
		t.Helper()
		if err := os.Symlink(target, filepath.Join(rootDir, name)); err != nil {
			t.Fatal(err)
		}
	}
	link("../secret.txt", "escape.txt")
	link(filepath.Join(top, "secret.txt"), "absolute.txt")
	link("../outside", "escape-dir")
	link("sub/inner.txt", "inside.txt")
	link("sub", "inside-dir")
	mkfifo(t, filepath.Join(rootDir, "pipe"))
	return rootDir, secret
}

func serveRoot(t *testing.T, dir string, opts Options) http.Handler {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	return New(RootFS(root), opts)
}

func TestOSRootConfinement(t *testing.T) {
	for _, watch := range []bool{false, true} {
		t.Run(fmt.Sprintf("WatchFiles=%v", watch), func(t *testing.T) { testOSRootConfinement(t, watch) })
	}
}

func testOSRootConfinement(t *testing.T, watch bool) {
	dir, secret := osTree(t)
	h := serveRoot(t, dir, Options{ErrorLog: discardLog, WatchFiles: watch})
	for _, tt := range []struct {
		target string
		code   int
		body   string
	}{
		{"/index.txt", 200, "public"},
		{"/inside.txt", 200, "inner"},           // a symlink within the root is followed
		{"/inside-dir/inner.txt", 200, "inner"}, // so is a directory symlink
		{"/escape.txt", 404, ""},
		{"/absolute.txt", 404, ""},
		{"/escape-dir/also-secret.txt", 404, ""},
		{"/escape-dir/", 404, ""},
		{"/../secret.txt", 404, ""},
		{"/sub/../../secret.txt", 404, ""},
		{"/pipe", 404, ""},
	} {
		done := make(chan result, 1)
		go func() { done <- do(t, h, "GET", tt.target) }()
		var got result
		select {
		case got = <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("GET %q: no answer within 5s", tt.target)
		}
		if got.code != tt.code || !strings.Contains(got.body, tt.body) {
			t.Errorf("GET %q: %d %q; want %d %q", tt.target, got.code, got.body, tt.code, tt.body)
		}
		if strings.Contains(got.body, secret) {
			t.Errorf("GET %q: returned the secret outside the root", tt.target)
		}
	}
	// The listing may show the links, but never what lies behind them.
	if got := do(t, h, "GET", "/"); strings.Contains(got.body, secret) || got.code != 200 {
		t.Errorf("GET /: %d, or the secret is in the listing", got.code)
	}
}

// TestOSRootNonUTF8 serves names that are not UTF-8, as old archives and
// Windows shares leave them, through RootFS as a library user would: each
// is reached by its bytes percent-encoded, the way the listing links it,
// cold and then from the cache, and nothing is reachable that was not
// before.
func TestOSRootNonUTF8(t *testing.T) {
	for _, watch := range []bool{false, true} {
		t.Run(fmt.Sprintf("WatchFiles=%v", watch), func(t *testing.T) { testOSRootNonUTF8(t, watch) })
	}
}

func testOSRootNonUTF8(t *testing.T, watch bool) {
	dir, secret := osTree(t)
	if !nonUTF8(t, dir, "bad\xff\xfe.txt", "undecodable") || !nonUTF8(t, dir, "dir\xfe/", "") || !nonUTF8(t, dir, "dir\xfe/x\xff", "inner x") {
		t.Skip("this file system refuses names that are not UTF-8 (as macOS APFS and Windows do)")
	}
	for name, target := range map[string]string{
		"escape\xff.txt": "../secret.txt",
		"dir\xfe/up\xff": "../../secret.txt",
		"in\xfd":         "dir\xfe",
		"out\xfd":        "../outside",
	} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	h := serveRoot(t, dir, Options{ErrorLog: discardLog, WatchFiles: watch})
	// A link out of the root is not followed, so not listed either.
	if got := do(t, h, "GET", "/"); strings.Contains(got.body, "out%FD") || strings.Contains(got.body, "escape%FF") {
		t.Errorf("GET /: lists a symlink out of the root:\n%s", got.body)
	}
	for _, pass := range []string{"cold", "cached"} {
		for _, tt := range []struct {
			target   string
			code     int
			body     string // substring
			location string
		}{
			{"/bad%FF%FE.txt", 200, "undecodable", ""},
			{"/dir%FE/x%FF", 200, "inner x", ""},
			{"/in%FD/x%FF", 200, "inner x", ""}, // a symlink inside the root
			{"/dir%FE", 301, "", "dir%FE/"},
			{"/dir%FE?q=1", 301, "", "dir%FE/?q=1"},
			{"/dir%FE/", 200, `<a href="x%FF">x\xFF</a>`, ""},
			{"/dir%FE/?format=json", 200, `"url": "x%FF"`, ""},
			{"/", 200, `<a href="bad%FF%FE.txt">bad\xFF\xFE.txt</a>`, ""},
			{"/", 200, `<a href="in%FD/">in\xFD@</a>`, ""}, // followed, through the FS
			{"/bad%FF%FE.txt/", 404, "", ""},
			{"/bad%ED%B3%BF%ED%B3%BE.txt", 404, "", ""}, // CPython's surrogatepass link: another name
			{"/bad%EF%BF%BD%EF%BF%BD.txt", 404, "", ""}, // the name as JSON shows it: another name
			{"/bad%FF%FE.txt%00", 404, "", ""},
			{"/escape%FF.txt", 404, "", ""},
			{"/dir%FE/up%FF", 404, "", ""},
			{"/out%FD/also-secret.txt", 404, "", ""},
			{"/out%FD/", 404, "", ""},
			{"/dir%FE/../../secret.txt", 404, "", ""},
			{"/dir%FE/%2e%2e/%2e%2e/secret.txt", 404, "", ""},
			{"/%FF/../../secret.txt", 404, "", ""},
			{"/%FF%2f..%2f..%2fsecret.txt", 404, "", ""},
		} {
			got := do(t, h, "GET", tt.target)
			if got.code != tt.code {
				t.Errorf("%s GET %q: status = %d; want %d", pass, tt.target, got.code, tt.code)
			}
			if !strings.Contains(got.body, tt.body) {
				t.Errorf("%s GET %q: body lacks %q:\n%s", pass, tt.target, tt.body, got.body)
			}
			if loc := got.header.Get("Location"); loc != tt.location {
				t.Errorf("%s GET %q: Location = %q; want %q", pass, tt.target, loc, tt.location)
			}
			if strings.Contains(got.body, secret) {
				t.Errorf("%s GET %q: returned the secret outside the root", pass, tt.target)
			}
		}
	}
}

// TestTraversalOverTheWire sends hostile request lines verbatim over a
// real connection, as curl --path-as-is would.
func TestTraversalOverTheWire(t *testing.T) {
	dir, secret := osTree(t)
	srv := httptest.NewServer(serveRoot(t, dir, Options{ErrorLog: discardLog}))
	defer srv.Close()
	for _, target := range []string{
		"/../../secret.txt",
		"/../secret.txt",
		"/%2e%2e/secret.txt",
		"/%2e%2e/%2e%2e/secret.txt",
		"/..%2fsecret.txt",
		"/..%2f..%2fsecret.txt",
		"/%2e%2e%2fsecret.txt",
		"/..%5csecret.txt",
		"/..\\secret.txt",
		"/%c0%ae%c0%ae/secret.txt",
		"/%252e%252e/secret.txt",
		"/secret.txt%00",
		"/sub/..%2f..%2fsecret.txt",
		"//../secret.txt",
		"/escape.txt",
		"/escape-dir/also-secret.txt",
		"/./../secret.txt",
		"/sub/;/../../secret.txt",
	} {
		status, body := rawGet(t, srv.Listener.Addr().String(), target)
		if strings.Contains(body, secret) {
			t.Errorf("GET %s: %s — returned the secret", target, status)
		}
		if !strings.Contains(status, " 404 ") && !strings.Contains(status, " 400 ") {
			t.Errorf("GET %s: %s; want 404 or 400", target, status)
		}
	}
}

func rawGet(t *testing.T, addr, target string) (status, body string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", target)
	br := bufio.NewReader(conn)
	status, err = br.ReadString('\n')
	if err != nil {
		t.Fatalf("GET %s: reading status: %v", target, err)
	}
	rest, _ := io.ReadAll(br)
	return strings.TrimSpace(status), string(rest)
}

// TestRedirectNeverLeavesTheSite: a directory whose name starts with
// backslashes or looks like a scheme must not turn the slash redirect
// into a redirect to another host (CVE-2021-28861's family).
func TestRedirectNeverLeavesTheSite(t *testing.T) {
	top := t.TempDir()
	for _, d := range []string{`\\evil.example`, `\evil.example`, "javascript:alert(1)", "a:b", "?x", "#frag", "sp ace"} {
		if err := os.MkdirAll(filepath.Join(top, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	h := serveRoot(t, top, Options{})
	for _, tt := range []struct{ target, want string }{
		{"/%5C%5Cevil.example", "%5C%5Cevil.example/"},
		{"/%5Cevil.example", "%5Cevil.example/"},
		{"/javascript:alert(1)", "./javascript:alert%281%29/"},
		{"/a:b", "./a:b/"},
		{"/%3Fx", "%3Fx/"},
		{"/%23frag", "%23frag/"},
		{"/sp%20ace?q=1", "sp%20ace/?q=1"},
		{"//%5C%5Cevil.example", "%5C%5Cevil.example/"},
	} {
		got := do(t, h, "GET", tt.target)
		loc := got.header.Get("Location")
		if got.code != 301 || loc != tt.want {
			t.Errorf("GET %q: %d Location %q; want 301 %q", tt.target, got.code, loc, tt.want)
		}
		if strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, `/\`) || strings.HasPrefix(loc, `\`) {
			t.Errorf("GET %q: Location %q leaves the site", tt.target, loc)
		}
	}
}
