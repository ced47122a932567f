//go:build unix

package cgihandler_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

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
	srv := httptest.NewServer(cgihandler.New(root, cgihandler.Options{ErrorLog: slog.New(slog.NewTextHandler(logs, nil))}))
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
	srv := httptest.NewServer(cgihandler.New(root, cgihandler.Options{
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
