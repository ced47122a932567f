package tlsconfig

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSelfSigned(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	hosts := []string{"localhost", "My-PC.lan.", "192.168.1.20", "fe80::1%eth0", "::ffff:10.0.0.1", "LOCALHOST", "192.168.1.20", "2001:db8::5"}
	conf, err := SelfSigned(hosts, now)
	if err != nil {
		t.Fatal(err)
	}
	if conf.MinVersion != tls.VersionTLS12 || len(conf.Certificates) != 1 || len(conf.Certificates[0].Certificate) != 1 {
		t.Fatalf("config = %+v; want TLS 1.2 minimum and one certificate alone", conf)
	}
	tc := conf.Certificates[0]
	cert, err := x509.ParseCertificate(tc.Certificate[0])
	if err != nil {
		t.Fatalf("the certificate does not parse: %v", err)
	}
	if !cert.Equal(tc.Leaf) {
		t.Error("Leaf is not the certificate")
	}
	if got, want := cert.DNSNames, []string{"localhost", "my-pc.lan"}; !slices.Equal(got, want) {
		t.Errorf("DNS names = %q; want %q", got, want)
	}
	var ips []string
	for _, ip := range cert.IPAddresses {
		ips = append(ips, ip.String())
	}
	if want := []string{"192.168.1.20", "fe80::1", "10.0.0.1", "2001:db8::5"}; !slices.Equal(ips, want) {
		t.Errorf("IP addresses = %q; want %q", ips, want)
	}
	if cert.Subject.CommonName != "localhost" {
		t.Errorf("common name = %q; want localhost", cert.Subject.CommonName)
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() || cert.SignatureAlgorithm != x509.ECDSAWithSHA256 {
		t.Errorf("key %T, signature %v; want ECDSA P-256 with SHA-256", cert.PublicKey, cert.SignatureAlgorithm)
	}
	if priv, ok := tc.PrivateKey.(*ecdsa.PrivateKey); !ok || !priv.PublicKey.Equal(pub) {
		t.Error("the private key is not the certificate's")
	}
	if !cert.NotBefore.Equal(now.Add(-time.Hour)) || !cert.NotAfter.Equal(now.Add(7*24*time.Hour)) {
		t.Errorf("valid %v to %v; want %v to %v", cert.NotBefore, cert.NotAfter, now.Add(-time.Hour), now.Add(7*24*time.Hour))
	}
	if cert.IsCA || cert.KeyUsage != x509.KeyUsageDigitalSignature || !slices.Equal(cert.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}) {
		t.Errorf("IsCA %v, key usage %v, ext %v; want a TLS server's leaf", cert.IsCA, cert.KeyUsage, cert.ExtKeyUsage)
	}
	if cert.SerialNumber.Sign() <= 0 || cert.SerialNumber.BitLen() < 64 {
		t.Errorf("serial %v is not a large random number", cert.SerialNumber)
	}
	// Trusted as itself, it verifies for each of its names, within its
	// validity only.
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	for _, name := range []string{"localhost", "my-pc.lan", "MY-PC.LAN", "192.168.1.20", "10.0.0.1", "2001:db8::5"} {
		if _, err := cert.Verify(x509.VerifyOptions{DNSName: name, Roots: roots, CurrentTime: now}); err != nil {
			t.Errorf("verify for %s: %v", name, err)
		}
	}
	for _, bad := range []struct {
		name string
		at   time.Time
	}{{"other.lan", now}, {"192.168.1.21", now}, {"localhost", now.Add(-61 * time.Minute)}, {"localhost", now.Add(7*24*time.Hour + time.Second)}} {
		if _, err := cert.Verify(x509.VerifyOptions{DNSName: bad.name, Roots: roots, CurrentTime: bad.at}); err == nil {
			t.Errorf("verify for %s at %v: no error", bad.name, bad.at)
		}
	}
	// Each call makes a new key.
	again, _ := SelfSigned(hosts, now)
	if again.Certificates[0].Leaf.PublicKey.(*ecdsa.PublicKey).Equal(pub) {
		t.Error("two calls made the same key")
	}
}

