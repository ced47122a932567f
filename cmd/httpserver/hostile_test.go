package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Hostile clients, through the real command on loopback. Each test checks
// that the server answers promptly and is still healthy afterwards.

const hostileSecret = "HOSTILE-SECRET-c4e1"

// hostileSite is site(t) plus what attacks aim at: a secret file and an
// executable script beside the root, symlinks out of it, and file names
// built to inject headers or script into pages.
func hostileSite(t *testing.T) (dir, outside string) {
	t.Helper()
	dir = site(t)
	outside = t.TempDir()
	os.Chmod(outside, 0o755)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(outside, "secret.txt"), []byte(hostileSecret), 0o644))
	must(os.WriteFile(filepath.Join(outside, "secret.sh"), []byte("#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n"+hostileSecret+"\\n'\n"), 0o755))
	// The served tree's parent holds a copy too, for "../secret.txt".
	must(os.WriteFile(filepath.Join(filepath.Dir(dir), "secret.txt"), []byte(hostileSecret), 0o644))
	must(os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, "abs-link.txt")))
	must(os.Symlink("../secret.txt", filepath.Join(dir, "rel-link.txt")))
	must(os.Symlink(outside, filepath.Join(dir, "out-dir")))
	must(os.Symlink(filepath.Join(outside, "secret.sh"), filepath.Join(dir, "cgi-bin", "linked.sh")))
	must(os.MkdirAll(filepath.Join(dir, "evil.example"), 0o755))
	must(os.MkdirAll(filepath.Join(dir, "\\evil.example"), 0o755)) // a redirect to "/\\evil.example/" would leave
	// Links out whose names are not UTF-8, which fs.ValidPath refuses
	// and fileserver.RootFS opens. Where the file system refuses such
	// names (macOS APFS), the requests for them get 404 all the same.
	os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, "out\xff.txt"))
	os.Symlink(outside, filepath.Join(dir, "out-dir\xff"))
	return dir, outside
}

// conn dials the server with a deadline on everything that follows.
func (s *started) conn(t *testing.T, d time.Duration) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", strings.TrimPrefix(s.base, "http://"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(d))
	t.Cleanup(func() { c.Close() })
	return c
}

// exchange writes raw and reads until the server closes the connection,
// at most 5 s. closed reports whether it did close.
func (s *started) exchange(t *testing.T, raw string) (got string, closed bool) {
	t.Helper()
	c := s.conn(t, 5*time.Second)
	io.WriteString(c, raw)
	b, err := io.ReadAll(c)
	var ne net.Error
	timedOut := errors.As(err, &ne) && ne.Timeout()
	return string(b), !timedOut
}

// healthy checks that a normal request still gets a prompt answer.
func (s *started) healthy(t *testing.T) {
	t.Helper()
	began := time.Now()
	resp, body := get(t, s.base+"/hello.txt")
	if resp.StatusCode != 200 || body != "hello\n" {
		t.Fatalf("after the attack: GET /hello.txt = %d %q; want 200 hello", resp.StatusCode, body)
	}
	if d := time.Since(began); d > time.Second {
		t.Errorf("after the attack: GET /hello.txt took %v", d)
	}
}

// statusOf is the status code of a raw response, 0 if there is none.
func statusOf(response string) int {
	line, _, _ := strings.Cut(response, "\r\n")
	f := strings.Fields(line)
	if len(f) < 2 {
		return 0
	}
	n, _ := strconv.Atoi(f[1])
	return n
}

