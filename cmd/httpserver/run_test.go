package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pyhttp/httpserver/listing"
)

func TestParseArgs(t *testing.T) {
	for _, tt := range []struct {
		args  []string
		check func(config) bool
	}{
		{nil, func(c config) bool {
			return c.port == 8000 && c.bind == "" && c.directory == "." && c.Protocol == "HTTP/1.1" && !c.CGI && !c.Quiet && !c.Compress &&
				c.IdleTimeout == 30*time.Second // Python has none; nginx 75 s with a connection cap, Apache 5 s
		}},
		{[]string{"8080"}, func(c config) bool { return c.port == 8080 }},
		{[]string{"--cors", "8080"}, func(c config) bool { return c.port == 8080 && slices.Equal(c.CORSOrigins, []string{"*"}) }},
		{[]string{"--cors", "https://a.example", "--cors=http://b.example:8080", "9000"}, func(c config) bool {
			return c.port == 9000 && slices.Equal(c.CORSOrigins, []string{"https://a.example", "http://b.example:8080"})
		}},
		{[]string{"8080", "--bind", "127.0.0.1"}, func(c config) bool { return c.port == 8080 && c.bind == "127.0.0.1" }},
		{[]string{"-b", "::1", "9000", "-d", "site"}, func(c config) bool { return c.port == 9000 && c.bind == "::1" && c.directory == "site" }},
		{[]string{"--directory=site", "0"}, func(c config) bool { return c.port == 0 && c.directory == "site" }},
		{[]string{"--cgi", "-p", "HTTP/1.0"}, func(c config) bool { return c.CGI && c.Protocol == "HTTP/1.0" }},
		{[]string{"--protocol=HTTP/1.1"}, func(c config) bool { return c.Protocol == "HTTP/1.1" }},
		{[]string{"--tls-cert", "c.pem"}, func(c config) bool { return c.tlsCert == "c.pem" && c.tlsKey == "" }},
		{[]string{"--tls-cert", "c.pem", "--tls-key", "k.pem", "--tls-password-file", "p"}, func(c config) bool {
			return c.tlsKey == "k.pem" && c.tlsPasswordFile == "p"
		}},
		{[]string{"--header", "Access-Control-Allow-Origin: *", "--header", "Cache-Control:no-store", "--header", "X-A: 1", "--header", "X-A: 2"}, func(c config) bool {
			return c.Headers.Get("Access-Control-Allow-Origin") == "*" && c.Headers.Get("Cache-Control") == "no-store" && len(c.Headers["X-A"]) == 2
		}},
		{[]string{"--log-format", "combined", "--quiet", "--no-listing", "--hide-dotfiles", "--h2c", "--etag", "content"}, func(c config) bool {
			return c.LogFormat.String() == "combined" && c.Quiet && c.NoListing && c.Access.Denied(".git") && c.H2C && c.ContentETags
		}},
		{[]string{"--cgi", "--cgi-dir", "/scripts", "--cgi-env", "TZ", "--cgi-timeout", "5s", "--cgi-max-body", "1024"}, func(c config) bool {
			return c.CGI && len(c.CGIDirs) == 1 && c.CGIDirs[0] == "/scripts" && c.CGIEnv[0] == "TZ" && c.CGITimeout == 5*time.Second && c.CGIMaxBody == 1024
		}},
		{[]string{"--listing", "python", "--dirs-first"}, func(c config) bool { return c.Listing == listing.Python && c.DirsFirst }},
		{[]string{"--live-reload"}, func(c config) bool { return c.liveReload && c.LiveReload == nil }}, // made by run
		{[]string{"--allowed-host", "myapp.test", "--allowed-host=.corp.test", "--allowed-host", "*", "--allowed-host", "::1"}, func(c config) bool {
			return slices.Equal(c.AllowedHosts, []string{"myapp.test", ".corp.test", "*", "::1"}) && !c.GuardHosts // decided once listening
		}},
		{[]string{"--compress"}, func(c config) bool { return c.Compress }},
		{[]string{}, func(c config) bool { return !c.NoPrecompressed }},
		{[]string{"--no-precompressed"}, func(c config) bool { return c.NoPrecompressed }},
		{[]string{"--read-header-timeout", "2s", "--idle-timeout", "1m", "--max-header-bytes", "8192"}, func(c config) bool {
			return c.ReadHeaderTimeout == 2*time.Second && c.IdleTimeout == time.Minute && c.MaxHeaderBytes == 8192
		}},
	} {
		got, err := parseArgs(tt.args, io.Discard)
		if err != nil || !tt.check(got) {
			t.Errorf("parseArgs(%q) = %+v, %v", tt.args, got, err)
		}
	}
}

func TestParseArgsErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"abc"}, `argument port: invalid int value: "abc"`},
		{[]string{"99999"}, "99999 is not a port number"},
		{[]string{"-1"}, "unknown shorthand flag"},
		{[]string{"80", "81"}, "unrecognized arguments: 81"},
		{[]string{"--nope"}, "unknown flag: --nope"},
		{[]string{"--bind"}, "flag needs an argument"},
		{[]string{"-p", "HTTP/2"}, `"HTTP/2" is not HTTP/1.0 or HTTP/1.1`},
		{[]string{"--tls-key", "k.pem"}, "require --tls-cert"},
		{[]string{"--tls-password-file", "p"}, "require --tls-cert"},
		{[]string{"--log-format", "xml"}, `"xml" is not python`},
		{[]string{"--header", "no colon"}, "is not 'Name: value'"},
		{[]string{"--header", "Bad Name: x"}, "is not 'Name: value'"},
		{[]string{"--header", "X: a\rb"}, "is not 'Name: value'"},
		{[]string{"--header", ": x"}, "is not 'Name: value'"},
		{[]string{"--read-header-timeout", "0s"}, "timeouts must be positive"},
		{[]string{"--read-header-timeout", "soon"}, "invalid argument"},
		{[]string{"--max-header-bytes", "10"}, "below 4096"},
		{[]string{"-d", ""}, "expected a directory"},
		{[]string{"--etag", "weak"}, `"weak" is not mtime or content`},
		{[]string{"--listing", "fancy"}, `"fancy" is not modern or python`},
		{[]string{"--cgi-timeout", "5s"}, "require --cgi"},
		{[]string{"--cgi-dir", "/x"}, "require --cgi"},
		{[]string{"--cgi", "--cgi-dir", "scripts"}, "is not a URL path below /"},
		{[]string{"--cgi", "--cgi-dir", "/"}, "is not a URL path below /"},
		{[]string{"--cgi", "--cgi-timeout", "0s"}, "must be positive"},
		{[]string{"--cgi", "--cgi-max-body", "0"}, "must be positive"},
		{[]string{"--cgi", "--cgi-max-body", "-1"}, "must be positive"},
		{[]string{"--cgi", "--live-reload", "--cgi-dir", "/.httpserver/bin"}, "is reserved by --live-reload"},
		{[]string{"--cgi", "--live-reload", "--cgi-dir", "/a/.HTTPSERVER"}, "is reserved by --live-reload"},
		{[]string{"--allowed-host", "http://myapp.test"}, `"http://myapp.test" is not * or a host name`},
		{[]string{"--allowed-host", "a b"}, "is not * or a host name"},
		{[]string{"--allowed-host", ""}, "is not * or a host name"},
		{[]string{"--allowed-host", "*.corp.test"}, "is not * or a host name like example.test or .example.test"},
	} {
		_, err := parseArgs(tt.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) || exitCode(err) != 2 {
			t.Errorf("parseArgs(%q) = %v (exit %d); want a usage error containing %q", tt.args, err, exitCode(err), tt.want)
			continue
		}
		if !strings.HasPrefix(err.Error(), "usage: httpserver") || !strings.Contains(err.Error(), "\nhttpserver: error: ") {
			t.Errorf("parseArgs(%q): %q is not shaped like argparse's", tt.args, err)
		}
	}
}

func TestVersion(t *testing.T) {
	var out bytes.Buffer
	if err := run(nil, []string{"--version"}, &out, io.Discard); err != nil || !strings.HasPrefix(out.String(), "httpserver "+version+" (go") {
		t.Errorf("--version: %v, %q", err, out.String())
	}
}

func TestHelp(t *testing.T) {
	var out bytes.Buffer
	if err := run(nil, []string{"-h"}, &out, io.Discard); err != nil {
		t.Fatalf("run -h: %v", err)
	}
	for _, want := range []string{"usage: httpserver", "--bind", "--directory", "bind to this port (default: 8000", "idle for longer (default: 30s)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	_, busyPort, _ := net.SplitHostPort(busy.Addr().String())
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"0", "-b", "127.0.0.1", "-d", "/does/not/exist"}, `cannot serve directory "/does/not/exist": no such file or directory`},
		{[]string{"0", "-b", "127.0.0.1", "-d", file}, "not a directory"},
		{[]string{busyPort, "-b", "127.0.0.1", "-d", t.TempDir()}, "address already in use"},
		{[]string{"0", "-b", "no-such-host.invalid", "-d", t.TempDir()}, "cannot listen on no-such-host.invalid:0"},
	} {
		err := run(nil, tt.args, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) || exitCode(err) != 1 {
			t.Errorf("run(%q) = %v; want exit 1 and %q", tt.args, err, tt.want)
		}
	}
}

// syncBuffer is a bytes.Buffer safe to read while run writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var bannerRE = regexp.MustCompile(`^Serving HTTPS? on (\S+) port (\d+) \(https?://(\S+)/\) \.\.\.\n`)

