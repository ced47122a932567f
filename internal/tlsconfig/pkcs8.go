package tlsconfig

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"hash"
)

// Object identifiers of RFC 8018 (PKCS #5 v2.1) and the ciphers it names.
var (
	oidPBES2  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidScrypt = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11591, 4, 11} // RFC 7914 section 7

	oidHMACWithSHA1       = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACWithSHA224     = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 8}
	oidHMACWithSHA256     = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACWithSHA384     = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACWithSHA512     = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidHMACWithSHA512_224 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 12}
	oidHMACWithSHA512_256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 13}

	oidAES128CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidDESEDE3CBC = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}

	// PBES1 (RFC 8018 section 6.1) and PKCS #12 (RFC 7292 appendix C)
	// schemes: named only to give a better error than "unknown".
	oidPBES1Prefix  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5}
	oidPKCS12Prefix = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1}
)

// maxIterations bounds the PBKDF2 work one key file can ask for. OpenSSL
// writes 2048 by default (PKCS5_DEFAULT_ITER) and OWASP's 2023 advice for
// HMAC-SHA-1 is 1.3 million; ten million takes a few seconds, which is as
// long as a server start should wait.
const maxIterations = 10_000_000

// Errors from decrypting, wrapped with the file name by [Load]. The wording
// follows "cannot decrypt TLS key %q: ".
var (
	errDecrypt     = errors.New("wrong password?")
	errScrypt      = errors.New("scrypt-based PKCS#8 encryption is not supported; re-encrypt with: openssl pkcs8 -topk8 -v2 aes-256-cbc")
	errPBES1       = errors.New("PBES1/PKCS#12 encryption is obsolete and not supported; re-encrypt with: openssl pkcs8 -topk8 -v2 aes-256-cbc")
	errMalformedP8 = malformed("malformed PKCS#8 encrypted key")
)

// malformed is an error about a file's structure, as opposed to an
// algorithm we do not support or a wrong password.
type malformed string

func (m malformed) Error() string { return string(m) }

// encryptedPrivateKeyInfo is RFC 5958 section 3.
type encryptedPrivateKeyInfo struct {
	Algorithm     pkix.AlgorithmIdentifier
	EncryptedData []byte
}

// pbes2Params is RFC 8018 appendix A.4.
type pbes2Params struct {
	KeyDerivationFunc pkix.AlgorithmIdentifier
	EncryptionScheme  pkix.AlgorithmIdentifier
}

// pbkdf2Params is RFC 8018 appendix A.2. The salt may in theory be an
// AlgorithmIdentifier ("otherSource"); nobody writes that, and asn1 then
// fails to unmarshal, which we report as malformed.
type pbkdf2Params struct {
	Salt           []byte
	IterationCount int
	KeyLength      int                      `asn1:"optional"`
	PRF            pkix.AlgorithmIdentifier `asn1:"optional"`
}

// prfHash maps an RFC 8018 appendix B.1 PRF to its hash. An absent PRF
// means hmacWithSHA1, the DEFAULT in the ASN.1 module.
func prfHash(prf pkix.AlgorithmIdentifier) (func() hash.Hash, error) {
	switch oid := prf.Algorithm; {
	case len(oid) == 0, oid.Equal(oidHMACWithSHA1):
		return sha1.New, nil
	case oid.Equal(oidHMACWithSHA224):
		return sha256.New224, nil
	case oid.Equal(oidHMACWithSHA256):
		return sha256.New, nil
	case oid.Equal(oidHMACWithSHA384):
		return sha512.New384, nil
	case oid.Equal(oidHMACWithSHA512):
		return sha512.New, nil
	case oid.Equal(oidHMACWithSHA512_224):
		return sha512.New512_224, nil
	case oid.Equal(oidHMACWithSHA512_256):
		return sha512.New512_256, nil
	}
	return nil, fmt.Errorf("unsupported PBKDF2 hash %s", prf.Algorithm)
}

// cbcCipher describes a block cipher used in CBC mode with PKCS#7 padding.
type cbcCipher struct {
	keySize int
	newFunc func(key []byte) (cipher.Block, error)
}

func pbes2Cipher(oid asn1.ObjectIdentifier) (cbcCipher, error) {
	switch {
	case oid.Equal(oidAES128CBC):
		return cbcCipher{16, aes.NewCipher}, nil
	case oid.Equal(oidAES192CBC):
		return cbcCipher{24, aes.NewCipher}, nil
	case oid.Equal(oidAES256CBC):
		return cbcCipher{32, aes.NewCipher}, nil
	case oid.Equal(oidDESEDE3CBC):
		return cbcCipher{24, des.NewTripleDESCipher}, nil
	}
	return cbcCipher{}, fmt.Errorf("unsupported PKCS#8 cipher %s", oid)
}

