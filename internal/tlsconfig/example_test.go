package tlsconfig_test

import (
	"crypto/tls"
	"errors"
	"fmt"

	"github.com/pyhttp/httpserver/internal/tlsconfig"
)

// The command's --tls-cert, --tls-key and --tls-password-file, with a key
// that "openssl genpkey -aes-256-cbc" encrypted.
func ExampleLoad() {
	password, err := tlsconfig.ReadPassword("testdata/password.txt")
	if err != nil {
		fmt.Println(err)
		return
	}
	conf, err := tlsconfig.Load("testdata/cert.pem", "testdata/key-aes256-sha256.pem", password)
	if err != nil {
		fmt.Println(err)
		return
	}
	leaf := conf.Certificates[0].Leaf
	fmt.Println(leaf.Subject.CommonName, leaf.IPAddresses, conf.MinVersion == tls.VersionTLS12)
	// Output: localhost [127.0.0.1 ::1] true
}

// Every error is one line, ready to print, and has a kind for errors.Is.
func ExampleLoad_errors() {
	for _, password := range [][]byte{nil, []byte("hunter2")} {
		_, err := tlsconfig.Load("testdata/cert.pem", "testdata/key-aes256-sha256.pem", password)
		fmt.Println(err)
		fmt.Println(errors.Is(err, tlsconfig.ErrEncrypted), errors.Is(err, tlsconfig.ErrWrongPassword))
	}
	_, err := tlsconfig.Load("testdata/key-des3-sha1.pem", "", nil)
	fmt.Println(err)
	// Output:
	// TLS key "testdata/key-aes256-sha256.pem" is encrypted: give --tls-password-file
	// true false
	// cannot decrypt TLS key "testdata/key-aes256-sha256.pem": wrong password?
	// false true
	// no certificate in "testdata/key-des3-sha1.pem"
}

func ExampleReadPassword() {
	// password.txt is "correct horse battery staple\n".
	password, err := tlsconfig.ReadPassword("testdata/password.txt")
	fmt.Printf("%q %v\n", password, err)
	_, err = tlsconfig.ReadPassword("testdata/missing.txt")
	fmt.Println(err)
	// Output:
	// "correct horse battery staple" <nil>
	// cannot read TLS password file "testdata/missing.txt": no such file or directory
}