func TestHostileTraversal(t *testing.T) {
	dir, outside := hostileSite(t)
	for _, args := range [][]string{{}, {"--cgi"}, {"--hide-dotfiles", "--listing", "python"}} {
		s := start(t, append([]string{"0", "-b", "127.0.0.1", "-d", dir}, args...)...)
		for _, target := range []string{
			"/../secret.txt",
			"/../../secret.txt",
			"/%2e%2e/secret.txt",
			"/%2E%2E%2Fsecret.txt",
			"/.%2e/secret.txt",
			"/%252e%252e/secret.txt",
			"/%252e%252e%252fsecret.txt",
			"/..%5csecret.txt",
			"/..\\secret.txt",
			"/docs/..%5c..%5csecret.txt",
			"/%c0%ae%c0%ae/secret.txt",
			"/%c0%ae%c0%ae%c0%afsecret.txt",
			"/%e0%80%ae%e0%80%ae/secret.txt",
			"/hello.txt%00",
			"/%00/../secret.txt",
			"/..%00/secret.txt",
			"/" + filepath.Join(outside, "secret.txt"),
			"//" + filepath.Join(outside, "secret.txt"),
			"/%2f" + filepath.Join(outside, "secret.txt"),
			"http://127.0.0.1/../secret.txt",
			"//../secret.txt",
			"/;/../secret.txt",
			"/docs/..;/..;/secret.txt",
			"/docs;x=1/../../secret.txt",
			"/abs-link.txt",
			"/rel-link.txt",
			"/out-dir/secret.txt",
			"/out-dir/",
			"/out%FF.txt",
			"/out-dir%FF/secret.txt",
			"/out-dir%FF/",
			"/out-dir%FF",
			"/%FF/../../secret.txt",
			"/docs%FE/..%2f..%2fsecret.txt",
			"/cgi-bin/../../secret.txt",
			"/cgi-bin/%2e%2e/%2e%2e/" + filepath.Base(outside) + "/secret.sh",
			"/cgi-bin/..%2f..%2fsecret.sh",
			"/cgi-bin/linked.sh",
			"/cgi-bin/linked.sh/extra",
			"/.env",
			"/docs/%2e%2e/.env",
		} {
			got, closed := s.exchange(t, "GET "+target+" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
			if !closed {
				t.Errorf("%v GET %s: no answer within 5 s", args, target)
			}
			if strings.Contains(got, hostileSecret) {
				t.Errorf("%v GET %s: the answer holds the secret from outside the root:\n%s", args, target, got)
			}
			if code := statusOf(got); code == 200 && target != "/.env" && target != "/docs/%2e%2e/.env" || code >= 500 || code == 0 {
				t.Errorf("%v GET %s: status %d; want a 4xx", args, target, code)
			}
		}
		s.healthy(t)
	}
}

// TestHostileRedirects asks for a directory without its slash through
// paths that a naive Location ("/"+path+"/") would turn into another host.
func TestHostileRedirects(t *testing.T) {
	dir, _ := hostileSite(t)
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir)
	for _, target := range []string{
		"//evil.example",
		"///evil.example",
		"/\\evil.example",
		"/%5cevil.example",
		"/%2f%2fevil.example",
		"/%2Fevil.example",
		"//evil.example/%2e%2e/evil.example",
		"/docs/..//evil.example",
		"/docs",
	} {
		got, _ := s.exchange(t, "GET "+target+" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(got)), nil)
		if err != nil {
			t.Errorf("GET %s: %v in %q", target, err, got)
			continue
		}
		loc := resp.Header.Get("Location")
		if resp.StatusCode != 301 {
			t.Errorf("GET %s: %d; want 301", target, resp.StatusCode)
			continue
		}
		base, _ := url.Parse("http://127.0.0.1:1" + strings.ReplaceAll(target, "\\", "%5C"))
		ref, err := url.Parse(loc)
		if err != nil || base.ResolveReference(ref).Host != "127.0.0.1:1" || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") || strings.ContainsAny(loc, "\\") {
			t.Errorf("GET %s: Location %q leaves the site", target, loc)
		}
	}
	s.healthy(t)
}

