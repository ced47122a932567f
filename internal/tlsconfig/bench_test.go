package tlsconfig

import (
	"path/filepath"
	"testing"
)

// BenchmarkLoad measures a server start's cost: dominated by parsing for
// a plain key and by PBKDF2 (2048 iterations, as OpenSSL writes) for an
// encrypted one.
func BenchmarkLoad(b *testing.B) {
	keys := testKeys()
	dir := writeFiles(b, map[string][]byte{
		"ec.crt":  selfSigned(b, keys["ec"]),
		"ec.key":  pkcs8PEM(b, keys["ec"]),
		"rsa.crt": selfSigned(b, keys["rsa"]),
		"rsa.key": pkcs8PEM(b, keys["rsa"]),
	})
	cases := []struct {
		name, cert, key string
		password        []byte
	}{
		{"ec plain", "ec.crt", "ec.key", nil},
		{"rsa plain", "rsa.crt", "rsa.key", nil},
		{"ec pbes2 sha256 2048", "testdata/cert.pem", "testdata/key-aes256-sha256.pem", []byte(pw)},
		{"ec legacy aes128", "testdata/cert.pem", "testdata/key-legacy-aes128.pem", []byte(pw)},
	}
	for _, tc := range cases {
		cert, key := filepath.Join(dir, tc.cert), filepath.Join(dir, tc.key)
		if filepath.Dir(tc.cert) == "testdata" {
			cert, key = tc.cert, tc.key
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Load(cert, key, tc.password); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
