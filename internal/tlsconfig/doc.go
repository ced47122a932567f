// Package tlsconfig loads the certificate and private key for the
// command's --tls-cert, --tls-key and --tls-password-file options (Python
// 3.14's http.server) into a server *tls.Config:
//
//	password, err := tlsconfig.ReadPassword("key.pass") // only with --tls-password-file
//	if err != nil {
//		return err // "cannot read TLS password file \"key.pass\": no such file or directory"
//	}
//	conf, err := tlsconfig.Load("cert.pem", "key.pem", password)
//	if err != nil {
//		return err // e.g. "cannot decrypt TLS key \"key.pem\": wrong password?"
//	}
//	srv := &http.Server{Addr: ":8443", Handler: h, TLSConfig: conf}
//	return srv.ListenAndServeTLS("", "")
//
// For --tls-self-signed, [SelfSigned] makes a certificate and key in
// memory instead, for a list of host names and addresses, and
// [Fingerprint] gives its SHA-256 fingerprint as browsers show it:
//
//	conf, err := tlsconfig.SelfSigned([]string{"localhost", "127.0.0.1", "192.168.1.20"}, time.Now())
//	if err != nil {
//		return err
//	}
//	fmt.Println(tlsconfig.Fingerprint(conf.Certificates[0].Certificate[0])) // "AB:CD:…"
//
// # Errors
//
// Every error is a single line that names the file and the problem and can
// be printed as it is; none contains the password or key material. Use
// [errors.Is] with [ErrNoCertificate], [ErrNoKey], [ErrEncrypted],
// [ErrWrongPassword], [ErrMismatch], [ErrUnsupported], [ErrMalformed], or
// [fs.ErrNotExist] and friends for a file that cannot be read.
//
// # Encrypted keys
//
// Two formats are decrypted, the two that OpenSSL writes:
//
//   - PKCS#8 "ENCRYPTED PRIVATE KEY" with PBES2 (RFC 8018): PBKDF2 with
//     HMAC-SHA-1, -SHA-224, -SHA-256, -SHA-384, -SHA-512, -SHA-512/224 or
//     -SHA-512/256, and AES-128/192/256-CBC or DES-EDE3-CBC. This is what
//     "openssl genpkey -aes256" and "openssl pkcs8 -topk8 -v2 aes-256-cbc"
//     write, and the format to prefer. scrypt (RFC 7914) and the obsolete
//     PBES1/PKCS#12 schemes are reported as unsupported, with the openssl
//     command that re-encrypts the key.
//   - Legacy "Proc-Type: 4,ENCRYPTED" PEM (RFC 1421, PKCS#1 RSA or SEC 1 EC
//     keys) with DEK-Info AES-128/192/256-CBC or DES-EDE3-CBC, as "openssl
//     rsa -aes256" writes. Its key derivation is one MD5 round, so a weak
//     password is cheap to guess; re-encrypt such keys as PKCS#8.
//
// CBC padding cannot tell a wrong password reliably (about 1 wrong password
// in 256 leaves valid padding), which is why x509.DecryptPEMBlock is
// deprecated. Load therefore also parses the decrypted key and requires it
// to match the certificate, so a wrong password is never accepted.
//
// # Differences from Python
//
// Python's ssl module asks for the password on the terminal when an
// encrypted key comes without one; Load returns [ErrEncrypted] instead, as
// a server should not block on a prompt. Like Python, a password given for
// a key that is not encrypted is ignored, and an empty password file gives
// the empty password. Load reads at most 1 MiB from each file.
package tlsconfig