// TestHostileFileNames serves files whose names carry CR LF (header
// injection through a redirect or a header built from the name) and
// markup (script injection through the listing).
func TestHostileFileNames(t *testing.T) {
	dir := site(t)
	names := []string{
		"crlf\r\nSet-Cookie: injected=1",
		"lf\nX-Injected: 1.txt",
		"<script>alert(1)<.txt",
		"<svg onload=alert(1)>",
		"\"><img src=x onerror=alert(1)>.txt",
		"'onmouseover='alert(1)'.txt",
		"javascript:alert(1)",
		"%2e%2e",
		"?q=1#frag",
	}
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(dir, "docs", name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "crlf\r\nLocation: http:%2f%2fevil.example"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"python", "modern"} {
		s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--listing", format)
		for _, target := range []string{
			"/docs/",
			"/docs/?C=N;O=D",
			"/crlf%0D%0ALocation:%20http:%252f%252fevil.example", // a directory: 301
			"/docs/crlf%0D%0ASet-Cookie:%20injected=1",
			"/docs/lf%0AX-Injected:%201.txt",
			"/docs/%3Cscript%3Ealert(1)%3C.txt",
		} {
			got, closed := s.exchange(t, "GET "+target+" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
			if !closed {
				t.Errorf("%s GET %s: no answer within 5 s", format, target)
			}
			head, body, _ := strings.Cut(got, "\r\n\r\n")
			for _, line := range strings.Split(head, "\r\n") {
				l := strings.ToLower(line)
				if strings.HasPrefix(l, "set-cookie") || strings.HasPrefix(l, "x-injected") || strings.HasPrefix(l, "location: http") {
					t.Errorf("%s GET %s: injected header %q", format, target, line)
				}
			}
			// Text content may hold a quote (Python's html.escape(quote=False)); an
			// attribute may not.
			for _, bad := range []string{"<script>alert", "<img src=x", "<svg onload", `="'onmouseover`, `href="javascript:`} {
				if strings.Contains(body, bad) {
					t.Errorf("%s GET %s: listing carries %q unescaped", format, target, bad)
				}
			}
			if code := statusOf(got); code != 200 && code != 301 {
				t.Errorf("%s GET %s: %d; want 200 or 301", format, target, code)
			}
		}
		s.healthy(t)
	}
}

// TestHostileRequests sends what a request parser must refuse. Where the
// answer is net/http's own rather than ours, the case says so: those are
// what Go 1.26's server does, written down here so a change shows.
func TestHostileRequests(t *testing.T) {
	dir := site(t)
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--cgi")
	many := new(strings.Builder)
	for i := range 101 {
		fmt.Fprintf(many, "X-H%d: v\r\n", i)
	}
	for _, tt := range []struct {
		name   string
		raw    string
		code   int  // 0: the connection is closed without an answer
		closed bool // the server must close the connection after answering
	}{
		{"request line over 64 KiB", "GET /" + strings.Repeat("a", 70000) + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 414, false},
		{"101 headers", "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + many.String() + "\r\n", 431, false},
		{"request line of 64 KiB with its CRLF", "GET /" + strings.Repeat("a", 65536-len("GET / HTTP/1.1\r\n")) + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 404, true},
		{"request line one byte over 64 KiB", "GET /" + strings.Repeat("a", 65537-len("GET / HTTP/1.1\r\n")) + " HTTP/1.1\r\nHost: localhost\r\n\r\n", 414, true},
		{"header line of 64 KiB with its CRLF", "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nX-Big: " + strings.Repeat("b", 65536-len("X-Big: \r\n")) + "\r\n\r\n", 200, true},
		{"header line one byte over 64 KiB", "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nX-Big: " + strings.Repeat("b", 65537-len("X-Big: \r\n")) + "\r\n\r\n", 431, true},
		{"a fragment in the target is dropped, as Python does", "GET /hello.txt#top HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 200, true},
		{"a 2 MiB header (net/http's MaxHeaderBytes)", "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nX-Big: " + strings.Repeat("b", 2<<20) + "\r\n\r\n", 431, true},
		{"HTTP/1.2 is read as HTTP/1.x (net/http)", "GET /hello.txt HTTP/1.2\r\nHost: localhost\r\nConnection: close\r\n\r\n", 200, true},
		{"HTTP/2.0 over HTTP/1 (net/http)", "GET /hello.txt HTTP/2.0\r\nHost: localhost\r\n\r\n", 505, true},
		{"HTTP/3.0 (net/http)", "GET /hello.txt HTTP/3.0\r\nHost: localhost\r\n\r\n", 505, true},
		{"HTTP/1.10 (net/http)", "GET /hello.txt HTTP/1.10\r\nHost: localhost\r\n\r\n", 400, true},
		{"no version, HTTP/0.9 (net/http)", "GET /hello.txt\r\n\r\n", 400, true},
		{"garbage version (net/http)", "GET /hello.txt FOO/1.1\r\nHost: localhost\r\n\r\n", 400, true},
		{"lower-case version (net/http)", "GET /hello.txt http/1.1\r\nHost: localhost\r\n\r\n", 400, true},
		{"unknown method", "BREW /hello.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 501, true},
		{"method that is not a token (net/http)", "G(T /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", 400, true},
		{"bare LF line endings are accepted (net/http)", "GET /hello.txt HTTP/1.1\nHost: localhost\nConnection: close\n\n", 200, true},
		{"bare CR inside a header value (net/http)", "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nX-A: a\rb\r\n\r\n", 400, true},
		{"missing Host on HTTP/1.1 (net/http)", "GET /hello.txt HTTP/1.1\r\n\r\n", 400, true},
		{"two Host headers (net/http)", "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nHost: y\r\n\r\n", 400, true},
		{"missing Host on HTTP/1.0 is fine, as in Python", "GET /hello.txt HTTP/1.0\r\n\r\n", 200, true},
		{"space before the colon (net/http)", "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length : 0\r\n\r\n", 400, true},
		// RFC 9112 §5.2 lets a server replace obs-fold with a space, as net/http does.
		{"obsolete line folding is unfolded (net/http)", "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nX-A: a\r\n b\r\nConnection: close\r\n\r\n", 200, true},
		{"NUL in the path", "GET /hello.txt\x00 HTTP/1.1\r\nHost: localhost\r\n\r\n", 400, true},
		{"CL+TE smuggling", "POST /cgi-bin/hello.sh HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n", 400, true},
		{"TE+CL smuggling, TE first", "POST /cgi-bin/hello.sh HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n5\r\nGET /\r\n0\r\n\r\n", 400, true},
		{"TE gzip, chunked with CL (net/http)", "POST /cgi-bin/hello.sh HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 501, true},
		{"TE identity (net/http)", "POST /cgi-bin/hello.sh HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: identity\r\nContent-Length: 0\r\n\r\n", 501, true},
		{"duplicate Content-Length (net/http)", "POST /cgi-bin/hello.sh HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400, true},
		{"list Content-Length (net/http)", "POST /cgi-bin/hello.sh HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1, 2\r\n\r\nab", 400, true},
		{"negative Content-Length (net/http)", "POST /cgi-bin/hello.sh HTTP/1.1\r\nHost: localhost\r\nContent-Length: -5\r\n\r\n", 400, true},
		{"signed Content-Length (net/http)", "POST /cgi-bin/hello.sh HTTP/1.1\r\nHost: localhost\r\nContent-Length: +5\r\n\r\nhello", 400, true},
		{"huge Content-Length (net/http)", "POST /cgi-bin/hello.sh HTTP/1.1\r\nHost: localhost\r\nContent-Length: 99999999999999999999\r\n\r\n", 400, true},
	} {
		began := time.Now()
		got, closed := s.exchange(t, tt.raw)
		if d := time.Since(began); d > 2*time.Second {
			t.Errorf("%s: answered after %v", tt.name, d)
		}
		if code := statusOf(got); code != tt.code {
			t.Errorf("%s: status %d; want %d\n%.300q", tt.name, code, tt.code, got)
		}
		if tt.closed && !closed {
			t.Errorf("%s: the connection stayed open", tt.name)
		}
		if n := strings.Count(got, "HTTP/1.1 "); n > 1 {
			t.Errorf("%s: %d responses on one connection; want one", tt.name, n)
		}
	}
	s.healthy(t)
	s.stop() // the log is written in batches: all of it is out once stopped
	if strings.Contains(s.stderr.String(), "/smuggled") {
		t.Errorf("a smuggled request was served:\n%s", s.stderr.String())
	}
}

// TestHostileRanges asks for many, inverted and oversized ranges: the
// answer is never much larger than the file.
func TestHostileRanges(t *testing.T) {
	dir := site(t)
	const size = 100_000
	data := make([]byte, size)
	for i := range data {
		data[i] = byte('a' + i%26)
	}
	os.WriteFile(filepath.Join(dir, "big.txt"), data, 0o644)
	os.WriteFile(filepath.Join(dir, "small.txt"), data[:1000], 0o644)
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir)
	join := func(n int, f func(i int) string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = f(i)
		}
		return "bytes=" + strings.Join(parts, ",")
	}
	for _, tt := range []struct {
		name, path, rng string
		codes           []int
	}{
		{"1000 identical whole ranges", "/small.txt", join(1000, func(int) string { return "0-" }), []int{206, 200}},
		{"1000 overlapping ranges", "/big.txt", join(1000, func(i int) string { return fmt.Sprintf("%d-%d", i, i+50000) }), []int{206, 200}},
		{"1000 one-byte ranges, adjacent", "/small.txt", join(1000, func(i int) string { return fmt.Sprintf("%d-%d", i, i) }), []int{206, 200}},
		{"1000 ranges, spread out", "/big.txt", join(1000, func(i int) string { return fmt.Sprintf("%d-%d", i*100, i*100) }), []int{200}},
		{"1000 suffix ranges", "/big.txt", join(1000, func(i int) string { return fmt.Sprintf("-%d", i+1) }), []int{206, 200}},
		{"inverted", "/big.txt", "bytes=500-100", []int{200}},
		{"oversized end", "/big.txt", "bytes=0-999999999999999", []int{206}},
		{"overflowing end", "/big.txt", "bytes=0-99999999999999999999999", []int{206}},
		{"overflowing suffix", "/big.txt", "bytes=-99999999999999999999999", []int{206}},
		{"start past the end", "/big.txt", "bytes=999999-", []int{416}},
		{"other unit", "/big.txt", "items=0-5", []int{200}},
	} {
		resp, body := get(t, s.base+tt.path, "Range", tt.rng)
		fileSize := size
		if tt.path == "/small.txt" {
			fileSize = 1000
		}
		ok := false
		for _, c := range tt.codes {
			ok = ok || resp.StatusCode == c
		}
		if !ok {
			t.Errorf("%s: status %d; want one of %v", tt.name, resp.StatusCode, tt.codes)
		}
		// 32 parts at most (MaxRanges), ~100 bytes of part headers each.
		if limit := fileSize + 32*128 + 512; len(body) > limit {
			t.Errorf("%s: %d-byte body for a %d-byte file; want at most %d", tt.name, len(body), fileSize, limit)
		}
	}
	s.healthy(t)
}

// TestSlowloris holds 200 connections open trickling a request a byte at
// a time while a normal client is still answered at once, and checks that
// --read-header-timeout then closes them.
func TestSlowloris(t *testing.T) {
	const conns, timeout = 200, 2 * time.Second
	s := start(t, "0", "-b", "127.0.0.1", "-d", site(t), "--read-header-timeout", timeout.String())
	slow := make([]net.Conn, 0, conns)
	for range conns {
		slow = append(slow, s.conn(t, 10*time.Second))
	}
	began := time.Now()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		// Trickle "GET /hello.txt HTTP/1.1\r\nX-a: aaaa…" a byte per
		// connection every 50 ms, never finishing the headers.
		msg := "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + strings.Repeat("a", 1000)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for i := 0; i < len(msg); i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			for _, c := range slow {
				c.Write([]byte{msg[i]})
			}
		}
	})
	for i := range 5 {
		t0 := time.Now()
		resp, body := get(t, s.base+"/hello.txt")
		if d := time.Since(t0); resp.StatusCode != 200 || body != "hello\n" || d > 500*time.Millisecond {
			t.Errorf("normal GET %d under slowloris: %d %q after %v", i, resp.StatusCode, body, d)
		}
	}
	// Every trickling connection is cut once the header timeout passes.
	for i, c := range slow {
		c.SetReadDeadline(began.Add(timeout + 5*time.Second))
		_, err := io.ReadAll(c)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Errorf("slow connection %d still open %v after the header timeout", i, time.Since(began)-timeout)
			break
		}
	}
	if d := time.Since(began); d < timeout-100*time.Millisecond {
		t.Errorf("slow connections cut after %v; want about %v", d, timeout)
	}
	close(stop)
	wg.Wait()
	s.healthy(t)
}

