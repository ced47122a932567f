package tlsconfig

import (
	"bytes"
	"crypto"
	"crypto/ecdh"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const pw = "correct horse battery staple"

// loadCase is one call of Load with files written to a temporary
// directory: cert.pem always, key.pem when key is non-nil (else keyFile is
// "" and the key is looked for in cert.pem).
type loadCase struct {
	name     string
	cert     []byte
	key      []byte
	password []byte // nil: no --tls-password-file
	wantErr  error  // nil: success; else a kind for errors.Is
	// wantMsg is the exact message, with {cert} and {key} standing for
	// the quoted file names.
	wantMsg string
}

func TestLoad(t *testing.T) {
	keys := testKeys()
	ec, rsaKey, ed := keys["ec"], keys["rsa"], keys["ed25519"]
	ecCert, rsaCert, edCert := selfSigned(t, ec), selfSigned(t, rsaKey), selfSigned(t, ed)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	rsaDER, _ := x509.MarshalPKCS8PrivateKey(rsaKey)
	_, sec1 := traditionalDER(t, ec)
	_, pkcs1 := traditionalDER(t, rsaKey)
	x25519, _ := ecdh.X25519().GenerateKey(rand.Reader)

	p8 := func(der []byte, password string, prf asn1.ObjectIdentifier, h func() hash.Hash, c cbcSpec) []byte {
		return encryptedPEM(encryptPKCS8(t, der, []byte(password), prf, h, c, 2048))
	}
	ecParams := pem.EncodeToMemory(&pem.Block{Type: "EC PARAMETERS", Bytes: []byte{6, 8, 42, 134, 72, 206, 61, 3, 1, 7}})
	garbageCert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not DER")})
	garbageKey := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("not DER")})

	cases := []loadCase{
		// Plain keys, each format and type.
		{name: "pkcs8 ec", cert: ecCert, key: pkcs8PEM(t, ec)},
		{name: "pkcs8 rsa", cert: rsaCert, key: pkcs8PEM(t, rsaKey)},
		{name: "pkcs8 ed25519", cert: edCert, key: pkcs8PEM(t, ed)},
		{name: "pkcs1 rsa", cert: rsaCert, key: pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: pkcs1})},
		{name: "sec1 ec after EC PARAMETERS", cert: ecCert, key: cat(ecParams, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1}))},
		{name: "key in cert file", cert: cat(ecCert, pkcs8PEM(t, ec))},
		{name: "key first in cert file", cert: cat(pkcs8PEM(t, ec), ecCert)},
		{name: "password for a plain key is ignored", cert: ecCert, key: pkcs8PEM(t, ec), password: []byte("unused")},
		{name: "certs in key file are ignored", cert: ecCert, key: cat(rsaCert, pkcs8PEM(t, ec))},

		// Legacy "Proc-Type: 4,ENCRYPTED".
		{name: "legacy aes128", cert: ecCert, key: legacyPEM(t, ec, pw, x509.PEMCipherAES128), password: []byte(pw)},
		{name: "legacy aes192", cert: ecCert, key: legacyPEM(t, ec, pw, x509.PEMCipherAES192), password: []byte(pw)},
		{name: "legacy aes256 rsa", cert: rsaCert, key: legacyPEM(t, rsaKey, pw, x509.PEMCipherAES256), password: []byte(pw)},
		{name: "legacy des3", cert: ecCert, key: legacyPEM(t, ec, pw, x509.PEMCipher3DES), password: []byte(pw)},
		{name: "legacy in cert file", cert: cat(ecCert, legacyPEM(t, ec, pw, x509.PEMCipherAES256)), password: []byte(pw)},
		{name: "legacy wrong password", cert: ecCert, key: legacyPEM(t, ec, pw, x509.PEMCipherAES256), password: []byte("hunter2"),
			wantErr: ErrWrongPassword, wantMsg: `cannot decrypt TLS key {key}: wrong password?`},
		{name: "legacy without password", cert: ecCert, key: legacyPEM(t, ec, pw, x509.PEMCipherAES256),
			wantErr: ErrEncrypted, wantMsg: `TLS key {key} is encrypted: give --tls-password-file`},
		{name: "legacy single DES refused", cert: ecCert, key: legacyPEM(t, ec, pw, x509.PEMCipherDES), password: []byte(pw),
			wantErr: ErrUnsupported, wantMsg: `cannot decrypt TLS key {key}: unsupported PEM cipher "DES-CBC"`},
		{name: "legacy no DEK-Info", cert: ecCert, key: pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED"}, Bytes: sec1}), password: []byte(pw),
			wantErr: ErrMalformed, wantMsg: `cannot decrypt TLS key {key}: malformed DEK-Info header`},
		{name: "legacy bad IV", cert: ecCert, key: pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00"}, Bytes: sec1}), password: []byte(pw),
			wantErr: ErrMalformed, wantMsg: `cannot decrypt TLS key {key}: malformed DEK-Info header`},
		{name: "legacy short IV", cert: ecCert, key: pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,0011223344556677"}, Bytes: sec1[:32]}), password: []byte(pw),
			wantErr: ErrMalformed, wantMsg: `cannot decrypt TLS key {key}: malformed encrypted PEM block`},

		// PKCS#8 PBES2, every PRF and cipher.
		{name: "pbes2 default prf aes256", cert: ecCert, key: p8(ecDER, pw, nil, sha1.New, cbcAES256), password: []byte(pw)},
		{name: "pbes2 sha1 aes128", cert: ecCert, key: p8(ecDER, pw, oidHMACWithSHA1, sha1.New, cbcAES128), password: []byte(pw)},
		{name: "pbes2 sha224 aes192", cert: ecCert, key: p8(ecDER, pw, oidHMACWithSHA224, sha256.New224, cbcAES192), password: []byte(pw)},
		{name: "pbes2 sha256 aes256", cert: ecCert, key: p8(ecDER, pw, oidHMACWithSHA256, sha256.New, cbcAES256), password: []byte(pw)},
		{name: "pbes2 sha384 des3", cert: ecCert, key: p8(ecDER, pw, oidHMACWithSHA384, sha512.New384, cbcDES3), password: []byte(pw)},
		{name: "pbes2 sha512 aes256 rsa", cert: rsaCert, key: p8(rsaDER, pw, oidHMACWithSHA512, sha512.New, cbcAES256), password: []byte(pw)},
		{name: "pbes2 sha512/224", cert: ecCert, key: p8(ecDER, pw, oidHMACWithSHA512_224, sha512.New512_224, cbcAES128), password: []byte(pw)},
		{name: "pbes2 sha512/256", cert: ecCert, key: p8(ecDER, pw, oidHMACWithSHA512_256, sha512.New512_256, cbcAES128), password: []byte(pw)},
		{name: "pbes2 in cert file", cert: cat(ecCert, p8(ecDER, pw, oidHMACWithSHA256, sha256.New, cbcAES256)), password: []byte(pw)},
		{name: "pbes2 empty password", cert: ecCert, key: p8(ecDER, "", oidHMACWithSHA256, sha256.New, cbcAES256), password: []byte{}},
		{name: "pbes2 empty password given, key has one", cert: ecCert, key: p8(ecDER, pw, oidHMACWithSHA256, sha256.New, cbcAES256), password: []byte{},
			wantErr: ErrWrongPassword, wantMsg: `cannot decrypt TLS key {key}: wrong password?`},
		{name: "pbes2 wrong password", cert: ecCert, key: p8(ecDER, pw, oidHMACWithSHA256, sha256.New, cbcAES256), password: []byte("Correct horse battery staple"),
			wantErr: ErrWrongPassword, wantMsg: `cannot decrypt TLS key {key}: wrong password?`},
		{name: "pbes2 without password", cert: ecCert, key: p8(ecDER, pw, oidHMACWithSHA256, sha256.New, cbcAES256),
			wantErr: ErrEncrypted, wantMsg: `TLS key {key} is encrypted: give --tls-password-file`},
		{name: "pbes2 in cert file without password", cert: cat(ecCert, p8(ecDER, pw, oidHMACWithSHA256, sha256.New, cbcAES256)),
			wantErr: ErrEncrypted, wantMsg: `TLS key {cert} is encrypted: give --tls-password-file`},
		{name: "pbes2 right password, not a key inside", cert: ecCert, key: p8([]byte("hello"), pw, nil, sha1.New, cbcAES128), password: []byte(pw),
			wantErr: ErrWrongPassword, wantMsg: `cannot decrypt TLS key {key}: wrong password?`},

		// Mismatches and unsupported keys.
		{name: "mismatched key", cert: ecCert, key: pkcs8PEM(t, keys["ec2"]),
			wantErr: ErrMismatch, wantMsg: `TLS key {key} does not match certificate {cert}`},
		{name: "mismatched key type", cert: rsaCert, key: pkcs8PEM(t, ec),
			wantErr: ErrMismatch, wantMsg: `TLS key {key} does not match certificate {cert}`},
		{name: "mismatched encrypted key", cert: edCert, key: p8(ecDER, pw, nil, sha1.New, cbcAES128), password: []byte(pw),
			wantErr: ErrMismatch, wantMsg: `TLS key {key} does not match certificate {cert}`},
		{name: "x25519 key", cert: ecCert, key: pkcs8PEM(t, x25519),
			wantErr: ErrUnsupported, wantMsg: `TLS key {key}: unsupported key type *ecdh.PrivateKey`},
		{name: "pkcs8 ed448", cert: ecCert, key: otherPKCS8(t, asn1.ObjectIdentifier{1, 3, 101, 113}),
			wantErr: ErrUnsupported, wantMsg: `TLS key {key}: unsupported key type Ed448`},
		{name: "pkcs8 x448", cert: ecCert, key: otherPKCS8(t, asn1.ObjectIdentifier{1, 3, 101, 111}),
			wantErr: ErrUnsupported, wantMsg: `TLS key {key}: unsupported key type X448`},
		{name: "pkcs8 dsa", cert: ecCert, key: otherPKCS8(t, asn1.ObjectIdentifier{1, 2, 840, 10040, 4, 1}),
			wantErr: ErrUnsupported, wantMsg: `TLS key {key}: unsupported key type DSA`},
		{name: "pkcs8 unknown algorithm", cert: ecCert, key: otherPKCS8(t, asn1.ObjectIdentifier{1, 2, 3, 4}),
			wantErr: ErrUnsupported, wantMsg: `TLS key {key}: unsupported key type 1.2.3.4`},
		{name: "pkcs8 ec with a bad key", cert: ecCert, key: otherPKCS8(t, asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}),
			wantErr: ErrMalformed, wantMsg: `bad TLS key {key}: not a PKCS#8, PKCS#1 or SEC 1 private key`},
		{name: "encrypted pkcs8 ed448", cert: ecCert, key: encryptedPEM(encryptPKCS8(t, mustDER(t, otherPKCS8(t, asn1.ObjectIdentifier{1, 3, 101, 113})), []byte(pw), nil, sha1.New, cbcAES128, 16)), password: []byte(pw),
			wantErr: ErrUnsupported, wantMsg: `TLS key {key}: unsupported key type Ed448`},
		{name: "traditional dsa", cert: ecCert, key: pem.EncodeToMemory(&pem.Block{Type: "DSA PRIVATE KEY", Bytes: []byte{0x30, 0}}),
			wantErr: ErrUnsupported, wantMsg: `TLS key {key}: unsupported key type DSA`},

		// Files that are not what they should be.
		{name: "garbage cert", cert: []byte("hello\n"), key: pkcs8PEM(t, ec),
			wantErr: ErrNoCertificate, wantMsg: `no certificate in {cert}`},
		{name: "DER cert", cert: mustDER(t, ecCert), key: pkcs8PEM(t, ec),
			wantErr: ErrNoCertificate, wantMsg: `no certificate in {cert}`},
		{name: "key but no cert", cert: pkcs8PEM(t, ec), key: pkcs8PEM(t, ec),
			wantErr: ErrNoCertificate, wantMsg: `no certificate in {cert}`},
		{name: "bad cert DER", cert: garbageCert, key: pkcs8PEM(t, ec),
			wantErr: ErrMalformed, wantMsg: `bad certificate in {cert}: x509: malformed certificate`},
		{name: "bad second cert", cert: cat(ecCert, garbageCert), key: pkcs8PEM(t, ec),
			wantErr: ErrMalformed, wantMsg: `bad certificate in {cert}: x509: malformed certificate`},
		{name: "no key in key file", cert: ecCert, key: []byte("hello\n"),
			wantErr: ErrNoKey, wantMsg: `no private key in {key}`},
		{name: "no key in cert file", cert: ecCert,
			wantErr: ErrNoKey, wantMsg: `no private key in {cert}: give --tls-key`},
		{name: "bad key DER", cert: ecCert, key: garbageKey,
			wantErr: ErrMalformed, wantMsg: `bad TLS key {key}: not a PKCS#8, PKCS#1 or SEC 1 private key`},
		{name: "too large", cert: ecCert, key: bytes.Repeat([]byte("x"), maxFileSize+1),
			wantErr: ErrMalformed, wantMsg: `cannot read TLS key {key}: larger than 1048576 bytes`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runLoad(t, tc) })
	}
}

