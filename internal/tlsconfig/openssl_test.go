package tlsconfig

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestOpenSSL checks Load against keys written by the openssl command in
// every form it offers, so our reading of RFC 8018 and OpenSSL's legacy
// format is checked against OpenSSL's, not only against encryptPKCS8.
func TestOpenSSL(t *testing.T) {
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed; the PBES2 path is still tested with testdata/")
	}
	keys := testKeys()
	dir := writeFiles(t, map[string][]byte{
		"ec.pem":      pkcs8PEM(t, keys["ec"]),
		"rsa.pem":     pkcs8PEM(t, keys["rsa"]),
		"ec-cert.pem": selfSigned(t, keys["ec"]),
		"rsa-crt.pem": selfSigned(t, keys["rsa"]),
		"pw.txt":      []byte(pw + "\n"),
	})
	in := func(name string) string { return filepath.Join(dir, name) }
	openssl := func(t *testing.T, args ...string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	password := []byte(pw)

	// Every PBES2 cipher and PRF "openssl pkcs8 -topk8 -v2" offers.
	for _, c := range []string{"aes-128-cbc", "aes-192-cbc", "aes-256-cbc", "des3"} {
		for _, prf := range []string{"hmacWithSHA1", "hmacWithSHA224", "hmacWithSHA256", "hmacWithSHA384", "hmacWithSHA512", "hmacWithSHA512-224", "hmacWithSHA512-256"} {
			t.Run("pkcs8 "+c+" "+prf, func(t *testing.T) {
				out := in("p8-" + c + "-" + prf + ".pem")
				openssl(t, "pkcs8", "-topk8", "-in", "ec.pem", "-v2", c, "-v2prf", prf, "-passout", "file:pw.txt", "-out", out)
				loadOK(t, in("ec-cert.pem"), out, password)
				loadFails(t, in("ec-cert.pem"), out, []byte("hunter2"), ErrWrongPassword)
			})
		}
	}
	// Legacy PEM, as "openssl ec -aes256" and "openssl rsa -traditional" write.
	for _, c := range []string{"-aes128", "-aes192", "-aes256", "-des3"} {
		t.Run("legacy ec "+c, func(t *testing.T) {
			out := in("legacy-ec" + c + ".pem")
			openssl(t, "ec", "-in", "ec.pem", c, "-passout", "file:pw.txt", "-out", out)
			loadOK(t, in("ec-cert.pem"), out, password)
			loadFails(t, in("ec-cert.pem"), out, []byte("hunter2"), ErrWrongPassword)
		})
	}
	t.Run("legacy rsa", func(t *testing.T) {
		out := in("legacy-rsa.pem")
		openssl(t, "rsa", "-in", "rsa.pem", "-traditional", "-aes256", "-passout", "file:pw.txt", "-out", out)
		loadOK(t, in("rsa-crt.pem"), out, password)
		loadFails(t, in("rsa-crt.pem"), out, nil, ErrEncrypted)
	})
	// The whole OpenSSL way: genpkey -aes256, then a certificate from it,
	// key and certificate in one file.
	for _, alg := range [][]string{{"EC", "-pkeyopt", "ec_paramgen_curve:P-384"}, {"ED25519"}} {
		t.Run("genpkey "+alg[0], func(t *testing.T) {
			key, cert := in("gen-"+alg[0]+".key"), in("gen-"+alg[0]+".crt")
			openssl(t, append(append([]string{"genpkey", "-algorithm"}, alg...), "-aes256", "-pass", "file:pw.txt", "-out", key)...)
			openssl(t, "req", "-x509", "-new", "-key", key, "-passin", "file:pw.txt", "-subj", "/CN=localhost", "-days", "1", "-out", cert)
			both := in("gen-" + alg[0] + ".pem")
			c, _ := os.ReadFile(cert)
			k, _ := os.ReadFile(key)
			if err := os.WriteFile(both, cat(c, k), 0o600); err != nil {
				t.Fatal(err)
			}
			loadOK(t, both, "", password)
			loadFails(t, both, "", []byte("hunter2"), ErrWrongPassword)
		})
	}
	// Key types crypto/tls cannot use, named in the error.
	for _, alg := range [][]string{{"ED448"}, {"RSA-PSS", "-pkeyopt", "rsa_keygen_bits:1024"}} {
		t.Run("unsupported "+alg[0], func(t *testing.T) {
			key := in(alg[0] + ".key")
			openssl(t, append(append([]string{"genpkey", "-algorithm"}, alg...), "-out", key)...)
			err := loadFails(t, in("ec-cert.pem"), key, nil, ErrUnsupported)
			if !strings.Contains(err.Error(), "unsupported key type") {
				t.Errorf("error = %q; want it to name the key type", err)
			}
		})
	}
	// What we refuse, with advice.
	t.Run("scrypt", func(t *testing.T) {
		out := in("scrypt.pem")
		openssl(t, "pkcs8", "-topk8", "-in", "ec.pem", "-scrypt", "-passout", "file:pw.txt", "-out", out)
		loadFails(t, in("ec-cert.pem"), out, password, ErrUnsupported)
	})
	t.Run("pkcs12 pbe", func(t *testing.T) {
		out := in("pbe.pem")
		openssl(t, "pkcs8", "-topk8", "-in", "ec.pem", "-v1", "PBE-SHA1-3DES", "-passout", "file:pw.txt", "-out", out)
		err := loadFails(t, in("ec-cert.pem"), out, password, ErrUnsupported)
		if !strings.Contains(err.Error(), "PBES1/PKCS#12 encryption is obsolete") {
			t.Errorf("error = %q; want the PBES1 advice", err)
		}
	})
}

func loadOK(t *testing.T, cert, key string, password []byte) {
	t.Helper()
	conf, err := Load(cert, key, password)
	if err != nil {
		t.Fatalf("Load(%q, %q): %v", cert, key, err)
	}
	checkConfig(t, conf)
}

func loadFails(t *testing.T, cert, key string, password []byte, kind error) error {
	t.Helper()
	_, err := Load(cert, key, password)
	if !errors.Is(err, kind) {
		t.Fatalf("Load(%q, %q) = %v; want %v", cert, key, err, kind)
	}
	checkMessage(t, err, password)
	return err
}
