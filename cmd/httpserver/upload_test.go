package main

import (
	"bytes"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// do sends a request with body and header pairs, never following a
// redirect.
func do(t *testing.T, method, url string, body io.Reader, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	client := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

// TestWritesOffByDefault: without --upload and --delete every write
// method gets Python's 501 and the tree stays as it is.
func TestWritesOffByDefault(t *testing.T) {
	dir := site(t)
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir)
	for _, m := range []string{"PUT", "POST", "DELETE", "MKCOL", "MOVE"} {
		resp, _ := do(t, m, s.base+"/index.html", strings.NewReader("x"), "Destination", "/moved")
		if resp.StatusCode != 501 {
			t.Errorf("%s without --upload: %d; want 501", m, resp.StatusCode)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "moved")); err == nil {
		t.Error("MOVE moved a file")
	}
	_, page := get(t, s.base+"/")
	if strings.Contains(page, "<form") {
		t.Error("listing offers forms without --upload")
	}
}

func TestUploadOptions(t *testing.T) {
	dir := site(t)
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--upload", "--delete", "--max-upload", "64K", "--hide-dotfiles", "--cors")

	// PUT, then again without --overwrite.
	if resp, _ := do(t, "PUT", s.base+"/up.html", strings.NewReader("<script>alert(1)</script>")); resp.StatusCode != 201 || resp.Header.Get("Location") != "up.html" {
		t.Errorf("PUT: %d %q; want 201 up.html", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := do(t, "PUT", s.base+"/up.html", strings.NewReader("again")); resp.StatusCode != 409 {
		t.Errorf("second PUT: %d; want 409", resp.StatusCode)
	}
	// The uploaded page is sandboxed; the listing is not, and has its
	// own strict policy and the forms.
	resp, _ := get(t, s.base+"/up.html")
	if csp := resp.Header.Values("Content-Security-Policy"); len(csp) != 1 || csp[0] != "sandbox" {
		t.Errorf("GET up.html: Content-Security-Policy %q; want sandbox", csp)
	}
	resp, page := get(t, s.base+"/")
	if csp := resp.Header.Get("Content-Security-Policy"); strings.Contains(csp, "sandbox") || !strings.Contains(csp, "form-action 'self'") {
		t.Errorf("listing CSP %q", csp)
	}
	if !strings.Contains(page, `enctype="multipart/form-data"`) || !strings.Contains(page, `value="delete"`) {
		t.Error("listing lacks the upload or delete forms")
	}

	// A form upload from the listing page's origin, its 303, and POST
	// with a CGI-less server.
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", "f.txt")
	fw.Write([]byte("form"))
	mw.Close()
	resp, _ = do(t, "POST", s.base+"/", &b, "Content-Type", mw.FormDataContentType(), "Origin", s.base, "Sec-Fetch-Site", "same-origin")
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "./" {
		t.Errorf("form upload: %d %q; want 303 ./", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "f.txt")); string(got) != "form" {
		t.Errorf("f.txt = %q", got)
	}

	// --max-upload, before the body with Expect: 100-continue.
	if resp, _ := do(t, "PUT", s.base+"/big", bytes.NewReader(make([]byte, 65<<10))); resp.StatusCode != 413 {
		t.Errorf("PUT 65 KiB with --max-upload 64K: %d; want 413", resp.StatusCode)
	}
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(s.base, "http://"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(conn, "PUT /big HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000\r\nExpect: 100-continue\r\n\r\n")
	status := make([]byte, 12)
	if _, err := io.ReadFull(conn, status); err != nil || string(status) != "HTTP/1.1 413" {
		t.Errorf("PUT 1 MB with Expect: %q, %v; want HTTP/1.1 413 before the body", status, err)
	}

	// Cross-site writes are refused, CORS or not; a preflight for PUT is
	// not allowed.
	for _, m := range []string{"PUT", "DELETE", "MKCOL"} {
		resp, _ := do(t, m, s.base+"/index.html", strings.NewReader(""), "Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site")
		if resp.StatusCode != 403 {
			t.Errorf("cross-site %s: %d; want 403", m, resp.StatusCode)
		}
	}
	resp, _ = do(t, "OPTIONS", s.base+"/x", nil, "Origin", "http://evil.example", "Access-Control-Request-Method", "PUT")
	if allow := resp.Header.Get("Access-Control-Allow-Methods"); strings.Contains(allow, "PUT") || resp.Header.Get("Access-Control-Allow-Origin") != "" && allow != "" {
		t.Errorf("preflight for PUT: %d, Allow-Methods %q, Allow-Origin %q", resp.StatusCode, allow, resp.Header.Get("Access-Control-Allow-Origin"))
	}
	for _, m := range []string{"DELETE", "MOVE", "MKCOL", "POST"} {
		resp, _ = do(t, "OPTIONS", s.base+"/x", nil, "Origin", "http://evil.example", "Access-Control-Request-Method", m)
		if allow := resp.Header.Get("Access-Control-Allow-Methods"); allow != "" {
			t.Errorf("preflight for %s: Allow-Methods %q", m, allow)
		}
	}

	// MKCOL, MOVE, DELETE; a denied dotfile cannot be written.
	for _, step := range []struct {
		method, path string
		header       []string
		want         int
	}{
		{"MKCOL", "/new", nil, 201},
		{"MOVE", "/f.txt", []string{"Destination", s.base + "/new/g.txt"}, 201},
		{"MOVE", "/new/g.txt", []string{"Destination", "http://evil.example/g.txt"}, 502},
		{"DELETE", "/new/g.txt", nil, 204},
		{"DELETE", "/new", nil, 204},
		{"PUT", "/.env", nil, 404},
		{"GET", "/?delete=hello.txt", nil, 200},
	} {
		resp, _ := do(t, step.method, s.base+step.path, strings.NewReader(""), step.header...)
		if resp.StatusCode != step.want {
			t.Errorf("%s %s: %d; want %d", step.method, step.path, resp.StatusCode, step.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "new")); err == nil {
		t.Error("new/ is still there")
	}
	if _, err := os.Stat(filepath.Join(dir, "hello.txt")); err != nil {
		t.Error("GET ?delete removed a file")
	}
	if got, _ := os.ReadFile(filepath.Join(dir, ".env")); string(got) != "SECRET=1" {
		t.Errorf("PUT to a denied dotfile: .env = %q", got)
	}
	// One log line per change, with the final path and bytes.
	waitLog(t, s, "msg=upload user=\"\" method=PUT path=/up.html bytes=25")
}

// waitLog waits up to 5 s for the command's stderr to hold want.
func waitLog(t *testing.T, s *started, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(s.stderr.String(), want) {
		if time.Now().After(deadline) {
			t.Errorf("log lacks %q:\n%s", want, s.stderr.String())
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestUploadWithCGI(t *testing.T) {
	dir := site(t)
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--upload", "--cgi")
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", "c.txt")
	fw.Write([]byte("c"))
	mw.Close()
	if resp, _ := do(t, "POST", s.base+"/", &b, "Content-Type", mw.FormDataContentType()); resp.StatusCode != 303 {
		t.Errorf("form upload with --cgi: %d; want 303", resp.StatusCode)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "c.txt")); string(got) != "c" {
		t.Errorf("c.txt = %q", got)
	}
}

func TestUploadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--overwrite"}, "--overwrite requires --upload or --delete"},
		{[]string{"--max-upload", "1G"}, "--max-upload requires --upload"},
		{[]string{"--upload", "--max-upload", "0"}, "argument --max-upload"},
		{[]string{"--upload", "--max-upload", "-1"}, "argument --max-upload"},
		{[]string{"--upload", "--max-upload", "1.5G"}, "argument --max-upload"},
		{[]string{"--upload", "--max-upload", "99999999999G"}, "argument --max-upload"},
	} {
		_, err := parseArgs(tc.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) || exitCode(err) != 2 {
			t.Errorf("%q: %v; want a usage error with %q", tc.args, err, tc.want)
		}
	}
	cfg, err := parseArgs([]string{"--upload", "--delete", "--overwrite", "--max-upload", "512M"}, io.Discard)
	if err != nil || !cfg.Upload || !cfg.Delete || !cfg.Overwrite || cfg.MaxUpload != 512<<20 {
		t.Errorf("parseArgs: %+v, %v", cfg.Config, err)
	}
	if cfg, _ := parseArgs(nil, io.Discard); cfg.Upload || cfg.Delete || cfg.MaxUpload != 1<<30 {
		t.Errorf("defaults: upload %v delete %v max %d", cfg.Upload, cfg.Delete, cfg.MaxUpload)
	}
}
