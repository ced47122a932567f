package main

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"

	qr "github.com/piglig/go-qr"
)

// lanURL returns the first URL of the server at addr that another machine
// can open, as the banner lists them ("" when bound only to loopback or
// when no interface has another address): the address listened on, or
// for every interface the first of the machine's other addresses.
func lanURL(scheme string, addr net.Addr, local []netip.Addr) string {
	ip := listenIP(addr)
	if !ip.IsValid() || ip.IsLoopback() {
		return ""
	}
	_, port, _ := net.SplitHostPort(addr.String())
	if !ip.IsUnspecified() {
		return scheme + "://" + net.JoinHostPort(ip.WithZone("").String(), port) + "/"
	}
	for _, u := range openURLs(scheme, ip, port, local) {
		if !strings.HasPrefix(u, scheme+"://localhost:") {
			return u
		}
	}
	return ""
}

// writeQR prints, with --qr, a QR code of the first URL another machine
// can open, or a line saying there is none.
func writeQR(w io.Writer, cfg config, addr net.Addr) {
	if !cfg.qr {
		return
	}
	scheme := "http"
	if cfg.tlsCert != "" || cfg.tlsSelfSigned {
		scheme = "https"
	}
	var local []netip.Addr
	if ip := listenIP(addr); ip.IsValid() && ip.IsUnspecified() {
		local = interfaceAddrs()
	}
	u := lanURL(scheme, addr, local)
	if u == "" {
		fmt.Fprintln(w, "  --qr: no QR code: the server is reachable only from this machine (bound to loopback, or no other address); bind to another address with -b")
		return
	}
	code, err := qr.EncodeText(u, qr.Medium)
	if err != nil {
		// A URL of a host and port is far below a QR code's 2 KiB.
		fmt.Fprintf(w, "  --qr: cannot encode %s: %v\n", u, err)
		return
	}
	fmt.Fprintf(w, "  Scan to open %s\n", u)
	io.WriteString(w, qrText(code))
}

// qrQuiet is the light margin around a QR code, in modules: the 4 that
// ISO/IEC 18004 asks for, which a terminal's dark background cannot give.
const qrQuiet = 4

// qrText draws code in text, two rows of modules to a line with Unicode
// half blocks, light modules drawn and dark ones left blank, as
// "qrencode -t UTF8" does: it reads right on a terminal with light text
// on a dark background, the common case. Each line is indented by two
// spaces.
func qrText(code *qr.QrCode) string {
	n := code.Size()
	light := func(x, y int) bool {
		if x < 0 || y < 0 || x >= n || y >= n {
			return true // the quiet zone
		}
		return !code.Module(x, y)
	}
	var b strings.Builder
	for y := -qrQuiet; y < n+qrQuiet; y += 2 {
		b.WriteString("  ")
		for x := -qrQuiet; x < n+qrQuiet; x++ {
			top, bottom := light(x, y), y+1 < n+qrQuiet && light(x, y+1)
			switch {
			case top && bottom:
				b.WriteString("█")
			case top:
				b.WriteString("▀")
			case bottom:
				b.WriteString("▄")
			default:
				b.WriteByte(' ')
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}
