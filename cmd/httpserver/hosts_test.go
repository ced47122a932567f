package main

import (
	"net"
	"net/netip"
	"strings"
	"testing"
)

// TestAllowedHost checks the DNS-rebinding guard through the command: on
// by default when bound to loopback, with the flag to use in its page.
func TestAllowedHost(t *testing.T) {
	dir := site(t)
	def := start(t, "0", "-b", "127.0.0.1", "-d", dir)
	port := def.base[strings.LastIndexByte(def.base, ':')+1:]
	named := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--allowed-host", "myapp.test", "--allowed-host", ".corp.test")
	off := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--allowed-host", "*")
	byName := start(t, "0", "-b", "localhost", "-d", dir)

	for _, tt := range []struct {
		s       *started
		request string
		code    int
		body    string
	}{
		{def, "GET /hello.txt HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n", 403, "restart the server with --allowed-host evil.example"},
		{def, "GET /hello.txt HTTP/1.1\r\nHost: evil.example:" + port + "\r\nConnection: close\r\n\r\n", 403, "Host evil.example is not allowed"},
		{def, "GET /hello.txt HTTP/1.1\r\nHost: localhost.evil.example\r\nConnection: close\r\n\r\n", 403, "--allowed-host localhost.evil.example"},
		{def, "GET /hello.txt HTTP/1.1\r\nHost: 127.0.0.1.nip.io\r\nConnection: close\r\n\r\n", 403, "--allowed-host 127.0.0.1.nip.io"},
		{def, "GET /hello.txt HTTP/1.0\r\n\r\n", 200, "hello\n"}, // no Host: not a browser's, as in Python
		{def, "GET http://evil.example/hello.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 403, "evil.example"},
		{def, "GET /hello.txt HTTP/1.1\r\nHost: localhost:" + port + "\r\nConnection: close\r\n\r\n", 200, "hello\n"},
		{def, "GET /hello.txt HTTP/1.1\r\nHost: LOCALHOST.:" + port + "\r\nConnection: close\r\n\r\n", 200, "hello\n"},
		{def, "GET /hello.txt HTTP/1.1\r\nHost: app.localhost:" + port + "\r\nConnection: close\r\n\r\n", 200, "hello\n"},
		{def, "GET /hello.txt HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n", 200, "hello\n"},
		{def, "GET /hello.txt HTTP/1.1\r\nHost: [::1]:" + port + "\r\nConnection: close\r\n\r\n", 200, "hello\n"},
		{def, "GET /missing HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n", 403, "evil.example"},
		{named, "GET /hello.txt HTTP/1.1\r\nHost: MyApp.test\r\nConnection: close\r\n\r\n", 200, "hello\n"},
		{named, "GET /hello.txt HTTP/1.1\r\nHost: a.corp.test\r\nConnection: close\r\n\r\n", 200, "hello\n"},
		{named, "GET /hello.txt HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n", 403, "evil.example"},
		{off, "GET /hello.txt HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n", 200, "hello\n"},
		{off, "GET /hello.txt HTTP/1.0\r\n\r\n", 200, "hello\n"},
		{byName, "GET /hello.txt HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n", 403, "evil.example"},
	} {
		got, _ := tt.s.exchange(t, tt.request)
		_, body, _ := strings.Cut(got, "\r\n\r\n")
		if statusOf(got) != tt.code || !strings.Contains(body, tt.body) {
			t.Errorf("%q: got %q; want %d with %q", tt.request, got, tt.code, tt.body)
		}
	}
	// The refusal is in the access log, with its reason.
	if !waitContains(t, def.stderr, "code 403, message Host evil.example is not allowed") {
		t.Errorf("access log lacks the refusal:\n%s", def.stderr)
	}
	// Through an ordinary client, which sends Host: 127.0.0.1:PORT.
	if resp, body := get(t, def.base+"/hello.txt"); resp.StatusCode != 200 || body != "hello\n" {
		t.Errorf("GET %s/hello.txt: %d %q", def.base, resp.StatusCode, body)
	}
	def.healthy(t)
}

func TestGuardHosts(t *testing.T) {
	tcp := func(s string) net.Addr { return net.TCPAddrFromAddrPort(netip.MustParseAddrPort(s)) }
	for _, tt := range []struct {
		addr    net.Addr
		allowed []string
		want    bool
	}{
		{tcp("127.0.0.1:8000"), nil, true},
		{tcp("127.0.1.1:8000"), nil, true}, // Debian's name for the machine
		{tcp("[::1]:8000"), nil, true},
		{tcp("[::ffff:127.0.0.1]:8000"), nil, true},
		{tcp("[::]:8000"), nil, false},
		{tcp("0.0.0.0:8000"), nil, false},
		{tcp("192.0.2.1:8000"), nil, false},
		{tcp("192.0.2.1:8000"), []string{"myapp.test"}, true},
		{tcp("[::]:8000"), []string{"myapp.test"}, true},
		{tcp("127.0.0.1:8000"), []string{"*"}, false},
		{tcp("127.0.0.1:8000"), []string{"myapp.test", "*"}, false},
		{&net.UnixAddr{Name: "/tmp/s", Net: "unix"}, nil, false},
	} {
		if got := guardHosts(tt.addr, tt.allowed); got != tt.want {
			t.Errorf("guardHosts(%v, %q) = %v; want %v", tt.addr, tt.allowed, got, tt.want)
		}
	}
}