// decryptPKCS8 decrypts a DER EncryptedPrivateKeyInfo (the body of an
// "ENCRYPTED PRIVATE KEY" PEM block) with PBES2, returning the DER
// PrivateKeyInfo. A wrong password is reported as errDecrypt when the
// padding is wrong; a wrong password that happens to leave valid padding
// (about 1 in 256) is caught by the caller, which parses the result and
// compares it with the certificate. maxIter bounds PBKDF2's work (the fuzz
// target passes a small one).
func decryptPKCS8(der, password []byte, maxIter int) ([]byte, error) {
	var info encryptedPrivateKeyInfo
	if rest, err := asn1.Unmarshal(der, &info); err != nil || len(rest) != 0 {
		return nil, errMalformedP8
	}
	switch alg := info.Algorithm.Algorithm; {
	case alg.Equal(oidPBES2):
	case hasPrefix(alg, oidPBES1Prefix), hasPrefix(alg, oidPKCS12Prefix):
		return nil, errPBES1
	default:
		return nil, fmt.Errorf("unsupported PKCS#8 encryption %s", alg)
	}
	var params pbes2Params
	if rest, err := asn1.Unmarshal(info.Algorithm.Parameters.FullBytes, &params); err != nil || len(rest) != 0 {
		return nil, errMalformedP8
	}
	switch kdf := params.KeyDerivationFunc.Algorithm; {
	case kdf.Equal(oidPBKDF2):
	case kdf.Equal(oidScrypt):
		return nil, errScrypt
	default:
		return nil, fmt.Errorf("unsupported PKCS#8 key derivation %s", kdf)
	}
	var kdfParams pbkdf2Params
	if rest, err := asn1.Unmarshal(params.KeyDerivationFunc.Parameters.FullBytes, &kdfParams); err != nil || len(rest) != 0 {
		return nil, errMalformedP8
	}
	newHash, err := prfHash(kdfParams.PRF)
	if err != nil {
		return nil, err
	}
	c, err := pbes2Cipher(params.EncryptionScheme.Algorithm)
	if err != nil {
		return nil, err
	}
	var iv []byte
	if rest, err := asn1.Unmarshal(params.EncryptionScheme.Parameters.FullBytes, &iv); err != nil || len(rest) != 0 {
		return nil, errMalformedP8
	}
	if kdfParams.KeyLength != 0 && kdfParams.KeyLength != c.keySize {
		return nil, errMalformedP8
	}
	if kdfParams.IterationCount < 1 {
		return nil, errMalformedP8
	}
	if kdfParams.IterationCount > maxIter {
		return nil, fmt.Errorf("PBKDF2 iteration count %d is above the limit of %d", kdfParams.IterationCount, maxIter)
	}
	key, err := pbkdf2.Key(newHash, string(password), kdfParams.Salt, kdfParams.IterationCount, c.keySize)
	if err != nil {
		// Only in FIPS 140-3 mode, for a short password or salt.
		return nil, fmt.Errorf("PBKDF2: %v", err)
	}
	defer clear(key)
	return decryptCBC(c, key, iv, info.EncryptedData)
}

// decryptCBC decrypts and unpads (RFC 8018 section 6.1.1 step 4, the same
// PKCS#7 padding as RFC 1423 legacy PEM). It never modifies ciphertext.
func decryptCBC(c cbcCipher, key, iv, ciphertext []byte) ([]byte, error) {
	block, err := c.newFunc(key)
	if err != nil {
		return nil, errMalformedP8
	}
	bs := block.BlockSize()
	if len(iv) != bs {
		return nil, errMalformedP8
	}
	if len(ciphertext) == 0 || len(ciphertext)%bs != 0 {
		return nil, errMalformedP8
	}
	plain := make([]byte, len(ciphertext))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, ciphertext)
	n := int(plain[len(plain)-1])
	bad := n == 0 || n > bs
	if !bad {
		for _, b := range plain[len(plain)-n:] {
			bad = bad || int(b) != n
		}
	}
	if bad {
		clear(plain)
		return nil, errDecrypt
	}
	return plain[:len(plain)-n], nil
}

func hasPrefix(oid, prefix asn1.ObjectIdentifier) bool {
	return len(oid) > len(prefix) && oid[:len(prefix)].Equal(prefix)
}
