//go:build unix

package cgihandler_test

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pyhttp/httpserver/cgihandler"
)

// scriptRoot writes scripts into a fresh root's cgi-bin, world-readable
// so that they run as nobody when the tests run as root.
func scriptRoot(t *testing.T, scripts map[string]string) string {
	t.Helper()
	top := t.TempDir()
	root := filepath.Join(top, "root")
	if err := os.MkdirAll(filepath.Join(root, "cgi-bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{top, filepath.Dir(top)} {
		os.Chmod(d, 0o755) // t.TempDir makes them 0700
	}
	for name, src := range scripts {
		mode := os.FileMode(0o755)
		if strings.HasPrefix(name, "noexec-") {
			mode = 0o644
		}
		p := filepath.Join(root, "cgi-bin", name)
		if err := os.WriteFile(p, []byte(src), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode)
	}
	return root
}

func TestShellScripts(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh")
	}
	root := scriptRoot(t, map[string]string{
		"echo.sh": "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\necho \"method=$REQUEST_METHOD query=$QUERY_STRING info=$PATH_INFO\"\ncat\n",
		"404.sh":  "#!/bin/sh\nprintf 'Status: 404 Not Found\\nContent-Type: text/plain\\n\\nnot here\\n'\n",
		"fail.sh": "#!/bin/sh\necho 'it broke' >&2\nexit 7\n",
	})
	logs := new(logBuffer)
	srv := httptest.NewServer(cgihandler.New(cgihandler.OpenRoot(t, root), cgihandler.Options{ErrorLog: slog.New(slog.NewTextHandler(logs, nil))}))
	defer srv.Close()

	code, _, body := get(t, srv.URL+"/cgi-bin/echo.sh/x/y?a=1")
	if want := "method=GET query=a=1 info=/x/y\n"; code != 200 || body != want {
		t.Errorf("GET echo.sh: %d %q; want 200 %q", code, body, want)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/cgi-bin/echo.sh", strings.NewReader("name=value"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	code, _, body = do(t, req)
	if want := "method=POST query= info=\nname=value"; code != 200 || body != want {
		t.Errorf("POST echo.sh: %d %q; want 200 %q", code, body, want)
	}
	code, _, body = get(t, srv.URL+"/cgi-bin/404.sh")
	if code != 404 || body != "not here\n" {
		t.Errorf("GET 404.sh: %d %q; want 404 %q", code, body, "not here\n")
	}
	code, _, _ = get(t, srv.URL+"/cgi-bin/fail.sh")
	if code != 500 {
		t.Errorf("GET fail.sh: %d; want 500", code)
	}
	for _, want := range []string{`line="it broke"`, `msg="CGI script sent no valid header" script=/cgi-bin/fail.sh`, `msg="CGI script exit code 7" script=/cgi-bin/fail.sh`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, logs)
		}
	}
}

// python3 returns an interpreter that the script user can run: under
// root, scripts run as nobody, who cannot reach a python3 in /root.
func python3(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		return "/usr/bin/python3"
	}
	p, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	return p
}

func TestPythonScripts(t *testing.T) {
	py := python3(t)
	const src = `import os, sys
n = int(os.environ.get("CONTENT_LENGTH") or 0)
data = sys.stdin.buffer.read(n)
sys.stdout.write("Content-Type: text/plain\r\n\r\n")
sys.stdout.write("%s %s got %d bytes: %s\n" % (os.environ["REQUEST_METHOD"], os.environ["SCRIPT_NAME"], len(data), data.decode()))
`
	root := scriptRoot(t, map[string]string{
		"env.py":        "#!/usr/bin/env python3\n" + src,
		"noexec-run.py": src,
		"noexec-no.sh":  "#!/bin/sh\necho\n",
	})
	srv := httptest.NewServer(cgihandler.New(cgihandler.OpenRoot(t, root), cgihandler.Options{
		ErrorLog:     slog.New(slog.DiscardHandler),
		Interpreters: map[string][]string{".PY": {py, "-u"}}, // extensions match case-insensitively
	}))
	defer srv.Close()

	tests := []struct {
		method, path, body string
		chunked            bool
		code               int
		want               string
	}{
		{"GET", "/cgi-bin/env.py", "", false, 200, "GET /cgi-bin/env.py got 0 bytes: \n"},
		{"POST", "/cgi-bin/env.py", "a=1&b=2", false, 200, "POST /cgi-bin/env.py got 7 bytes: a=1&b=2\n"},
		{"POST", "/cgi-bin/env.py", "chunked!", true, 200, "POST /cgi-bin/env.py got 8 bytes: chunked!\n"},
		{"POST", "/cgi-bin/noexec-run.py", "x", false, 200, "POST /cgi-bin/noexec-run.py got 1 bytes: x\n"},
		{"GET", "/cgi-bin/noexec-no.sh", "", false, 403, "CGI script is not executable"},
	}
	for _, tt := range tests {
		var body io.Reader
		if tt.body != "" {
			body = strings.NewReader(tt.body)
			if tt.chunked {
				body = io.MultiReader(body)
			}
		}
		req, _ := http.NewRequest(tt.method, srv.URL+tt.path, body)
		code, _, got := do(t, req)
		if code != tt.code || !strings.Contains(got, tt.want) {
			t.Errorf("%s %s: %d %q; want %d %q", tt.method, tt.path, code, got, tt.code, tt.want)
		}
	}
}

