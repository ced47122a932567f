package tlsconfig

import (
	"crypto/aes"
	"crypto/des"
	"crypto/md5"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"strings"
)

// isLegacyEncrypted reports whether b is an RFC 1421 encrypted PEM block,
// as OpenSSL's "traditional" format writes (openssl rsa -aes256, openssl
// ec -aes256, openssl genrsa -aes256 before 3.0).
func isLegacyEncrypted(b *pem.Block) bool {
	return strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED")
}

// legacyCipher maps a DEK-Info cipher name to its cipher. These are the
// ones OpenSSL writes by default and on request; single DES is refused.
func legacyCipher(name string) (cbcCipher, bool) {
	switch name {
	case "AES-128-CBC":
		return cbcCipher{16, aes.NewCipher}, true
	case "AES-192-CBC":
		return cbcCipher{24, aes.NewCipher}, true
	case "AES-256-CBC":
		return cbcCipher{32, aes.NewCipher}, true
	case "DES-EDE3-CBC":
		return cbcCipher{24, des.NewTripleDESCipher}, true
	}
	return cbcCipher{}, false
}

// decryptLegacy decrypts a legacy encrypted PEM block. We do not use the
// deprecated x509.DecryptPEMBlock: it is the same few lines, and owning
// them keeps the error wording ours. The key is OpenSSL's EVP_BytesToKey
// with MD5, one iteration and the first 8 bytes of the IV as salt. That KDF
// is weak (one MD5 per 16 bytes of key), which is why the package doc
// recommends PKCS#8.
func decryptLegacy(b *pem.Block, password []byte) ([]byte, error) {
	name, ivHex, ok := strings.Cut(b.Headers["DEK-Info"], ",")
	if !ok {
		return nil, malformed("malformed DEK-Info header")
	}
	c, ok := legacyCipher(strings.TrimSpace(name))
	if !ok {
		return nil, fmt.Errorf("unsupported PEM cipher %q", strings.TrimSpace(name))
	}
	iv, err := hex.DecodeString(strings.TrimSpace(ivHex))
	if err != nil || len(iv) < 8 {
		return nil, malformed("malformed DEK-Info header")
	}
	key := evpBytesToKey(password, iv[:8], c.keySize)
	defer clear(key)
	plain, err := decryptCBC(c, key, iv, b.Bytes)
	if err == errMalformedP8 {
		return nil, malformed("malformed encrypted PEM block")
	}
	return plain, err
}

// evpBytesToKey is OpenSSL's EVP_BytesToKey with MD5 and count 1:
// D_1 = MD5(password || salt), D_i = MD5(D_{i-1} || password || salt),
// key = D_1 || D_2 || ... truncated to n bytes.
func evpBytesToKey(password, salt []byte, n int) []byte {
	key := make([]byte, 0, n+md5.Size)
	var prev []byte
	for len(key) < n {
		h := md5.New()
		h.Write(prev)
		h.Write(password)
		h.Write(salt)
		prev = h.Sum(nil)
		key = append(key, prev...)
	}
	clear(key[n:]) // the unused tail is key material too
	return key[:n]
}
