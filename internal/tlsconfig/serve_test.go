package tlsconfig

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"
)

// TestServeHTTP2 serves HTTPS with a config from Load, key encrypted, and
// checks that a client trusting the certificate negotiates HTTP/2 over
// 127.0.0.1 (and ::1 where the machine has it).
func TestServeHTTP2(t *testing.T) {
	keys := testKeys()
	for _, alg := range []string{"ec", "rsa", "ed25519"} {
		t.Run(alg, func(t *testing.T) {
			key := keys[alg]
			cert := selfSigned(t, key)
			der, err := x509.MarshalPKCS8PrivateKey(key)
			if err != nil {
				t.Fatal(err)
			}
			dir := writeFiles(t, map[string][]byte{
				"cert.pem": cert,
				"key.pem":  encryptedPEM(encryptPKCS8(t, der, []byte(pw), oidHMACWithSHA256, sha256.New, cbcAES256, 2048)),
			})
			conf, err := Load(filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), []byte(pw))
			if err != nil {
				t.Fatal(err)
			}

			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, "%s %s", r.Proto, r.TLS.ServerName)
			}))
			srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the TLS 1.1 attempt below
			srv.TLS = conf
			srv.EnableHTTP2 = true
			srv.StartTLS()
			defer srv.Close()

			roots := x509.NewCertPool()
			roots.AddCert(conf.Certificates[0].Leaf)
			tr := &http.Transport{
				TLSClientConfig:   &tls.Config{RootCAs: roots},
				ForceAttemptHTTP2: true,
			}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
			resp, err := client.Get(srv.URL) // https://127.0.0.1:port
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.TLS == nil || resp.TLS.NegotiatedProtocol != "h2" || resp.Proto != "HTTP/2.0" {
				t.Fatalf("GET %s: proto %s, ALPN %q; want HTTP/2.0, h2", srv.URL, resp.Proto, resp.TLS.NegotiatedProtocol)
			}
			if string(body) != "HTTP/2.0 " {
				t.Errorf("GET %s: body %q; want %q", srv.URL, body, "HTTP/2.0 ")
			}
			if v := resp.TLS.Version; v < tls.VersionTLS12 {
				t.Errorf("TLS version %x; want at least 1.2", v)
			}

			// The same config, asked for TLS 1.1 only, must refuse.
			old := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}}
			defer old.CloseIdleConnections()
			if resp, err := (&http.Client{Transport: old, Timeout: 10 * time.Second}).Get(srv.URL); err == nil {
				resp.Body.Close()
				t.Errorf("TLS 1.1 client connected; want a handshake failure")
			}
		})
	}
}
