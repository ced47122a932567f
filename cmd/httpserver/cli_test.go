package main

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestOpenURLs(t *testing.T) {
	local := []netip.Addr{
		netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("::1"),
		netip.MustParseAddr("2001:db8::7"), netip.MustParseAddr("fe80::1"),
		netip.MustParseAddr("192.0.2.10"), netip.MustParseAddr("198.51.100.3"),
		netip.MustParseAddr("::ffff:192.0.2.10"), netip.MustParseAddr("192.0.2.10"),
	}
	for _, tt := range []struct {
		bind string
		want []string
	}{
		{"::", []string{"http://localhost:8000/", "http://192.0.2.10:8000/", "http://198.51.100.3:8000/", "http://[2001:db8::7]:8000/"}},
		{"0.0.0.0", []string{"http://localhost:8000/", "http://192.0.2.10:8000/", "http://198.51.100.3:8000/"}},
		{"127.0.0.1", []string{"http://localhost:8000/"}},
		{"::1", []string{"http://localhost:8000/"}},
		{"192.0.2.10", nil}, // Python's line names it already
	} {
		got := openURLs("http", netip.MustParseAddr(tt.bind), "8000", local)
		if !slices.Equal(got, tt.want) {
			t.Errorf("bound to %s: %q; want %q", tt.bind, got, tt.want)
		}
	}
}

func TestBanner(t *testing.T) {
	dir := site(t)
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--quiet")
	port := s.base[strings.LastIndexByte(s.base, ':')+1:]
	want := "Serving HTTP on 127.0.0.1 port " + port + " (http://127.0.0.1:" + port + "/) ...\n  http://localhost:" + port + "/\n"
	if got := s.stdout.String(); got != want {
		t.Errorf("banner = %q; want %q (--quiet hides only the access log)", got, want)
	}
	n := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--no-banner")
	if got := n.stdout.String(); strings.Count(got, "\n") != 1 || !strings.HasPrefix(got, "Serving HTTP on 127.0.0.1 port ") {
		t.Errorf("--no-banner: %q; want Python's line alone", got)
	}
}

// TestTwoInterrupts interrupts the server while a download is stalled: the
// first interrupt says what it waits for, the second cuts the download and
// ends run with errInterrupted (exit status 130).
func TestTwoInterrupts(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), bytes.Repeat([]byte("x"), 64<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	interrupts := make(chan os.Signal, 2)
	var stdout syncBuffer
	errc := make(chan error, 1)
	go func() {
		errc <- run(interrupts, []string{"0", "-b", "127.0.0.1", "-d", dir, "--quiet"}, &stdout, io.Discard)
	}()
	base := waitBanner(t, &stdout, errc)

	resp, err := http.Get(base + "/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.ReadFull(resp.Body, make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	// The client reads no more: the server's send stalls.
	interrupts <- os.Interrupt
	waitOutput(t, &stdout, "waiting for 1 request to finish (up to 10s); press Ctrl-C again to stop now\n")
	select {
	case err := <-errc:
		t.Fatalf("run returned %v after one interrupt with a download in flight", err)
	default:
	}
	interrupts <- os.Interrupt
	select {
	case err := <-errc:
		if !errors.Is(err, errInterrupted) || exitCode(err) != 130 {
			t.Errorf("run after two interrupts = %v (exit %d); want errInterrupted, 130", err, exitCode(err))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after the second interrupt")
	}
	if n, err := io.Copy(io.Discard, resp.Body); err == nil {
		t.Errorf("the download ended cleanly after %d more bytes; want it cut", n)
	}
}

// TestShutdownGraceZero: with no grace, the first interrupt stops at once,
// whatever is under way.
func TestShutdownGraceZero(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), bytes.Repeat([]byte("x"), 64<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	interrupts := make(chan os.Signal, 1)
	var stdout syncBuffer
	errc := make(chan error, 1)
	go func() {
		errc <- run(interrupts, []string{"0", "-b", "127.0.0.1", "-d", dir, "--quiet", "--shutdown-grace", "0"}, &stdout, io.Discard)
	}()
	base := waitBanner(t, &stdout, errc)
	resp, err := http.Get(base + "/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	interrupts <- os.Interrupt
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("run = %v; want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return at once with --shutdown-grace 0")
	}
	if strings.Contains(stdout.String(), "waiting for") {
		t.Errorf("stdout = %q; nothing is waited for with no grace", stdout.String())
	}
}

// waitOutput waits, boundedly, until out ends with want.
func waitOutput(t *testing.T, out *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.HasSuffix(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("output = %q; want it to end with %q", out.String(), want)
		}
		time.Sleep(10 * time.Millisecond) // the output has no event to wait on
	}
}

// waitContains waits, boundedly, until out contains want: the access
// log is written in batches, after the response.
func waitContains(t *testing.T, out *syncBuffer, want string) bool {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond) // the output has no event to wait on
	}
	return true
}