func TestSelfSignedErrors(t *testing.T) {
	for _, hosts := range [][]string{
		nil,
		{},
		{"localhost", ""},
		{"bad host"},
		{"évil.example"},
		{"a/b"},
		{"-lead.example"},
		{"x..y"},
		{"127.0.0.1:8000"},
		{"[::1]"},
		{"name\x00.example"},
		{strings.Repeat("a", 64) + ".example"},
	} {
		conf, err := SelfSigned(hosts, time.Now())
		if conf != nil || !errors.Is(err, ErrMalformed) {
			t.Errorf("SelfSigned(%q) = %v, %v; want an ErrMalformed error", hosts, conf, err)
			continue
		}
		if len(hosts) > 1 && !strings.Contains(err.Error(), `"`) {
			t.Errorf("SelfSigned(%q): %v does not quote the host", hosts, err)
		}
	}
}

func TestValidHost(t *testing.T) {
	for _, tc := range []struct {
		host string
		ok   bool
	}{
		{"localhost", true},
		{"example.com", true},
		{"example.com.", true},
		{"DESKTOP-AB12CD", true},
		{"my_pc", true},
		{"a", true},
		{strings.Repeat("a", 63), true},
		{strings.Repeat("a.", 126) + "a", true}, // 253 bytes
		{"", false},
		{".", false},
		{"..", false},
		{".example", false},
		{"a..b", false},
		{strings.Repeat("a", 64), false},
		{strings.Repeat("a.", 126) + "ab", false}, // 254 bytes
		{"-a", false},
		{"a-", false},
		{"a b", false},
		{"a\tb", false},
		{"a\nb", false},
		{"a\x00b", false},
		{"a/b", false},
		{"a:b", false},
		{"[::1]", false},
		{"a@b", false},
		{"*.example.com", false},
		{"naïve.example", false},
		{"xn--nave-6pa.example", true},
		{"<script>", false},
		{"a%2eb", false},
	} {
		if got := ValidHost(tc.host); got != tc.ok {
			t.Errorf("ValidHost(%q) = %v; want %v", tc.host, got, tc.ok)
		}
	}
}

func TestFingerprint(t *testing.T) {
	conf, err := SelfSigned([]string{"localhost", "127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	der := conf.Certificates[0].Certificate[0]
	fp := Fingerprint(der)
	sum := sha256.Sum256(der)
	if want := strings.ToUpper(hex.EncodeToString(sum[:])); strings.ReplaceAll(fp, ":", "") != want || len(fp) != 32*3-1 {
		t.Errorf("Fingerprint = %s; want %s with colons", fp, want)
	}
	if got := Fingerprint([]byte("abc")); got != "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD" {
		t.Errorf(`Fingerprint("abc") = %s`, got)
	}
	// The same as OpenSSL's, where it is installed.
	if _, err := exec.LookPath("openssl"); err == nil {
		cmd := exec.Command("openssl", "x509", "-inform", "DER", "-noout", "-fingerprint", "-sha256")
		cmd.Stdin = strings.NewReader(string(der))
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("openssl: %v", err)
		}
		if _, got, _ := strings.Cut(strings.TrimSpace(string(out)), "="); got != fp {
			t.Errorf("openssl says %s; Fingerprint %s", got, fp)
		}
	}
}

// TestSelfSignedServe serves HTTPS with the certificate and connects to
// it by IP, trusting that certificate alone.
func TestSelfSignedServe(t *testing.T) {
	conf, err := SelfSigned([]string{"localhost", "127.0.0.1", "::1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	srv.TLS = conf
	srv.StartTLS()
	defer srv.Close()
	roots := x509.NewCertPool()
	roots.AddCert(conf.Certificates[0].Leaf)
	c, err := tls.Dial("tcp", srv.Listener.Addr().String(), &tls.Config{RootCAs: roots})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	if got := Fingerprint(c.ConnectionState().PeerCertificates[0].Raw); got != Fingerprint(conf.Certificates[0].Certificate[0]) {
		t.Errorf("served certificate %s; want %s", got, Fingerprint(conf.Certificates[0].Certificate[0]))
	}
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	lc, err := tls.Dial("tcp", net.JoinHostPort("localhost", port), &tls.Config{RootCAs: roots})
	if err != nil {
		t.Fatalf("dial localhost: %v", err)
	}
	lc.Close()
}
