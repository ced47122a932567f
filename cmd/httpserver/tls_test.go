package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// selfSigned writes a certificate for the loopback addresses and its key
// to dir, and returns their paths and a pool that trusts the certificate.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func TestTLSAndHTTP2(t *testing.T) {
	dir := site(t)
	certFile, keyFile, pool := selfSigned(t, t.TempDir())
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(s.stdout.String(), "Serving HTTPS on 127.0.0.1 port ") {
		t.Fatalf("banner = %q", s.stdout.String())
	}
	base := strings.Replace(s.base, "http://", "https://", 1)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Get(base + "/hello.txt")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "hello\n" || resp.Proto != "HTTP/2.0" {
		t.Errorf("GET over TLS: %d %s %q; want 200 HTTP/2.0 hello", resp.StatusCode, resp.Proto, body)
	}
	// Key and certificate in one file, as --tls-key's default expects.
	both := filepath.Join(t.TempDir(), "both.pem")
	c, _ := os.ReadFile(certFile)
	k, _ := os.ReadFile(keyFile)
	os.WriteFile(both, append(c, k...), 0o600)
	s2 := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--tls-cert", both)
	if !strings.HasPrefix(s2.stdout.String(), "Serving HTTPS on ") {
		t.Errorf("cert+key in one file: banner = %q", s2.stdout.String())
	}
}

func TestTLSErrors(t *testing.T) {
	dir := site(t)
	certFile, keyFile, _ := selfSigned(t, t.TempDir())
	_, otherKey, _ := selfSigned(t, t.TempDir())
	garbage := filepath.Join(t.TempDir(), "garbage.pem")
	os.WriteFile(garbage, []byte("not a certificate"), 0o644)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--tls-cert", "/no/such/cert.pem"}, "/no/such/cert.pem"},
		{[]string{"--tls-cert", garbage, "--tls-key", keyFile}, "garbage.pem"},
		{[]string{"--tls-cert", certFile, "--tls-key", otherKey}, "does not match"},
		{[]string{"--tls-cert", certFile}, "key"},
		{[]string{"--tls-cert", certFile, "--tls-key", keyFile, "--tls-password-file", "/no/such/password"}, "/no/such/password"},
	} {
		args := append([]string{"0", "-b", "127.0.0.1", "-d", dir}, tt.args...)
		err := run(nil, args, io.Discard, io.Discard)
		if err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("run(%q) = %v; want one line, exit 1, mentioning %q", tt.args, err, tt.want)
		}
	}
}

// TestTLSPasswordFile serves with an encrypted key and its password file,
// as Python 3.14's --tls-password-file does, and refuses a wrong password
// with one line.
func TestTLSPasswordFile(t *testing.T) {
	dir := site(t)
	tmp := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, tmp)
	keyPEM, _ := os.ReadFile(keyFile)
	block, _ := pem.Decode(keyPEM)
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalECPrivateKey(key.(*ecdsa.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	enc, err := x509.EncryptPEMBlock(rand.Reader, "EC PRIVATE KEY", der, []byte("s3cret"), x509.PEMCipherAES256) // deprecated, but the legacy format is one users still have keys in
	if err != nil {
		t.Fatal(err)
	}
	encFile := filepath.Join(tmp, "enc.pem")
	os.WriteFile(encFile, pem.EncodeToMemory(enc), 0o600)
	good, bad := filepath.Join(tmp, "good"), filepath.Join(tmp, "bad")
	os.WriteFile(good, []byte("s3cret\n"), 0o600) // stripped, as Python does
	os.WriteFile(bad, []byte("guess"), 0o600)

	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--tls-cert", certFile, "--tls-key", encFile, "--tls-password-file", good)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Get(strings.Replace(s.base, "http://", "https://", 1) + "/hello.txt")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET with an encrypted key: %d", resp.StatusCode)
	}

	err = run(nil, []string{"0", "-b", "127.0.0.1", "-d", dir, "--tls-cert", certFile, "--tls-key", encFile, "--tls-password-file", bad}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "wrong password") || strings.Contains(err.Error(), "guess") || exitCode(err) != 1 {
		t.Errorf("wrong password: %v; want one line saying so, without the password", err)
	}
	err = run(nil, []string{"0", "-b", "127.0.0.1", "-d", dir, "--tls-cert", certFile, "--tls-key", encFile}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--tls-password-file") {
		t.Errorf("encrypted key without a password: %v; want a hint at --tls-password-file", err)
	}
}