// otherPKCS8 is a PrivateKeyInfo for an algorithm crypto/x509 does not
// parse; the key itself is junk.
func otherPKCS8(t *testing.T, oid asn1.ObjectIdentifier) []byte {
	t.Helper()
	der, err := asn1.Marshal(struct {
		Version    int
		Algorithm  pkix.AlgorithmIdentifier
		PrivateKey []byte
	}{0, pkix.AlgorithmIdentifier{Algorithm: oid}, []byte{4, 2, 0, 0}})
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func mustDER(t *testing.T, p []byte) []byte {
	b, _ := pem.Decode(p)
	if b == nil {
		t.Fatal("no PEM")
	}
	return b.Bytes
}

func runLoad(t *testing.T, tc loadCase) {
	t.Helper()
	files := map[string][]byte{"cert.pem": tc.cert}
	if tc.key != nil {
		files["key.pem"] = tc.key
	}
	dir := writeFiles(t, files)
	certFile, keyFile := filepath.Join(dir, "cert.pem"), ""
	if tc.key != nil {
		keyFile = filepath.Join(dir, "key.pem")
	}
	conf, err := Load(certFile, keyFile, tc.password)
	if tc.wantErr == nil {
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		checkConfig(t, conf)
		return
	}
	if err == nil {
		t.Fatalf("Load succeeded; want error %q", tc.wantErr)
	}
	if !errors.Is(err, tc.wantErr) {
		t.Errorf("Load: errors.Is(%q, %q) = false", err, tc.wantErr)
	}
	want := strings.NewReplacer("{cert}", strconv.Quote(certFile), "{key}", strconv.Quote(keyFile)).Replace(tc.wantMsg)
	if err.Error() != want {
		t.Errorf("Load: error = %q; want %q", err, want)
	}
	checkMessage(t, err, tc.password)
}

// checkConfig checks what Load promises about a good config.
func checkConfig(t *testing.T, conf *tls.Config) {
	t.Helper()
	if conf.MinVersion != tls.VersionTLS12 {
		t.Errorf("MinVersion = %x; want TLS 1.2", conf.MinVersion)
	}
	if conf.NextProtos != nil {
		t.Errorf("NextProtos = %q; want nil, left to the caller", conf.NextProtos)
	}
	if len(conf.Certificates) != 1 {
		t.Fatalf("%d certificates; want 1", len(conf.Certificates))
	}
	c := conf.Certificates[0]
	if c.Leaf == nil || !bytes.Equal(c.Leaf.Raw, c.Certificate[0]) {
		t.Errorf("Leaf is not the first certificate")
	}
	if !publicKeyEqual(c.Leaf.PublicKey, c.PrivateKey.(crypto.Signer).Public()) {
		t.Errorf("PrivateKey does not match Leaf")
	}
}

// checkMessage checks the promises about every error: one line, and no
// password in it.
func checkMessage(t *testing.T, err error, password []byte) {
	t.Helper()
	msg := err.Error()
	if strings.ContainsAny(msg, "\n\r") {
		t.Errorf("error %q is more than one line", msg)
	}
	if len(password) >= 4 && strings.Contains(msg, string(password)) {
		t.Errorf("error %q contains the password", msg)
	}
}

func TestLoadChain(t *testing.T) {
	keys := testKeys()
	leaf, other := selfSigned(t, keys["ec"]), selfSigned(t, keys["ed25519"])
	dir := writeFiles(t, map[string][]byte{"chain.pem": cat(leaf, []byte("comment between blocks\n"), other), "key.pem": pkcs8PEM(t, keys["ec"])})
	conf, err := Load(filepath.Join(dir, "chain.pem"), filepath.Join(dir, "key.pem"), nil)
	if err != nil {
		t.Fatal(err)
	}
	checkConfig(t, conf)
	if got := len(conf.Certificates[0].Certificate); got != 2 {
		t.Errorf("chain has %d certificates; want 2", got)
	}
}

func TestLoadFileErrors(t *testing.T) {
	keys := testKeys()
	dir := writeFiles(t, map[string][]byte{"cert.pem": selfSigned(t, keys["ec"]), "key.pem": pkcs8PEM(t, keys["ec"])})
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	missing := filepath.Join(dir, "missing.pem")
	cases := []struct {
		name          string
		cert, key     string
		wantIs        error
		wantMsgFormat string
	}{
		{"missing cert", missing, key, fs.ErrNotExist, `cannot read TLS certificate %q: no such file or directory`},
		{"missing key", cert, missing, fs.ErrNotExist, `cannot read TLS key %q: no such file or directory`},
		{"cert is a directory", dir, key, nil, `cannot read TLS certificate %q: is a directory`},
		{"empty cert name", "", key, fs.ErrNotExist, `cannot read TLS certificate %q: no such file or directory`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.cert, tc.key, nil)
			if err == nil {
				t.Fatal("Load succeeded")
			}
			bad := tc.cert
			if bad == cert {
				bad = tc.key
			}
			if want := strings.Replace(tc.wantMsgFormat, "%q", strconv.Quote(bad), 1); err.Error() != want {
				t.Errorf("error = %q; want %q", err, want)
			}
			if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
				t.Errorf("errors.Is(%q, %v) = false", err, tc.wantIs)
			}
			var pe *fs.PathError
			if !errors.As(err, &pe) {
				t.Errorf("error %q does not wrap its *fs.PathError", err)
			}
		})
	}
}

func TestLoadUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: mode 000 does not stop reading")
	}
	keys := testKeys()
	dir := writeFiles(t, map[string][]byte{"cert.pem": selfSigned(t, keys["ec"]), "key.pem": pkcs8PEM(t, keys["ec"])})
	key := filepath.Join(dir, "key.pem")
	if err := os.Chmod(key, 0); err != nil {
		t.Fatal(err)
	}
	_, err := Load(filepath.Join(dir, "cert.pem"), key, nil)
	if want := `cannot read TLS key ` + strconv.Quote(key) + `: permission denied`; err == nil || err.Error() != want {
		t.Errorf("error = %v; want %q", err, want)
	}
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("errors.Is(%v, fs.ErrPermission) = false", err)
	}
}

// TestLoadTestdata uses the keys OpenSSL wrote once (testdata/README), so
// the PBES2 path is checked against OpenSSL even without openssl.
func TestLoadTestdata(t *testing.T) {
	password, err := ReadPassword("testdata/password.txt")
	if err != nil {
		t.Fatal(err)
	}
	if string(password) != pw {
		t.Fatalf("ReadPassword = %q; want %q", password, pw)
	}
	cases := []struct {
		key      string
		password []byte
		wantErr  error
		wantMsg  string
	}{
		{"key-aes256-sha256.pem", password, nil, ""},
		{"key-des3-sha1.pem", password, nil, ""},
		{"key-legacy-aes128.pem", password, nil, ""},
		{"key-aes256-sha256.pem", []byte("hunter2"), ErrWrongPassword, `cannot decrypt TLS key "testdata/key-aes256-sha256.pem": wrong password?`},
		{"key-des3-sha1.pem", []byte("hunter2"), ErrWrongPassword, `cannot decrypt TLS key "testdata/key-des3-sha1.pem": wrong password?`},
		{"key-legacy-aes128.pem", []byte("hunter2"), ErrWrongPassword, `cannot decrypt TLS key "testdata/key-legacy-aes128.pem": wrong password?`},
		{"key-aes256-sha256.pem", nil, ErrEncrypted, `TLS key "testdata/key-aes256-sha256.pem" is encrypted: give --tls-password-file`},
		{"key-scrypt.pem", password, ErrUnsupported, `cannot decrypt TLS key "testdata/key-scrypt.pem": scrypt-based PKCS#8 encryption is not supported; re-encrypt with: openssl pkcs8 -topk8 -v2 aes-256-cbc`},
	}
	for _, tc := range cases {
		t.Run(tc.key, func(t *testing.T) {
			conf, err := Load("testdata/cert.pem", filepath.Join("testdata", tc.key), tc.password)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				checkConfig(t, conf)
				return
			}
			if !errors.Is(err, tc.wantErr) || err.Error() != tc.wantMsg {
				t.Errorf("error = %v; want %q (%v)", err, tc.wantMsg, tc.wantErr)
			}
		})
	}
}