// TestNotExecutable: a file without its executable bit under a CGI
// directory is refused with 403, .py files included, as Python does on
// POSIX: it may only have been copied or uploaded there. An interpreter
// runs one only when Options.Interpreters names its extension.
func TestNotExecutable(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh")
	}
	const (
		py = "print('Content-Type: text/plain')\nprint()\nprint('RAN' + '-PY')\n"
		sh = "printf 'Content-Type: text/plain\\n\\n%s\\n' RAN-SH\n"
	)
	root := scriptRoot(t, map[string]string{
		"noexec-upload.py":  py,
		"noexec-upload.PY":  py,
		"noexec-upload.pyw": py,
		"noexec-opt-in.cgi": sh,
	})
	opted := map[string][]string{".CGI": {"/bin/sh"}, ".py": nil} // extensions match case-insensitively; a nil command line is ignored
	tests := []struct {
		name   string
		interp map[string][]string
		path   string
		code   int
		want   string
	}{
		{"default", nil, "/cgi-bin/noexec-upload.py", 403, "CGI script is not executable"},
		{"default", nil, "/cgi-bin/noexec-upload.PY", 403, "CGI script is not executable"},
		{"default", nil, "/cgi-bin/noexec-upload.pyw", 403, "CGI script is not executable"},
		{"default", nil, "/cgi-bin/noexec-opt-in.cgi", 403, "CGI script is not executable"},
		{"empty", map[string][]string{}, "/cgi-bin/noexec-upload.py", 403, "CGI script is not executable"},
		{"opted in", opted, "/cgi-bin/noexec-opt-in.cgi", 200, "RAN-SH"},
		{"opted in", opted, "/cgi-bin/noexec-upload.py", 403, "CGI script is not executable"},
	}
	for _, tt := range tests {
		srv := httptest.NewServer(cgihandler.New(cgihandler.OpenRoot(t, root), cgihandler.Options{
			ErrorLog:     slog.New(slog.DiscardHandler),
			Interpreters: tt.interp,
		}))
		code, _, body := get(t, srv.URL+tt.path)
		srv.Close()
		if code != tt.code || !strings.Contains(body, tt.want) {
			t.Errorf("%s: GET %q: status = %d; want %d with %q\n%s", tt.name, tt.path, code, tt.code, tt.want, body)
		}
		if tt.code != 200 && (strings.Contains(body, "RAN-") || strings.Contains(body, "print(")) {
			t.Errorf("%s: GET %q: the file ran or its source was shown:\n%s", tt.name, tt.path, body)
		}
	}
}

func TestHTTP2(t *testing.T) {
	h, _ := newHandler(t, cgihandler.Options{})
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	client := srv.Client()

	resp, err := client.Get(srv.URL + "/cgi-bin/child?mode=env")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	env := envOf(string(b))
	if resp.ProtoMajor != 2 || env["SERVER_PROTOCOL"] != "HTTP/2.0" || env["HTTPS"] != "on" {
		t.Errorf("over HTTP/2: proto %s, SERVER_PROTOCOL %q, HTTPS %q", resp.Proto, env["SERVER_PROTOCOL"], env["HTTPS"])
	}

	for _, chunked := range []bool{false, true} {
		var body io.Reader = strings.NewReader("over h2")
		if chunked {
			body = io.MultiReader(body)
		}
		resp, err := client.Post(srv.URL+"/cgi-bin/child?mode=echo", "text/plain", body)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), "body=over h2") {
			t.Errorf("POST over HTTP/2 (unknown length %v): %q", chunked, b)
		}
	}
}

func TestErrorPaths(t *testing.T) {
	root := scriptRoot(t, map[string]string{
		"garbage":       "this is neither a script nor a binary\n",
		"noexec-run.py": "print('hi')\n",
	})
	locked := filepath.Join(root, "cgi-bin", "locked")
	os.Mkdir(locked, 0o700)
	os.WriteFile(filepath.Join(locked, "x.sh"), []byte("#!/bin/sh\necho\n"), 0o755)

	logs := new(logBuffer)
	opts := cgihandler.Options{
		ErrorLog:     slog.New(slog.NewTextHandler(logs, nil)),
		Interpreters: map[string][]string{".py": {"no-such-interpreter-cgihandler"}},
	}
	srv := httptest.NewServer(cgihandler.New(cgihandler.OpenRoot(t, root), opts))
	defer srv.Close()
	// A root whose directory is removed while it is open.
	gone := filepath.Join(t.TempDir(), "gone")
	if err := os.Mkdir(gone, 0o755); err != nil {
		t.Fatal(err)
	}
	goneRoot := cgihandler.OpenRoot(t, gone)
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}
	missing := httptest.NewServer(cgihandler.New(goneRoot, opts))
	defer missing.Close()

	tests := []struct {
		url  string
		code int
		root bool // only meaningful when scripts run as nobody
	}{
		{srv.URL + "/cgi-bin/garbage", 500, false},
		{srv.URL + "/cgi-bin/noexec-run.py", 500, false},
		{srv.URL + "/cgi-bin/locked/x.sh", 403, true},
		{missing.URL + "/cgi-bin/x", 404, false},
	}
	for _, tt := range tests {
		if tt.root && os.Geteuid() != 0 {
			continue
		}
		code, _, body := get(t, tt.url)
		if code != tt.code {
			t.Errorf("GET %s: %d; want %d\n%s", tt.url, code, tt.code, body)
		}
		if strings.Contains(body, root) {
			t.Errorf("GET %s: the page shows a server path:\n%s", tt.url, body)
		}
	}
	if !strings.Contains(logs.String(), "no-such-interpreter-cgihandler") {
		t.Errorf("missing interpreter not logged:\n%s", logs)
	}
}