func TestHabitsFromOtherTools(t *testing.T) {
	dir := t.TempDir()
	cfg, err := parseArgs([]string{"--port", "8080"}, io.Discard)
	if err != nil || cfg.port != 8080 {
		t.Errorf("--port 8080: port %d, %v; want 8080", cfg.port, err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-p", "8080"}, "the port is positional: httpserver 8080"},
		{[]string{dir}, "to serve a directory use -d " + dir},
		{[]string{"--port", "8080", "9000"}, "given both as --port and as \"9000\""},
		{[]string{"--port", "70000"}, "70000 is not a port number"},
	} {
		_, err := parseArgs(tt.args, io.Discard)
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseArgs(%q) = %v (exit %d); want exit 2 and %q", tt.args, err, exitCode(err), tt.want)
		}
	}
}

func TestCORS(t *testing.T) {
	dir := site(t)
	do := func(s *started, method, origin, reqMethod string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, s.base+"/hello.txt", nil)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if reqMethod != "" {
			req.Header.Set("Access-Control-Request-Method", reqMethod)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	any := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--quiet", "--cors")
	one := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--quiet", "--cors", "https://app.example")
	none := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--quiet")
	for _, tt := range []struct {
		name           string
		s              *started
		method, origin string
		reqMethod      string
		code           int
		allowOrigin    string
		allowsMethod   bool
	}{
		{"preflight for GET", any, "OPTIONS", "https://x.example", "GET", 204, "*", true},
		{"preflight for HEAD", any, "OPTIONS", "https://x.example", "HEAD", 204, "*", true},
		{"preflight for PUT", any, "OPTIONS", "https://x.example", "PUT", 204, "", false},
		{"GET from a page", any, "GET", "https://x.example", "", 200, "*", false},
		{"GET, the allowed origin", one, "GET", "https://app.example", "", 200, "https://app.example", false},
		{"preflight, the allowed origin", one, "OPTIONS", "https://app.example", "GET", 204, "https://app.example", true},
		{"GET, another origin", one, "GET", "https://evil.example", "", 200, "", false},
		{"preflight, another origin", one, "OPTIONS", "https://evil.example", "GET", 204, "", false},
		{"OPTIONS without --cors: Python's 501", none, "OPTIONS", "https://x.example", "GET", 501, "", false},
		{"GET without --cors", none, "GET", "https://x.example", "", 200, "", false},
	} {
		resp := do(tt.s, tt.method, tt.origin, tt.reqMethod)
		h := resp.Header
		if resp.StatusCode != tt.code || h.Get("Access-Control-Allow-Origin") != tt.allowOrigin {
			t.Errorf("%s: %d, Access-Control-Allow-Origin %q; want %d %q", tt.name, resp.StatusCode, h.Get("Access-Control-Allow-Origin"), tt.code, tt.allowOrigin)
		}
		if got := tt.reqMethod != "" && strings.Contains(h.Get("Access-Control-Allow-Methods"), tt.reqMethod); got != tt.allowsMethod {
			t.Errorf("%s: Access-Control-Allow-Methods %q", tt.name, h.Get("Access-Control-Allow-Methods"))
		}
		if m := h.Get("Access-Control-Allow-Methods"); strings.Contains(m, "PUT") || h.Get("Access-Control-Allow-Credentials") != "" {
			t.Errorf("%s: allows %q, credentials %q; want neither", tt.name, m, h.Get("Access-Control-Allow-Credentials"))
		}
		if tt.s != none && !slices.Contains(h.Values("Vary"), "Origin") && !strings.Contains(strings.Join(h.Values("Vary"), ","), "Origin") {
			t.Errorf("%s: Vary %q lacks Origin", tt.name, h.Values("Vary"))
		}
	}
	for _, bad := range []string{"app.example", "https://app.example/", "ftp://x", "https://u@x"} {
		if _, err := parseArgs([]string{"--cors", bad}, io.Discard); err == nil || exitCode(err) != 2 {
			t.Errorf("--cors %q: %v; want a usage error", bad, err)
		}
	}
}
