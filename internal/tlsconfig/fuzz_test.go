package tlsconfig

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"hash"
	"os"
	"strings"
	"testing"
)

// fuzzMaxIter keeps each fuzz input cheap while still letting the seeds,
// written by OpenSSL with its default 2048 iterations, decrypt.
const fuzzMaxIter = 4096

// fuzzFixture is the committed OpenSSL certificate and its key.
func fuzzFixture(f *testing.F) (*x509.Certificate, []byte) {
	f.Helper()
	certPEM, err := os.ReadFile("testdata/cert.pem")
	if err != nil {
		f.Fatal(err)
	}
	b, _ := pem.Decode(certPEM)
	leaf, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		f.Fatal(err)
	}
	keyPEM, err := os.ReadFile("testdata/key-aes256-sha256.pem")
	if err != nil {
		f.Fatal(err)
	}
	key, err := keyFor(leaf, "cert.pem", "key.pem", keyPEM, false, []byte(pw), maxIterations)
	if err != nil {
		f.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		f.Fatal(err)
	}
	return leaf, der
}

// checkKeyFor is the property both targets check: keyFor never panics,
// any key it returns is the certificate's (so no wrong password is ever
// accepted silently), and any error is one line of a known kind that does
// not echo the password.
func checkKeyFor(t *testing.T, leaf *x509.Certificate, keyPEM, password []byte) {
	key, err := keyFor(leaf, "cert.pem", "key.pem", keyPEM, false, password, fuzzMaxIter)
	if err == nil {
		if !publicKeyEqual(leaf.PublicKey, key.Public()) {
			t.Fatalf("keyFor returned a key that is not the certificate's")
		}
		return
	}
	msg := err.Error()
	if strings.ContainsAny(msg, "\r\n") {
		t.Fatalf("error %q is more than one line", msg)
	}
	// Messages hold no NUL, so a password with one can be looked for
	// without matching a word of the message by chance.
	if len(password) >= 4 && strings.Contains(string(password), "\x00") && strings.Contains(msg, string(password)) {
		t.Fatalf("error %q contains the password", msg)
	}
	kinds := []error{ErrNoKey, ErrEncrypted, ErrWrongPassword, ErrMismatch, ErrUnsupported, ErrMalformed}
	for _, k := range kinds {
		if errors.Is(err, k) {
			return
		}
	}
	t.Fatalf("error %q has no kind", msg)
}

func FuzzDecryptPKCS8(f *testing.F) {
	leaf, der := fuzzFixture(f)
	for _, name := range []string{"key-aes256-sha256.pem", "key-des3-sha1.pem", "key-scrypt.pem"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		b, _ := pem.Decode(data)
		f.Add(b.Bytes, []byte(pw))
		f.Add(b.Bytes, []byte("hunter2"))
	}
	for _, c := range []struct {
		prf asn1.ObjectIdentifier
		h   func() hash.Hash
		cbc cbcSpec
	}{
		{nil, sha1.New, cbcAES128},
		{oidHMACWithSHA224, sha256.New224, cbcAES192},
		{oidHMACWithSHA384, sha512.New384, cbcDES3},
		{oidHMACWithSHA512_256, sha512.New512_256, cbcAES256},
	} {
		f.Add(encryptPKCS8(f, der, []byte(pw), c.prf, c.h, c.cbc, 16), []byte(pw))
		f.Add(encryptPKCS8(f, der, []byte{}, c.prf, c.h, c.cbc, 16), []byte{})
	}
	for _, tc := range decryptErrorCases() {
		in := tc.raw
		if in == nil {
			in = tc.in.der(f)
		}
		f.Add(in, []byte(pw))
	}
	f.Fuzz(func(t *testing.T, der, password []byte) {
		checkKeyFor(t, leaf, encryptedPEM(der), password)
	})
}

func FuzzLoadKeyPEM(f *testing.F) {
	leaf, der := fuzzFixture(f)
	for _, name := range []string{"key-aes256-sha256.pem", "key-des3-sha1.pem", "key-legacy-aes128.pem", "key-scrypt.pem", "cert.pem"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, []byte(pw))
	}
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), []byte(nil))
	f.Add([]byte("-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END EC PRIVATE KEY-----\n"), []byte(pw))
	f.Add([]byte("hello"), []byte(nil))
	f.Fuzz(func(t *testing.T, keyPEM, password []byte) {
		checkKeyFor(t, leaf, keyPEM, password)
	})
}
