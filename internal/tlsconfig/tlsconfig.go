package tlsconfig

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"unicode"
)

// The kinds of error [Load] and [ReadPassword] return, for [errors.Is].
// The errors themselves carry a full one-line message naming the file; a
// file that cannot be read also matches its [fs.PathError] cause, so
// errors.Is(err, fs.ErrNotExist) works.
var (
	// ErrNoCertificate: the certificate file holds no CERTIFICATE block.
	ErrNoCertificate = errors.New("no certificate")
	// ErrNoKey: the key file (or the certificate file, when the key is
	// expected there) holds no private key block.
	ErrNoKey = errors.New("no private key")
	// ErrEncrypted: the key is encrypted and no password was given.
	ErrEncrypted = errors.New("key is encrypted")
	// ErrWrongPassword: the key did not decrypt to a private key.
	ErrWrongPassword = errors.New("wrong password")
	// ErrMismatch: the key is not the certificate's key.
	ErrMismatch = errors.New("key does not match certificate")
	// ErrUnsupported: a valid file that uses something we do not
	// implement, such as scrypt-based PKCS#8 or a DSA key.
	ErrUnsupported = errors.New("unsupported")
	// ErrMalformed: a file that is not what it claims to be.
	ErrMalformed = errors.New("malformed")
)

// maxFileSize bounds what we read from any one file, so that a mistaken
// --tls-cert /dev/zero fails instead of eating memory. Real chains and
// keys are a few kilobytes.
const maxFileSize = 1 << 20

// fileError is the error type of this package: a finished message plus
// the kind (one of the Err values) and the cause, both for errors.Is.
type fileError struct {
	msg   string
	kind  error
	cause error
}

func (e *fileError) Error() string { return e.msg }
func (e *fileError) Unwrap() []error {
	var errs []error
	for _, err := range []error{e.kind, e.cause} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

func newError(kind, cause error, format string, args ...any) error {
	return &fileError{msg: fmt.Sprintf(format, args...), kind: kind, cause: cause}
}

// Load reads a PEM certificate chain and private key and returns a
// *tls.Config for a server: TLS 1.2 minimum and the one certificate, with
// NextProtos left to the caller (http.Server adds "h2" and "http/1.1").
//
// certFile holds the chain, leaf first; blocks other than CERTIFICATE are
// skipped. keyFile "" means the key is in certFile, as in Python's
// SSLContext.load_cert_chain. The first private key block is used: PKCS#8
// ("PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY") or SEC 1 ("EC PRIVATE KEY"),
// holding an RSA, ECDSA or Ed25519 key.
//
// password nil means the key is not encrypted. A non-nil password (even an
// empty one: a key can be encrypted with "") decrypts either a PKCS#8
// "ENCRYPTED PRIVATE KEY" (PBES2 with PBKDF2) or a legacy OpenSSL
// "Proc-Type: 4,ENCRYPTED" block; see the package documentation for the
// algorithms. A password given for a key that is not encrypted is ignored,
// as OpenSSL (and so Python) ignores it.
//
// Whatever the encryption, the key must match the leaf certificate's
// public key; that check is also what catches a wrong password whose
// decryption happens to look well-formed. Errors are one line, name the
// file and never contain the password.
func Load(certFile, keyFile string, password []byte) (*tls.Config, error) {
	certPEM, err := readFile(certFile, "TLS certificate")
	if err != nil {
		return nil, err
	}
	var chain [][]byte
	for rest := certPEM; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if b.Type == "CERTIFICATE" {
			chain = append(chain, b.Bytes)
		}
	}
	if len(chain) == 0 {
		return nil, newError(ErrNoCertificate, nil, "no certificate in %q", certFile)
	}
	var leaf *x509.Certificate
	for i, der := range chain {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, newError(ErrMalformed, err, "bad certificate in %q: %v", certFile, oneLine(err))
		}
		if i == 0 {
			leaf = c
		}
	}

	keyName, keyPEM := certFile, certPEM
	if keyFile != "" {
		if keyPEM, err = readFile(keyFile, "TLS key"); err != nil {
			return nil, err
		}
		keyName = keyFile
	}
	key, err := keyFor(leaf, certFile, keyName, keyPEM, keyFile == "", password, maxIterations)
	if err != nil {
		return nil, err
	}
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		Certificates: []tls.Certificate{{
			Certificate: chain,
			PrivateKey:  key,
			Leaf:        leaf,
		}},
	}, nil
}

