package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// started is a run() serving in the background.
type started struct {
	base           string
	stdout, stderr *syncBuffer
	interrupts     chan<- os.Signal // what main's signal.Notify would deliver
	stop           func() error     // the first interrupt, and run's return
}

// start runs the command with args (a port and bind are added when
// missing) and waits for its banner.
func start(t *testing.T, args ...string) *started {
	t.Helper()
	interrupts := make(chan os.Signal, 2)
	s := &started{stdout: new(syncBuffer), stderr: new(syncBuffer), interrupts: interrupts}
	errc := make(chan error, 1)
	go func() { errc <- run(interrupts, args, s.stdout, s.stderr) }()
	s.base = waitBanner(t, s.stdout, errc)
	var once sync.Once
	var stopErr error
	s.stop = func() error {
		once.Do(func() {
			interrupts <- os.Interrupt
			select {
			case stopErr = <-errc:
			case <-time.After(15 * time.Second):
				t.Error("run did not return after cancel")
			}
		})
		return stopErr
	}
	t.Cleanup(func() { s.stop() })
	return s
}

func get(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	return send(t, "GET", url, header...)
}

// send sends a request with no body, and the header fields given as
// name, value pairs, and returns the response and its body; it never
// follows a redirect.
func send(t *testing.T, method, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

func site(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	// As root, CGI scripts run as nobody, who must be able to reach them:
	// t.TempDir makes its directories 0700.
	os.Chmod(dir, 0o755)
	os.Chmod(filepath.Dir(dir), 0o755)
	for name, data := range map[string]string{
		"hello.txt":          "hello\n",
		".env":               "SECRET=1",
		"docs/a.txt":         "a",
		"cgi-bin/hello.sh":   "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\nhello from cgi %s\\n' \"$REQUEST_METHOD\"\n",
		"cgi-bin/notes.txt":  "not executable",
		"cgi-bin/upload.py":  "print('Content-Type: text/plain')\nprint()\nprint('RAN' + '-PY')\n", // 0644, as an upload lands
		"cgi-bin/to-file.sh": "#!/bin/sh\nprintf 'Location: /hello.txt\\r\\n\\r\\n'\n",
	} {
		writeSiteFile(t, dir, name, data)
	}
	return dir
}

// writeSiteFile writes a file of a test site, executable when its name
// ends in .sh.
func writeSiteFile(t *testing.T, dir, name, data string) {
	t.Helper()
	p := filepath.Join(dir, name)
	os.MkdirAll(filepath.Dir(p), 0o755)
	mode := os.FileMode(0o644)
	if strings.HasSuffix(name, ".sh") {
		mode = 0o755
	}
	if err := os.WriteFile(p, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
}

func TestOptionsThroughTheServer(t *testing.T) {
	dir := site(t)

	t.Run("header", func(t *testing.T) {
		s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--header", "Access-Control-Allow-Origin: *", "--header", "X-Test: 1")
		for _, path := range []string{"/hello.txt", "/missing"} {
			resp, _ := get(t, s.base+path)
			if resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("X-Test") != "1" {
				t.Errorf("GET %s: headers %v; want the --header fields", path, resp.Header)
			}
		}
	})

	t.Run("no-listing and hide-dotfiles", func(t *testing.T) {
		s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--no-listing", "--hide-dotfiles")
		for path, want := range map[string]int{"/docs/": 404, "/.env": 404, "/hello.txt": 200, "/docs/a.txt": 200} {
			if resp, _ := get(t, s.base+path); resp.StatusCode != want {
				t.Errorf("GET %s: %d; want %d", path, resp.StatusCode, want)
			}
		}
	})

	t.Run("protocol HTTP/1.0 closes connections", func(t *testing.T) {
		s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "-p", "HTTP/1.0")
		resp, _ := get(t, s.base+"/hello.txt")
		if !resp.Close {
			t.Errorf("-p HTTP/1.0: connection kept open; want Connection: close")
		}
		s11 := start(t, "0", "-b", "127.0.0.1", "-d", dir)
		if resp, _ := get(t, s11.base+"/hello.txt"); resp.Close {
			t.Errorf("default protocol: connection closed; want keep-alive")
		}
	})

	t.Run("quiet and log formats", func(t *testing.T) {
		q := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--quiet")
		get(t, q.base+"/hello.txt")
		c := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--log-format", "combined")
		get(t, c.base+"/hello.txt", "User-Agent", "tester/1", "Referer", "http://r.example/")
		q.stop()
		c.stop()
		if strings.Contains(q.stderr.String(), "GET /hello.txt") {
			t.Errorf("--quiet still logged: %q", q.stderr.String())
		}
		if !strings.Contains(c.stderr.String(), `"GET /hello.txt HTTP/1.1" 200 6 "http://r.example/" "tester/1"`) {
			t.Errorf("--log-format combined: %q", c.stderr.String())
		}
	})

	t.Run("Python's request limits", func(t *testing.T) {
		s := start(t, "0", "-b", "127.0.0.1", "-d", dir)
		var many []string
		for i := range 101 {
			many = append(many, "X-H"+strings.Repeat("a", i%5)+string(rune('a'+i%26)), "v")
		}
		if resp, body := get(t, s.base+"/hello.txt", many...); resp.StatusCode != 431 || !strings.Contains(body, "Too many headers") || !resp.Close {
			t.Errorf("101 headers: %d %q, close %v; want 431 Too many headers and a closed connection", resp.StatusCode, body, resp.Close)
		}
		if resp, _ := get(t, s.base+"/"+strings.Repeat("a", 70000)); resp.StatusCode != 414 || !resp.Close {
			t.Errorf("70 kB request line: %d, close %v; want 414 and a closed connection", resp.StatusCode, resp.Close)
		}
		if resp, body := get(t, s.base+"/hello.txt", "X-Big", strings.Repeat("b", 70000)); resp.StatusCode != 431 || !strings.Contains(body, "Line too long") || !resp.Close {
			t.Errorf("70 kB header line: %d %q, close %v; want 431 Line too long and a closed connection", resp.StatusCode, body, resp.Close)
		}
	})

	t.Run("h2c", func(t *testing.T) {
		s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--h2c")
		tr := &http.Transport{Protocols: new(http.Protocols)}
		tr.Protocols.SetUnencryptedHTTP2(true)
		defer tr.CloseIdleConnections()
		resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Get(s.base + "/hello.txt")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Proto != "HTTP/2.0" {
			t.Errorf("--h2c: %s; want HTTP/2.0", resp.Proto)
		}
	})
}

func TestCGIOption(t *testing.T) {
	dir := site(t)
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--cgi")
	for _, path := range []string{"/cgi-bin/hello.sh", "/cgi-bin%2fhello.sh", "/%2e/cgi-bin/hello.sh", "//cgi-bin/hello.sh", "/cgi-bin/./hello.sh"} {
		resp, body := get(t, s.base+path)
		if resp.StatusCode != 200 || body != "hello from cgi GET\n" {
			t.Errorf("GET %s: %d %q; want the script's output", path, resp.StatusCode, body)
		}
		if strings.Contains(body, "#!/bin/sh") {
			t.Errorf("GET %s: returned the script's source", path)
		}
	}
	resp, err := http.Post(s.base+"/cgi-bin/hello.sh", "text/plain", strings.NewReader("body"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "hello from cgi POST\n" {
		t.Errorf("POST to the script: %d %q", resp.StatusCode, body)
	}
	resp, err = http.Post(s.base+"/hello.txt", "text/plain", strings.NewReader("body"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 501 || !strings.Contains(string(body), "Can only POST to CGI scripts") {
		t.Errorf("POST outside the CGI directories: %d %q; want 501 Can only POST to CGI scripts", resp.StatusCode, body)
	}
	req, _ := http.NewRequest("PUT", s.base+"/hello.txt", strings.NewReader("x"))
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 501 || !strings.Contains(string(body), "Unsupported method ('PUT')") {
			t.Errorf("PUT outside the CGI directories: %d %q; want Python's 501", resp.StatusCode, body)
		}
	}
	// A script's local redirect is served internally, from the files too.
	if resp, body := get(t, s.base+"/cgi-bin/to-file.sh"); resp.StatusCode != 200 || body != "hello\n" {
		t.Errorf("local redirect to /hello.txt: %d %q", resp.StatusCode, body)
	}
	if resp, _ := get(t, s.base+"/cgi-bin/notes.txt"); resp.StatusCode != 403 {
		t.Errorf("GET a non-executable script: %d; want 403", resp.StatusCode)
	}
	// Nor does a .py file without its executable bit run: Python
	// refuses it on POSIX, and the command names no interpreter.
	if resp, body := get(t, s.base+"/cgi-bin/upload.py"); resp.StatusCode != 403 || !strings.Contains(body, "CGI script is not executable") || strings.Contains(body, "RAN-") || strings.Contains(body, "print(") {
		t.Errorf("GET a non-executable .py: %d %q; want 403 CGI script is not executable", resp.StatusCode, body)
	}
	if resp, _ := get(t, s.base+"/hello.txt"); resp.StatusCode != 200 {
		t.Errorf("GET a file with --cgi: %d; want 200", resp.StatusCode)
	}
}

// TestCGIDirectoryWithoutSlash asks the command for a CGI directory
// without its slash. Python's is_cgi is false for it, so its file server
// redirects it to the directory with its slash, which is then a CGI
// request and answered 403; a POST is answered 501. The directory's
// index page, or a listing of its scripts, is never served.
func TestCGIDirectoryWithoutSlash(t *testing.T) {
	dir := site(t)
	for name, data := range map[string]string{
		"cgi-bin/index.html":  "INDEX-OF-CGI-BIN",
		"htbin/index.html":    "INDEX-OF-HTBIN",
		"tools/cgi/hello.sh":  "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\nhello from tools\\n'\n",
		"tools/cgi/index.htm": "INDEX-OF-TOOLS-CGI",
	} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// On a case-insensitive file system /CGI-BIN is the directory too.
	upper, upperLoc := 404, ""
	if _, err := os.Stat(filepath.Join(dir, "CGI-BIN")); err == nil {
		upper, upperLoc = 301, "CGI-BIN/"
	}
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--cgi")
	tools := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--cgi", "--cgi-dir", "/tools/cgi")
	tests := []struct {
		s              *started
		method, target string
		code           int
		location       string // for a 301
		text           string // in the body otherwise
	}{
		{s, "GET", "/cgi-bin", 301, "cgi-bin/", ""},
		{s, "GET", "/cgi-bin?x=1&y=%2F", 301, "cgi-bin/?x=1&y=%2F", ""},
		{s, "GET", "//cgi-bin", 301, "cgi-bin/", ""},
		{s, "GET", "/x/../cgi-bin", 301, "cgi-bin/", ""},
		{s, "GET", "/%63gi-bin", 301, "cgi-bin/", ""},
		{s, "GET", "/cgi-bin/.", 301, "./", ""},
		{s, "GET", "/htbin", 301, "htbin/", ""},
		{s, "GET", "/CGI-BIN", upper, upperLoc, ""},
		{s, "HEAD", "/cgi-bin", 301, "cgi-bin/", ""},
		{s, "POST", "/cgi-bin", 501, "", "Can only POST to CGI scripts"},
		{s, "PUT", "/cgi-bin", 501, "", "Unsupported method ('PUT')"},
		{s, "GET", "/cgi-bin/", 403, "", "CGI script is not a plain file"},
		{s, "GET", "/htbin/", 403, "", "CGI script is not a plain file"},
		{tools, "GET", "/tools/cgi", 301, "cgi/", ""},
		{tools, "GET", "/tools/cgi/", 403, "", "CGI script is not a plain file"},
		{tools, "GET", "/tools/cgi/hello.sh", 200, "", "hello from tools"},
	}
	for _, tt := range tests {
		resp, body := tt.s.raw(t, tt.method, tt.target)
		if resp.StatusCode != tt.code {
			t.Errorf("%s %q: status = %d; want %d\n%s", tt.method, tt.target, resp.StatusCode, tt.code, body)
			continue
		}
		if !strings.Contains(body, tt.text) || strings.Contains(body, "INDEX-OF") || strings.Contains(body, "#!/bin/sh") {
			t.Errorf("%s %q: body %q; want %q in it, and no index page or source", tt.method, tt.target, body, tt.text)
		}
		if resp.StatusCode != 301 {
			continue
		}
		loc := resp.Header.Get("Location")
		if loc != tt.location {
			t.Errorf("%s %q: Location %q; want %q", tt.method, tt.target, loc, tt.location)
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
		if resp, body := tt.s.raw(t, "GET", next.RequestURI()); resp.StatusCode != 403 || !strings.Contains(body, "CGI script is not a plain file") {
			t.Errorf("%s %q, then GET %q: status = %d; want 403\n%s", tt.method, tt.target, next.RequestURI(), resp.StatusCode, body)
		}
	}
}

// raw sends a request whose target is exactly as given, on a connection
// of its own, and returns the response and its body.
func (s *started) raw(t *testing.T, method, target string) (*http.Response, string) {
	t.Helper()
	got, _ := s.exchange(t, method+" "+target+" HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(got)), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%s %s: %v in %q", method, target, err, got)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

func TestIPv6Loopback(t *testing.T) {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skip("no IPv6 loopback here:", err)
	}
	ln.Close()
	s := start(t, "0", "-b", "::1", "-d", site(t))
	if !strings.HasPrefix(s.stdout.String(), "Serving HTTP on ::1 port ") || !strings.HasPrefix(s.base, "http://[::1]:") {
		t.Fatalf("banner = %q", s.stdout.String())
	}
	if resp, body := get(t, s.base+"/hello.txt"); resp.StatusCode != 200 || body != "hello\n" {
		t.Errorf("GET over ::1: %d %q", resp.StatusCode, body)
	}
}

func TestContentETagsAcrossReplicas(t *testing.T) {
	a, b := site(t), site(t)
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	os.Chtimes(filepath.Join(b, "hello.txt"), old, old)
	ra := start(t, "0", "-b", "127.0.0.1", "-d", a, "--etag", "content")
	rb := start(t, "0", "-b", "127.0.0.1", "-d", b, "--etag", "content")
	resp, _ := get(t, ra.base+"/hello.txt")
	etag := resp.Header.Get("Etag")
	if resp, _ := get(t, rb.base+"/hello.txt", "If-None-Match", etag); resp.StatusCode != 304 {
		t.Errorf("replica B with replica A's ETag %s: %d; want 304", etag, resp.StatusCode)
	}
}

// TestExpectContinue sends a body with Expect: 100-continue through the
// whole stack to a CGI script, and one over the limit that is refused
// before it is sent.
func TestExpectContinue(t *testing.T) {
	dir := site(t)
	os.WriteFile(filepath.Join(dir, "cgi-bin", "count.sh"), []byte("#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\nwc -c\n"), 0o755)
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--cgi")

	body := strings.Repeat("x", 3<<20)
	req, _ := http.NewRequest("POST", s.base+"/cgi-bin/count.sh", strings.NewReader(body))
	req.Header.Set("Expect", "100-continue")
	resp, err := (&http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{ExpectContinueTimeout: 5 * time.Second}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.TrimSpace(string(out)) != "3145728" {
		t.Errorf("3 MiB POST with Expect: %d %q; want 200 3145728", resp.StatusCode, out)
	}

	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(s.base, "http://"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(conn, "POST /cgi-bin/count.sh HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000000\r\nExpect: 100-continue\r\n\r\n")
	status := make([]byte, 12)
	if _, err := io.ReadFull(conn, status); err != nil || string(status) != "HTTP/1.1 413" {
		t.Errorf("1 GB POST with Expect: first response %q, %v; want HTTP/1.1 413 before any body", status, err)
	}
}

func TestListingOptions(t *testing.T) {
	dir := site(t)
	py := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--listing", "python")
	if _, body := get(t, py.base+"/docs/"); !strings.HasPrefix(body, "<!DOCTYPE HTML>") || !strings.Contains(body, `<li><a href="a.txt">a.txt</a></li>`) {
		t.Errorf("--listing python: %q", body)
	}
	modern := start(t, "0", "-b", "127.0.0.1", "-d", dir)
	resp, body := get(t, modern.base+"/docs/", "Accept", "application/json")
	if resp.Header.Get("Content-Type") != "application/json" && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || !strings.Contains(body, `"a.txt"`) {
		t.Errorf("JSON listing: %s %q", resp.Header.Get("Content-Type"), body)
	}
}

// TestSmuggling sends a request framed both ways over a raw connection:
// 400, and the connection is closed before the smuggled request runs.
func TestSmuggling(t *testing.T) {
	dir := site(t)
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--cgi")
	for _, raw := range []string{
		"POST /cgi-bin/hello.sh HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nContent-Length: 6\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n",
		"POST /cgi-bin/hello.sh HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
		"POST /cgi-bin/hello.sh HTTP/1.1\r\nHost: localhost\r\nContent-Length: -5\r\n\r\n",
		"GET /hello.txt HTTP/1.1\r\n\r\n",
	} {
		conn, err := net.DialTimeout("tcp", strings.TrimPrefix(s.base, "http://"), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(conn, raw)
		all, _ := io.ReadAll(conn) // returns once the server closes
		conn.Close()
		if !strings.HasPrefix(string(all), "HTTP/1.1 400 ") || strings.Count(string(all), "HTTP/1.1 ") != 1 {
			t.Errorf("%q: got %q; want one 400 and a closed connection", raw, all)
		}
	}
	s.stop() // the log is written in batches: all of it is out once stopped
	if strings.Contains(s.stderr.String(), "/smuggled") {
		t.Errorf("the smuggled request was served:\n%s", s.stderr.String())
	}
}

func TestCGIFlags(t *testing.T) {
	dir := site(t)
	os.MkdirAll(filepath.Join(dir, "scripts"), 0o755)
	os.WriteFile(filepath.Join(dir, "scripts", "env.sh"), []byte("#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n%s|%s\\n' \"$HTTPSERVER_VISIBLE\" \"$HTTPSERVER_SECRET\"\n"), 0o755)
	os.WriteFile(filepath.Join(dir, "scripts", "hang.sh"), []byte("#!/bin/sh\nsleep 30\n"), 0o755)
	t.Setenv("HTTPSERVER_VISIBLE", "shown")
	t.Setenv("HTTPSERVER_SECRET", "hidden")
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--cgi", "--cgi-dir", "/scripts", "--cgi-env", "HTTPSERVER_VISIBLE", "--cgi-timeout", "1s", "--cgi-max-body", "10")
	if resp, body := get(t, s.base+"/scripts/env.sh"); resp.StatusCode != 200 || body != "shown|\n" {
		t.Errorf("--cgi-env: %d %q; want only the allowed variable", resp.StatusCode, body)
	}
	if resp, body := get(t, s.base+"/cgi-bin/hello.sh"); resp.StatusCode != 200 || !strings.Contains(body, "#!/bin/sh") {
		t.Errorf("/cgi-bin with --cgi-dir /scripts: %d; want the file served as a file", resp.StatusCode)
	}
	began := time.Now()
	if resp, _ := get(t, s.base+"/scripts/hang.sh"); resp.StatusCode < 500 || time.Since(began) > 10*time.Second {
		t.Errorf("--cgi-timeout 1s: %d after %v; want a 5xx soon", resp.StatusCode, time.Since(began))
	}
	resp, err := http.Post(s.base+"/scripts/env.sh", "text/plain", strings.NewReader("more than ten bytes"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Errorf("--cgi-max-body 10 with 19 bytes: %d; want 413", resp.StatusCode)
	}
}
