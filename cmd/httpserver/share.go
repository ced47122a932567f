package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"time"

	"github.com/pyhttp/httpserver/internal/tlsconfig"
)

// makeSelfSigned returns the TLS configuration of --tls-self-signed for a
// server listening on addr, having been asked to bind to bind (a name or
// an address, "" for every interface).
func makeSelfSigned(bind string, addr net.Addr, now time.Time) (*tls.Config, error) {
	hostname, _ := os.Hostname()
	var local []netip.Addr
	if bound := listenIP(addr); !bound.IsValid() || bound.IsUnspecified() {
		local = interfaceAddrs()
	}
	conf, err := tlsconfig.SelfSigned(selfSignedHosts(bind, listenIP(addr), hostname, local), now)
	if err != nil {
		return nil, fmt.Errorf("--tls-self-signed: %w", err)
	}
	return conf, nil
}

// selfSignedHosts returns the names a --tls-self-signed certificate
// covers: localhost and the loopback addresses, the machine's host name
// and the name given to -b when they are valid host names (a name that
// is not, such as one with spaces, is left out: it could not be typed
// in a URL), and the address listened on, or, for every interface
// (bound unspecified), every address in local.
func selfSignedHosts(bind string, bound netip.Addr, hostname string, local []netip.Addr) []string {
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	for _, name := range []string{hostname, bind} {
		if _, err := netip.ParseAddr(name); err != nil && tlsconfig.ValidHost(name) {
			hosts = append(hosts, name)
		}
	}
	if bound.IsValid() && !bound.IsUnspecified() {
		return append(hosts, bound.Unmap().WithZone("").String())
	}
	for _, a := range local {
		hosts = append(hosts, a.Unmap().WithZone("").String())
	}
	return hosts
}

// listenIP returns the IP address of a TCP listener's address; the zero
// Addr for anything else.
func listenIP(addr net.Addr) netip.Addr {
	if a, ok := addr.(*net.TCPAddr); ok {
		return a.AddrPort().Addr().Unmap()
	}
	return netip.Addr{}
}

// writeShare prints what --tls-self-signed and --qr add under the
// banner: the fingerprint of cert, the self-signed certificate (nil
// without one), and a QR code of the first URL another machine can open,
// or a line saying there is none. Like the banner, it ignores write
// errors: the server is what matters.
func writeShare(w io.Writer, cfg config, addr net.Addr, cert *x509.Certificate) {
	if cert != nil {
		fmt.Fprintf(w, "  Self-signed TLS certificate, valid until %s; its SHA-256 fingerprint:\n    %s\n",
			cert.NotAfter.UTC().Format("2006-01-02 15:04 MST"), tlsconfig.Fingerprint(cert.Raw))
	}
	writeQR(w, cfg, addr)
}