// keyFor returns the private key in keyPEM, read from keyName, if it is
// the key of leaf, read from certFile. This is the one way to a key, so
// that the fuzz target checks what Load does.
func keyFor(leaf *x509.Certificate, certFile, keyName string, keyPEM []byte, inCert bool, password []byte, maxIter int) (crypto.Signer, error) {
	key, err := loadKey(keyName, keyPEM, password, inCert, maxIter)
	if err != nil {
		return nil, err
	}
	if !publicKeyEqual(leaf.PublicKey, key.Public()) {
		return nil, newError(ErrMismatch, nil, "TLS key %q does not match certificate %q", keyName, certFile)
	}
	return key, nil
}

// loadKey finds, decrypts and parses the first private key in data, read
// from the file name. inCert says the key was looked for in the
// certificate file, which changes the advice when there is none. maxIter
// bounds PBKDF2's iterations.
func loadKey(name string, data, password []byte, inCert bool, maxIter int) (crypto.Signer, error) {
	var block *pem.Block
	for rest := data; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if strings.HasSuffix(b.Type, "PRIVATE KEY") {
			block = b
			break
		}
	}
	if block == nil {
		if inCert {
			return nil, newError(ErrNoKey, nil, "no private key in %q: give --tls-key", name)
		}
		return nil, newError(ErrNoKey, nil, "no private key in %q", name)
	}

	if block.Type == "DSA PRIVATE KEY" {
		// TLS 1.3 dropped DSA and crypto/tls never had it.
		return nil, newError(ErrUnsupported, nil, "TLS key %q: unsupported key type DSA", name)
	}
	der, encrypted := block.Bytes, false
	switch {
	case block.Type == "ENCRYPTED PRIVATE KEY", isLegacyEncrypted(block):
		if password == nil {
			return nil, newError(ErrEncrypted, nil, "TLS key %q is encrypted: give --tls-password-file", name)
		}
		var err error
		if block.Type == "ENCRYPTED PRIVATE KEY" {
			der, err = decryptPKCS8(block.Bytes, password, maxIter)
		} else {
			der, err = decryptLegacy(block, password)
		}
		if err != nil {
			return nil, decryptError(name, err)
		}
		defer clear(der)
		encrypted = true
	}
	return parseKey(name, der, encrypted)
}

// decryptError words an error from decryptPKCS8 or decryptLegacy.
func decryptError(name string, err error) error {
	var m malformed
	kind := ErrUnsupported
	switch {
	case err == errDecrypt:
		kind = ErrWrongPassword
	case errors.As(err, &m):
		kind = ErrMalformed
	}
	return newError(kind, nil, "cannot decrypt TLS key %q: %v", name, err)
}

// parseKey parses a DER private key in any of the three formats OpenSSL
// writes, whatever the PEM type said (OpenSSL also goes by content).
func parseKey(name string, der []byte, encrypted bool) (crypto.Signer, error) {
	var key any
	var err error
	if key, err = x509.ParsePKCS8PrivateKey(der); err != nil {
		if key, err = x509.ParsePKCS1PrivateKey(der); err != nil {
			key, err = x509.ParseECPrivateKey(der)
		}
	}
	if err != nil {
		if alg, ok := otherPKCS8Algorithm(der); ok {
			return nil, newError(ErrUnsupported, nil, "TLS key %q: unsupported key type %s", name, alg)
		}
		if encrypted {
			return nil, decryptError(name, errDecrypt)
		}
		return nil, newError(ErrMalformed, nil, "bad TLS key %q: not a PKCS#8, PKCS#1 or SEC 1 private key", name)
	}
	switch k := key.(type) {
	case *rsa.PrivateKey, *ecdsa.PrivateKey, ed25519.PrivateKey:
		return k.(crypto.Signer), nil
	}
	return nil, newError(ErrUnsupported, nil, "TLS key %q: unsupported key type %T", name, key)
}