// TestIdleKeepAlive checks that --idle-timeout closes a kept-alive
// connection that sends nothing more.
func TestIdleKeepAlive(t *testing.T) {
	const idle = 500 * time.Millisecond
	s := start(t, "0", "-b", "127.0.0.1", "-d", site(t), "--idle-timeout", idle.String())
	c := s.conn(t, 10*time.Second)
	io.WriteString(c, "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	answered := time.Now()
	if resp.Close {
		t.Fatal("first response closed the connection; want keep-alive")
	}
	n, err := br.Read(make([]byte, 1))
	d := time.Since(answered)
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		t.Errorf("idle connection still open after %v; want closed after %v", d, idle)
	case n != 0 || err != io.EOF && !errors.Is(err, syscall.ECONNRESET):
		t.Errorf("idle connection: read %d, %v; want EOF", n, err)
	case d < idle/2 || d > idle+3*time.Second:
		t.Errorf("idle connection closed after %v; want about %v", d, idle)
	}
	s.healthy(t)
}

// cgiSite is site(t) plus scripts that misbehave. Each records its process
// id (and that of a child it leaves running) in pids, writable by nobody,
// whom scripts run as under root.
func cgiSite(t *testing.T) (dir, pids string) {
	t.Helper()
	dir = site(t)
	pids = t.TempDir()
	os.Chmod(pids, 0o777)
	for name, body := range map[string]string{
		"hang.sh": "sleep 30 & echo $! > PIDS/hang-child\necho $$ > PIDS/hang\nsleep 30\n",
		"flood.sh": "echo $$ > PIDS/flood\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\n" +
			"exec yes 'flood flood flood flood flood flood flood flood flood flood'\n",
		"crash.sh": "printf 'Content-Type: text/plain\\r\\n\\r\\npartial'\nkill -9 $$\n",
		"slow.sh":  "printf 'Content-Type: text/plain\\r\\n\\r\\npartial'\necho $$ > PIDS/slow\nsleep 30\n",
		"deaf.sh":  "printf 'Content-Type: text/plain\\r\\n\\r\\nnot listening\\n'\n",
	} {
		script := "#!/bin/sh\n" + strings.ReplaceAll(body, "PIDS", pids)
		if err := os.WriteFile(filepath.Join(dir, "cgi-bin", name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir, pids
}

// waitGone waits, at most within, for the process whose id the script
// wrote to file to be gone (or a zombie, which holds nothing).
func waitGone(t *testing.T, file string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	var pid int
	for pid == 0 && time.Now().Before(deadline) {
		b, _ := os.ReadFile(file)
		pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		if pid == 0 {
			time.Sleep(10 * time.Millisecond) // polling a file the script writes
		}
	}
	if pid == 0 {
		t.Errorf("%s: the script never wrote its pid", filepath.Base(file))
		return
	}
	for time.Now().Before(deadline) {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return
		}
		if _, rest, ok := strings.Cut(string(stat), ") "); ok && strings.HasPrefix(rest, "Z") {
			return
		}
		time.Sleep(10 * time.Millisecond) // polling /proc: no event to wait on
	}
	t.Errorf("%s: process %d still running %v later", filepath.Base(file), pid, within)
}

// TestHostileCGI runs misbehaving scripts through the command: none may
// hang the server, leak a process or stop it answering others.
func TestHostileCGI(t *testing.T) {
	dir, pids := cgiSite(t)

	t.Run("hang", func(t *testing.T) {
		s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--cgi", "--cgi-timeout", "1s")
		began := time.Now()
		resp, _ := get(t, s.base+"/cgi-bin/hang.sh")
		if d := time.Since(began); resp.StatusCode != http.StatusGatewayTimeout || d > 5*time.Second {
			t.Errorf("hanging script: %d after %v; want 504 after about 1s", resp.StatusCode, d)
		}
		waitGone(t, filepath.Join(pids, "hang"), 5*time.Second)
		waitGone(t, filepath.Join(pids, "hang-child"), 5*time.Second)

		// Past its header, a script that times out can no longer get a
		// 504: its response must be cut, not ended as if complete.
		resp, err := http.Get(s.base + "/cgi-bin/slow.sh")
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "partial" || err == nil {
			t.Errorf("script timing out mid-stream: read %q, %v; want \"partial\" and an error", body, err)
		}
		waitGone(t, filepath.Join(pids, "slow"), 5*time.Second)
		s.healthy(t)
	})

	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--cgi", "--cgi-timeout", "60s", "--cgi-max-body", strconv.Itoa(64<<20))

	t.Run("flood, client leaves", func(t *testing.T) {
		resp, err := http.Get(s.base + "/cgi-bin/flood.sh")
		if err != nil {
			t.Fatal(err)
		}
		n, _ := io.CopyN(io.Discard, resp.Body, 4<<20)
		resp.Body.Close() // mid-stream: the connection is closed
		if n != 4<<20 {
			t.Errorf("flood: read %d bytes; want 4 MiB", n)
		}
		// The 60 s timeout is far off: only the disconnect can kill it.
		waitGone(t, filepath.Join(pids, "flood"), 5*time.Second)
		s.healthy(t)
	})

	t.Run("crash mid-stream", func(t *testing.T) {
		resp, err := http.Get(s.base + "/cgi-bin/crash.sh")
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		// A script killed by a signal did not finish its response, so the
		// client must not see it end as if complete.
		if resp.StatusCode != 200 || string(body) != "partial" || err == nil {
			t.Errorf("crash mid-stream: %d %q, %v; want 200, the partial body and an error", resp.StatusCode, body, err)
		}
		s.healthy(t)
	})

	t.Run("deaf to a large body", func(t *testing.T) {
		began := time.Now()
		req, _ := http.NewRequest("POST", s.base+"/cgi-bin/deaf.sh", strings.NewReader(strings.Repeat("x", 16<<20)))
		resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
		if err != nil {
			t.Fatalf("16 MiB POST to a script that reads none of it: %v after %v", err, time.Since(began))
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != "not listening\n" || time.Since(began) > 10*time.Second {
			t.Errorf("16 MiB POST to a deaf script: %d %q after %v", resp.StatusCode, body, time.Since(began))
		}
		s.healthy(t)
	})

	t.Run("50 at once", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make(chan string, 50)
		for range 50 {
			wg.Go(func() {
				resp, err := (&http.Client{Timeout: 20 * time.Second}).Get(s.base + "/cgi-bin/hello.sh")
				if err != nil {
					errs <- err.Error()
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || string(body) != "hello from cgi GET\n" {
					errs <- fmt.Sprintf("%d %q", resp.StatusCode, body)
				}
			})
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Errorf("one of 50 concurrent scripts: %s", e)
		}
		s.healthy(t)
	})
}
