package tlsconfig

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"hash"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// testKeys are generated once per test binary: RSA generation is slow,
// and under -race slower still.
var testKeys = sync.OnceValue(func() map[string]crypto.Signer {
	r, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	e, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	e2, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	return map[string]crypto.Signer{"rsa": r, "ec": e, "ec2": e2, "ed25519": ed}
})

// selfSigned returns a PEM certificate for key, valid for 127.0.0.1, ::1
// and localhost, as the HTTPS test dials.
func selfSigned(t testing.TB, key crypto.Signer) []byte {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "localhost"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// pkcs8PEM is key as an unencrypted "PRIVATE KEY" block.
func pkcs8PEM(t testing.TB, key any) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// traditionalDER is key as PKCS#1 (RSA) or SEC 1 (EC), with its PEM type.
func traditionalDER(t testing.TB, key crypto.Signer) (string, []byte) {
	t.Helper()
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(k)
	case *ecdsa.PrivateKey:
		der, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return "EC PRIVATE KEY", der
	}
	t.Fatalf("no traditional form for %T", key)
	return "", nil
}

// legacyPEM encrypts key the RFC 1421 way with the deprecated (but, for
// writing fixtures, fine) x509.EncryptPEMBlock.
func legacyPEM(t testing.TB, key crypto.Signer, password string, alg x509.PEMCipher) []byte {
	t.Helper()
	typ, der := traditionalDER(t, key)
	//lint:ignore SA1019 writing a legacy fixture is what it is for
	b, err := x509.EncryptPEMBlock(rand.Reader, typ, der, []byte(password), alg)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(b)
}

// cbcSpec names a PBES2 cipher for the test-only PKCS#8 encrypter.
type cbcSpec struct {
	oid    asn1.ObjectIdentifier
	keyLen int
	block  func([]byte) (cipher.Block, error)
}

var (
	cbcAES128 = cbcSpec{oidAES128CBC, 16, aes.NewCipher}
	cbcAES192 = cbcSpec{oidAES192CBC, 24, aes.NewCipher}
	cbcAES256 = cbcSpec{oidAES256CBC, 32, aes.NewCipher}
	cbcDES3   = cbcSpec{oidDESEDE3CBC, 24, des.NewTripleDESCipher}
)

// encryptPKCS8 is the inverse of decryptPKCS8, written from RFC 8018 for
// the tests. It is cross-checked against OpenSSL in TestOpenSSL and by
// the committed fixtures, so a shared misreading of the RFC would show.
func encryptPKCS8(t testing.TB, der, password []byte, prf asn1.ObjectIdentifier, h func() hash.Hash, c cbcSpec, iter int) []byte {
	t.Helper()
	salt := make([]byte, 16)
	rand.Read(salt)
	block, _ := c.block(make([]byte, c.keyLen))
	iv := make([]byte, block.BlockSize())
	rand.Read(iv)
	key, err := pbkdf2.Key(h, string(password), salt, iter, c.keyLen)
	if err != nil {
		t.Fatal(err)
	}
	block, err = c.block(key)
	if err != nil {
		t.Fatal(err)
	}
	n := block.BlockSize() - len(der)%block.BlockSize()
	plain := append(append([]byte{}, der...), make([]byte, n)...)
	for i := len(der); i < len(plain); i++ {
		plain[i] = byte(n)
	}
	ct := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(ct, plain)

	kdf := pbkdf2Params{Salt: salt, IterationCount: iter}
	if prf != nil {
		kdf.PRF = pkix.AlgorithmIdentifier{Algorithm: prf, Parameters: asn1.NullRawValue}
	}
	return marshalPKCS8(t, oidPBES2, pbes2Params{
		KeyDerivationFunc: pkix.AlgorithmIdentifier{Algorithm: oidPBKDF2, Parameters: rawOf(t, kdf)},
		EncryptionScheme:  pkix.AlgorithmIdentifier{Algorithm: c.oid, Parameters: rawOf(t, iv)},
	}, ct)
}

func marshalPKCS8(t testing.TB, alg asn1.ObjectIdentifier, params any, ct []byte) []byte {
	t.Helper()
	out, err := asn1.Marshal(encryptedPrivateKeyInfo{
		Algorithm:     pkix.AlgorithmIdentifier{Algorithm: alg, Parameters: rawOf(t, params)},
		EncryptedData: ct,
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func rawOf(t testing.TB, v any) asn1.RawValue {
	t.Helper()
	b, err := asn1.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return asn1.RawValue{FullBytes: b}
}

func encryptedPEM(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: der})
}

// writeFiles writes name → content into a new temporary directory and
// returns the directory.
func writeFiles(t testing.TB, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