// otherPKCS8Algorithm reports the algorithm of a well-formed PKCS#8
// PrivateKeyInfo (RFC 5208 section 5) that crypto/x509 does not parse,
// such as DSA or Ed448 from "openssl genpkey", so that the error says
// "unsupported" rather than "not a key".
func otherPKCS8Algorithm(der []byte) (string, bool) {
	var info struct {
		Version    int
		Algorithm  pkix.AlgorithmIdentifier
		PrivateKey []byte
	}
	if _, err := asn1.Unmarshal(der, &info); err != nil {
		return "", false
	}
	switch oid := info.Algorithm.Algorithm.String(); oid {
	case "1.2.840.113549.1.1.1", "1.2.840.10045.2.1", "1.3.101.112", "1.3.101.110":
		return "", false // RSA, EC, Ed25519, X25519: known, so the key itself is bad
	case "1.2.840.10040.4.1":
		return "DSA", true
	case "1.2.840.113549.1.1.10":
		return "RSASSA-PSS", true
	case "1.3.101.111":
		return "X448", true
	case "1.3.101.113":
		return "Ed448", true
	default:
		return oid, true
	}
}

// publicKeyEqual compares a certificate's public key with a private key's.
// All the public key types of crypto/x509 have an Equal method.
func publicKeyEqual(cert, key crypto.PublicKey) bool {
	k, ok := cert.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(key)
}

// readFile reads at most maxFileSize bytes of name, wording errors as
// "cannot read <what> %q: <reason>".
func readFile(name, what string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, readError(name, what, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, readError(name, what, err)
	}
	if len(data) > maxFileSize {
		return nil, newError(ErrMalformed, nil, "cannot read %s %q: larger than %d bytes", what, name, maxFileSize)
	}
	return data, nil
}

// readError drops the *fs.PathError's own "open name:" prefix, since the
// message names the file already, and keeps it as the cause.
func readError(name, what string, err error) error {
	reason := err
	var pe *fs.PathError
	if errors.As(err, &pe) {
		reason = pe.Err
	}
	return newError(nil, err, "cannot read %s %q: %v", what, name, oneLine(reason))
}

// oneLine keeps an error from breaking the command's one-line message.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// ReadPassword reads a password file as Python 3.14's http.server does
// (open(path, encoding="utf-8").read().strip()): the whole content, with
// line endings translated as text mode does ("\r\n" and "\r" become "\n")
// and surrounding whitespace stripped, by Python's definition of
// whitespace, which adds the ASCII separators U+001C..U+001F to Unicode's.
//
// The result is never nil, so an empty file gives the empty password (a key
// can be encrypted with one). Python fails with a traceback on a file that
// is not UTF-8; ReadPassword keeps its bytes as they are, which is what
// OpenSSL would use.
func ReadPassword(path string) ([]byte, error) {
	data, err := readFile(path, "TLS password file")
	if err != nil {
		return nil, err
	}
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	pw := bytes.TrimFunc(data, isPythonSpace)
	out := make([]byte, len(pw))
	copy(out, pw)
	clear(data)
	return out, nil
}

// isPythonSpace is str.isspace for one character: Unicode White_Space
// plus U+001C..U+001F, which Python counts as whitespace (bidirectional
// class B or S) and Go does not.
func isPythonSpace(r rune) bool {
	return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f
}