func TestBadLocalRedirect(t *testing.T) {
	srv, logs := newServer(t, cgihandler.Options{})
	if code, _, _ := get(t, srv.URL+"/cgi-bin/child?mode=badlocal"); code != 500 {
		t.Errorf("bad local redirect: %d; want 500", code)
	}
	if !strings.Contains(logs.String(), "bad local redirect") {
		t.Errorf("bad local redirect not logged:\n%s", logs)
	}
}

// TestBadChunkedBody sends a malformed chunked body by hand: the spool
// fails and the client gets 400 without the script running.
func TestBadChunkedBody(t *testing.T) {
	srv, logs := newServer(t, cgihandler.Options{})
	resp := rawRequest(t, srv, "POST /cgi-bin/child?mode=echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabc\r\nzz\r\n")
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("malformed chunked body: %d; want 400", resp.StatusCode)
	}
	if strings.Contains(logs.String(), "len=") {
		t.Errorf("script ran on a malformed body")
	}
}

// TestTruncatedBody half-closes a connection after 10 of 100 promised
// body bytes: the script must be killed, never answer as if it had the
// whole body.
func TestTruncatedBody(t *testing.T) {
	srv, logs := newServer(t, cgihandler.Options{})
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(conn, "POST /cgi-bin/child?mode=echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
	conn.(*net.TCPConn).CloseWrite()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || strings.Contains(string(b), "len=") {
		t.Errorf("truncated body: %d %q; want 400 and no script output", resp.StatusCode, b)
	}
	// net/http may notice the half-close, and cancel the request, before
	// the body read fails: either way the script was killed.
	if l := logs.String(); !strings.Contains(l, "reading the request body failed") && !strings.Contains(l, "client went away") {
		t.Errorf("not logged:\n%s", l)
	}
}

// TestSlowChunkedBody trickles a chunked body past the timeout: the
// spool gives up with 408 and no script runs.
func TestSlowChunkedBody(t *testing.T) {
	srv, logs := newServer(t, cgihandler.Options{Timeout: 300 * time.Millisecond})
	// One chunk, then nothing: the server waits for the next.
	resp := rawRequest(t, srv, "POST /cgi-bin/child?mode=echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Errorf("trickled chunked body: %d; want 408", resp.StatusCode)
	}
	if strings.Contains(logs.String(), "script=") {
		t.Errorf("a script ran:\n%s", logs)
	}
}

// TestUnreachableInterpreter: a script without its executable bit whose
// interpreter the script user cannot run (here, in a root-only directory;
// on this project's own machines, python3 under /root/.pyenv) is the
// server's misconfiguration: 500 and a log line naming the interpreter, not
// a 403 blaming the script.
func TestUnreachableInterpreter(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: scripts run as nobody only when the server is root")
	}
	root := scriptRoot(t, map[string]string{"noexec-run.py": "print('hi')\n"})
	private := t.TempDir()
	if err := os.Chmod(private, 0o700); err != nil { // root's alone
		t.Fatal(err)
	}
	interp := filepath.Join(private, "interp")
	os.WriteFile(interp, []byte("#!/bin/sh\nexit 0\n"), 0o755)

	logs := new(logBuffer)
	srv := httptest.NewServer(cgihandler.New(cgihandler.OpenRoot(t, root), cgihandler.Options{
		ErrorLog:     slog.New(slog.NewTextHandler(logs, nil)),
		Interpreters: map[string][]string{".py": {interp}},
	}))
	defer srv.Close()
	code, _, body := get(t, srv.URL+"/cgi-bin/noexec-run.py")
	if code != 500 || strings.Contains(body, "not executable") {
		t.Errorf("GET run.py with an unreachable interpreter: %d\n%s; want a plain 500", code, body)
	}
	if !strings.Contains(logs.String(), "CGI interpreter "+interp+" cannot be run by the script user") {
		t.Errorf("log does not name the interpreter:\n%s\n(status %d)", logs.String(), code)
	}
}

// rawRequest writes raw to a new connection to srv, as a client that
// breaks the protocol would, and returns the response, its body closed.
func rawRequest(t *testing.T, srv *httptest.Server, raw string) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(conn, raw)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}
