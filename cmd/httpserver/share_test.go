package main

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pyhttp/httpserver/internal/tlsconfig"
)

// TestReadmeFlag checks that the modern page shows a directory's README
// by default, that --no-readme and --listing python do not, and that a
// README.md linking out of the served directory is never read.
func TestReadmeFlag(t *testing.T) {
	dir := site(t)
	writeSiteFile(t, dir, "docs/README.md", "# Docs <script>x</script>\n")
	outside := filepath.Join(t.TempDir(), "secret.md")
	if err := os.WriteFile(outside, []byte("TOP SECRET"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "README.md")); err != nil {
		t.Skipf("cannot make a symlink: %v", err)
	}
	for _, tc := range []struct {
		args []string
		path string
		want bool
	}{
		{nil, "/docs/", true},
		{[]string{"--no-readme"}, "/docs/", false},
		{[]string{"--listing", "python"}, "/docs/", false},
		{nil, "/", false}, // the link out of the root
	} {
		s := start(t, append([]string{"0", "-b", "127.0.0.1", "-d", dir}, tc.args...)...)
		_, body := get(t, s.base+tc.path)
		if got := strings.Contains(body, "<h1>Docs &lt;script&gt;x&lt;/script&gt;</h1>"); got != tc.want {
			t.Errorf("%v GET %s: README shown = %v; want %v", tc.args, tc.path, got, tc.want)
		}
		if strings.Contains(body, "SECRET") || strings.Contains(body, "<script>x") {
			t.Errorf("%v GET %s: the page has what it must not:\n%s", tc.args, tc.path, body)
		}
		s.stop()
	}
}

// waitFor waits for stdout to contain want, and returns it.
func waitFor(t *testing.T, out *syncBuffer, want string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if s := out.String(); strings.Contains(s, want) {
			return s
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("stdout has no %q: %q", want, out.String())
	return ""
}

var fingerprintRE = regexp.MustCompile(`(?m)^  Self-signed TLS certificate, valid until (\d{4}-\d\d-\d\d \d\d:\d\d UTC); its SHA-256 fingerprint:\n    ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})\n`)

// TestTLSSelfSigned serves HTTPS with --tls-self-signed: the printed
// fingerprint is the served certificate's, and a client that trusts that
// certificate alone gets the file, by IP address and by localhost.
func TestTLSSelfSigned(t *testing.T) {
	dir := site(t)
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--tls-self-signed")
	var m []string
	for deadline := time.Now().Add(10 * time.Second); m == nil && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		m = fingerprintRE.FindStringSubmatch(s.stdout.String())
	}
	out := s.stdout.String()
	if m == nil {
		t.Fatalf("no fingerprint in %q", out)
	}
	if !strings.HasPrefix(out, "Serving HTTPS on 127.0.0.1 port ") {
		t.Errorf("banner = %q", out)
	}
	addr := strings.TrimPrefix(s.base, "http://")
	c, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	served := c.ConnectionState().PeerCertificates[0]
	c.Close()
	if got := tlsconfig.Fingerprint(served.Raw); got != m[2] {
		t.Errorf("printed fingerprint %s; served certificate's %s", m[2], got)
	}
	if got := served.NotAfter.UTC().Format("2006-01-02 15:04 MST"); got != m[1] {
		t.Errorf("printed validity %s; certificate's %s", m[1], got)
	}
	if d := time.Until(served.NotAfter); d < 7*24*time.Hour-time.Minute || d > 7*24*time.Hour {
		t.Errorf("certificate valid for %v more; want 7 days", d)
	}
	pool := x509.NewCertPool()
	pool.AddCert(served)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	_, port, _ := net.SplitHostPort(addr)
	for _, host := range []string{addr, net.JoinHostPort("localhost", port)} {
		resp, err := client.Get("https://" + host + "/hello.txt")
		if err != nil {
			t.Errorf("GET https://%s/hello.txt trusting the certificate: %v", host, err)
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != "hello\n" {
			t.Errorf("GET https://%s/hello.txt: %d %q", host, resp.StatusCode, body)
		}
	}
}

func TestShareFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--tls-self-signed", "--tls-cert", "c.pem"}, "--tls-self-signed and --tls-cert cannot be used together"},
		{[]string{"--tls-self-signed", "--tls-key", "k.pem"}, "--tls-key and --tls-password-file require --tls-cert"},
		{[]string{"--no-readme=x"}, "--no-readme"},
	} {
		_, err := parseArgs(tc.args, io.Discard)
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseArgs(%q) = %v (exit %d); want exit 2 and %q", tc.args, err, exitCode(err), tc.want)
		}
	}
}

func TestSelfSignedHosts(t *testing.T) {
	lan := []netip.Addr{netip.MustParseAddr("192.168.1.20"), netip.MustParseAddr("fe80::1%eth0"), netip.MustParseAddr("::ffff:10.0.0.7")}
	for _, tc := range []struct {
		bind, hostname string
		bound          netip.Addr
		local          []netip.Addr
		want           []string
	}{
		{"", "my-pc", netip.IPv4Unspecified(), lan, []string{"localhost", "127.0.0.1", "::1", "my-pc", "192.168.1.20", "fe80::1", "10.0.0.7"}},
		{"", "my-pc", netip.IPv6Unspecified(), lan, []string{"localhost", "127.0.0.1", "::1", "my-pc", "192.168.1.20", "fe80::1", "10.0.0.7"}},
		{"192.168.1.20", "my-pc", netip.MustParseAddr("192.168.1.20"), lan, []string{"localhost", "127.0.0.1", "::1", "my-pc", "192.168.1.20"}},
		{"share.lan", "my-pc", netip.MustParseAddr("192.168.1.20"), nil, []string{"localhost", "127.0.0.1", "::1", "my-pc", "share.lan", "192.168.1.20"}},
		{"127.0.0.1", "", netip.MustParseAddr("127.0.0.1"), nil, []string{"localhost", "127.0.0.1", "::1", "127.0.0.1"}},
		// Host names that no certificate can hold are left out.
		{"", "my pc", netip.MustParseAddr("::1"), nil, []string{"localhost", "127.0.0.1", "::1", "::1"}},
		{"", "évil\n<b>", netip.MustParseAddr("::1"), nil, []string{"localhost", "127.0.0.1", "::1", "::1"}},
		{"", "a/b", netip.MustParseAddr("::1"), nil, []string{"localhost", "127.0.0.1", "::1", "::1"}},
		{"", "10.0.0.9", netip.MustParseAddr("::1"), nil, []string{"localhost", "127.0.0.1", "::1", "::1"}},
		{"", strings.Repeat("a", 64), netip.MustParseAddr("::1"), nil, []string{"localhost", "127.0.0.1", "::1", "::1"}},
	} {
		got := selfSignedHosts(tc.bind, tc.bound, tc.hostname, tc.local)
		if !slices.Equal(got, tc.want) {
			t.Errorf("selfSignedHosts(%q, %v, %q) = %q; want %q", tc.bind, tc.bound, tc.hostname, got, tc.want)
		}
		if _, err := tlsconfig.SelfSigned(got, time.Now()); err != nil {
			t.Errorf("SelfSigned(%q): %v", got, err)
		}
	}
}