// waitBanner waits, boundedly, for run's banner and returns the URL.
func waitBanner(t *testing.T, out *syncBuffer, errc <-chan error) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := bannerRE.FindStringSubmatch(out.String()); m != nil {
			return "http://" + m[3]
		}
		select {
		case err := <-errc:
			t.Fatalf("run ended before serving: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("no banner within 10s; stdout: %q", out.String())
	return ""
}

func TestRunServesAndStops(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "hello.txt"), []byte("hello\n"), 0o644)
	interrupts := make(chan os.Signal, 1)
	var stdout, stderr syncBuffer
	errc := make(chan error, 1)
	go func() {
		errc <- run(interrupts, []string{"--bind", "127.0.0.1", "0", "--directory", dir}, &stdout, &stderr)
	}()
	base := waitBanner(t, &stdout, errc)

	resp, err := http.Get(base + "/hello.txt")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "hello\n" {
		t.Errorf("GET /hello.txt: %d %q", resp.StatusCode, body)
	}
	if !strings.HasPrefix(resp.Header.Get("Server"), "httpserver/"+version+" Go/") {
		t.Errorf("Server = %q", resp.Header.Get("Server"))
	}
	resp, err = http.Get(base + "/missing")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	interrupts <- os.Interrupt
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("run after an interrupt = %v; want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	if !strings.HasSuffix(stdout.String(), "\nKeyboard interrupt received, exiting.\n") {
		t.Errorf("stdout = %q; want the interrupt message last", stdout.String())
	}
	logRE := regexp.MustCompile(`(?m)^127\.0\.0\.1 - - \[\d\d/[A-Z][a-z]{2}/\d{4} \d\d:\d\d:\d\d\] `)
	for _, want := range []string{`"GET /hello.txt HTTP/1.1" 200 -`, `code 404, message File not found`, `"GET /missing HTTP/1.1" 404 -`} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	if n := len(logRE.FindAllString(stderr.String(), -1)); n != 3 {
		t.Errorf("stderr has %d Python-style log lines; want 3:\n%s", n, stderr.String())
	}
}

// TestCommandEndToEnd builds the command and runs it as a user would: on
// a free loopback port (IPv4 and IPv6), fetched with a real client, and
// stopped by SIGINT in the middle of a slow download, which must still
// complete before the command exits 0.
func TestCommandEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := filepath.Join(t.TempDir(), "httpserver")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("0123456789"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	big := bytes.Repeat([]byte("0123456789abcdef"), 4<<20/16) // 4 MiB
	os.WriteFile(filepath.Join(dir, "big.bin"), big, 0o644)

	for _, bind := range []string{"127.0.0.1", "::1"} {
		t.Run(bind, func(t *testing.T) {
			if ln, err := net.Listen("tcp", net.JoinHostPort(bind, "0")); err != nil {
				t.Skip("cannot listen here:", err)
			} else {
				ln.Close()
			}
			endToEnd(t, bin, bind, dir, big)
		})
	}
}

func endToEnd(t *testing.T, bin, bind, dir string, big []byte) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "0", "--bind", bind, "--directory", dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewReader(stdout)
	banner, err := lines.ReadString('\n')
	if err != nil {
		t.Fatalf("reading banner: %v", err)
	}
	m := bannerRE.FindStringSubmatch(banner)
	if m == nil || m[1] != bind || m[2] == "0" {
		t.Fatalf("banner = %q", banner)
	}
	base := "http://" + m[3]

	req, _ := http.NewRequest("GET", base+"/a.txt", nil)
	req.Header.Set("Range", "bytes=2-4")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 206 || string(body) != "234" {
		t.Errorf("GET /a.txt bytes=2-4: %d %q; want 206 \"234\"", resp.StatusCode, body)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = noRedirect.Get(base + "/sub")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 301 || resp.Header.Get("Location") != "sub/" {
		t.Errorf("GET /sub: %d Location %q; want 301 sub/", resp.StatusCode, resp.Header.Get("Location"))
	}

	// A slow download: read a little, interrupt the server, read the rest
	// slowly. Shutdown must wait for it.
	resp, err = http.Get(base + "/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got := make([]byte, 0, len(big))
	buf := make([]byte, 256<<10)
	n, _ := io.ReadFull(resp.Body, buf)
	got = append(got, buf[:n]...)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	for {
		time.Sleep(5 * time.Millisecond) // a slow reader: ~50 MB/s at most
		n, err := resp.Body.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			break
		}
	}
	if !bytes.Equal(got, big) {
		t.Errorf("download interrupted by SIGINT: got %d of %d bytes", len(got), len(big))
	}

	rest, _ := io.ReadAll(lines)
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit after SIGINT: %v; want status 0\nstderr: %s", err, stderr.String())
	}
	if !strings.Contains(string(rest), "Keyboard interrupt received, exiting.") {
		t.Errorf("stdout after SIGINT = %q", rest)
	}
	if !strings.Contains(stderr.String(), `"GET /a.txt HTTP/1.1" 206 -`) {
		t.Errorf("stderr lacks the access log line:\n%s", stderr.String())
	}
}
