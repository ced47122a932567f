package tlsconfig

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"math/big"
	"net"
	"net/netip"
	"strings"
	"time"
)

// The validity of a [SelfSigned] certificate: from an hour before it is
// made, for clocks a little behind the server's, to seven days after. A
// server that runs longer than that needs restarting: the certificate is
// meant for a share of an afternoon, not to be pinned.
const (
	SelfSignedBackdate = time.Hour
	SelfSignedLifetime = 7 * 24 * time.Hour
)

// SelfSigned returns a *tls.Config for a server (as [Load]'s: TLS 1.2
// minimum, NextProtos left to the caller) with a fresh certificate, made
// now and kept in memory only: a new ECDSA P-256 key that signs its own
// certificate, valid from now-[SelfSignedBackdate] to
// now+[SelfSignedLifetime], for TLS servers only (not a CA), whose
// subject alternative names are hosts and whose common name is the
// first of them.
//
// Each of hosts is an IP address (a zone is dropped: certificates have
// none) or a DNS name, as [ValidHost] checks: the first that is neither
// is an [ErrMalformed] error naming it, and so is an empty hosts.
// Duplicates are left out.
//
// Browsers warn about such a certificate: nobody vouches for it. Compare
// [Fingerprint] of conf.Certificates[0].Certificate[0] with what the
// browser shows to know it is the server's.
func SelfSigned(hosts []string, now time.Time) (*tls.Config, error) {
	if len(hosts) == 0 {
		return nil, newError(ErrMalformed, nil, "cannot make a certificate for no host")
	}
	var dns, names []string
	var ips []net.IP
	seen := make(map[string]bool)
	for _, h := range hosts {
		name := ""
		if ip, err := netip.ParseAddr(h); err == nil {
			ip = ip.WithZone("").Unmap()
			name = ip.String()
			if !seen[name] {
				ips = append(ips, ip.AsSlice())
			}
		} else if ValidHost(h) {
			name = strings.ToLower(strings.TrimSuffix(h, "."))
			if !seen[name] {
				dns = append(dns, name)
			}
		} else {
			return nil, newError(ErrMalformed, nil, "cannot make a certificate for %q: not a host name or IP address", h)
		}
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	// Go's crypto ignores a failing random source (and its rand.Reader
	// cannot fail): the errors below are those of the API, not expected.
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, newError(nil, err, "cannot make a TLS key: %v", oneLine(err))
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, newError(nil, err, "cannot make a TLS certificate: %v", oneLine(err))
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: names[0], Organization: []string{"httpserver self-signed"}},
		NotBefore:             now.Add(-SelfSignedBackdate),
		NotAfter:              now.Add(SelfSignedLifetime),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		DNSNames:              dns,
		IPAddresses:           ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, newError(nil, err, "cannot make a TLS certificate: %v", oneLine(err))
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, newError(ErrMalformed, err, "cannot read the TLS certificate just made: %v", oneLine(err))
	}
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}},
	}, nil
}

// ValidHost reports whether s is a host name a certificate can name: up
// to 253 bytes (a trailing dot aside) of dot-separated labels of 1 to 63
// ASCII letters, digits, hyphens and underscores (which Windows machine
// names may have, and Go's verifier accepts), neither starting nor ending
// with a hyphen. It is the check [SelfSigned] applies to what is not an
// IP address.
func ValidHost(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// Fingerprint returns the SHA-256 digest of a DER certificate as browsers
// and "openssl x509 -fingerprint -sha256" show it: upper-case hex bytes
// separated by colons, "AB:CD:…".
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	var b strings.Builder
	b.Grow(len(h) + len(sum) - 1)
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(h[i : i+2])
	}
	return b.String()
}
