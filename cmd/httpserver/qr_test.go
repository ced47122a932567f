package main

import (
	"image"
	"image/color"
	"net"
	"net/netip"
	"strings"
	"testing"
	"unicode/utf8"

	qr "github.com/piglig/go-qr"
)

// TestQRLoopback starts the command bound to loopback with --qr: no QR
// code, but a line that says why.
func TestQRLoopback(t *testing.T) {
	s := start(t, "0", "-b", "127.0.0.1", "-d", t.TempDir(), "--qr")
	out := waitFor(t, s.stdout, "--qr")
	if !strings.Contains(out, "\n  --qr: no QR code: the server is reachable only from this machine") || strings.Contains(out, "█") {
		t.Errorf("--qr on loopback: %q; want the line saying there is no LAN URL", out)
	}
	if _, err := parseArgs([]string{"--qr=maybe"}, nil); err == nil || exitCode(err) != 2 {
		t.Errorf("--qr=maybe: %v; want a usage error", err)
	}
}

func TestLanURL(t *testing.T) {
	tcp := func(s string, port int) net.Addr {
		return &net.TCPAddr{IP: net.ParseIP(s), Port: port}
	}
	local := []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("fe80::1"), netip.MustParseAddr("2001:db8::2"), netip.MustParseAddr("192.168.1.20"), netip.MustParseAddr("10.0.0.7")}
	for _, tc := range []struct {
		addr  net.Addr
		local []netip.Addr
		want  string
	}{
		{tcp("127.0.0.1", 8000), local, ""},
		{tcp("::1", 8000), local, ""},
		{tcp("0.0.0.0", 8000), local, "http://10.0.0.7:8000/"},
		{tcp("::", 8000), local, "http://10.0.0.7:8000/"},
		{tcp("::", 8000), local[:3], "http://[2001:db8::2]:8000/"},
		{tcp("0.0.0.0", 8000), local[:3], ""}, // 0.0.0.0 listens on IPv4 only
		{tcp("0.0.0.0", 8000), nil, ""},
		{tcp("192.168.1.20", 8443), nil, "http://192.168.1.20:8443/"},
		{tcp("2001:db8::2", 80), nil, "http://[2001:db8::2]:80/"},
		{&net.UnixAddr{Name: "/tmp/s", Net: "unix"}, local, ""},
	} {
		if got := lanURL("http", tc.addr, tc.local); got != tc.want {
			t.Errorf("lanURL(%v, %v) = %q; want %q", tc.addr, tc.local, got, tc.want)
		}
	}
}

// TestQR prints the QR code of a LAN address, reads the printed blocks
// back into an image and decodes it: it must be the URL.
func TestQR(t *testing.T) {
	for _, tc := range []struct {
		cfg  config
		addr string
		want string
	}{
		{config{qr: true}, "192.168.1.20:8000", "http://192.168.1.20:8000/"},
		{config{qr: true, tlsSelfSigned: true}, "[2001:db8::2]:8443", "https://[2001:db8::2]:8443/"},
		{config{qr: true, tlsCert: "c.pem"}, "10.1.2.3:65535", "https://10.1.2.3:65535/"},
	} {
		addr, _ := net.ResolveTCPAddr("tcp", tc.addr)
		var b strings.Builder
		writeShare(&b, tc.cfg, addr, nil)
		head, code, ok := strings.Cut(b.String(), "\n")
		if !ok || head != "  Scan to open "+tc.want {
			t.Errorf("%s: first line %q; want Scan to open %s", tc.addr, head, tc.want)
		}
		if got := decodeQR(t, code); got != tc.want {
			t.Errorf("%s: QR code reads %q; want %q", tc.addr, got, tc.want)
		}
	}
	// Nothing without --qr or a certificate.
	var b strings.Builder
	writeShare(&b, config{}, &net.TCPAddr{IP: net.IPv4(192, 168, 1, 20), Port: 80}, nil)
	if b.Len() != 0 {
		t.Errorf("without --qr: %q", b.String())
	}
}

// decodeQR reads a QR code printed by qrText back into an image, 4 pixels
// a module, and decodes it.
func decodeQR(t *testing.T, text string) string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	width := utf8.RuneCountInString(lines[0]) - 2
	const px = 4
	img := image.NewGray(image.Rect(0, 0, width*px, len(lines)*2*px))
	for y, line := range lines {
		if !strings.HasPrefix(line, "  ") {
			t.Fatalf("line %d not indented: %q", y, line)
		}
		x := 0
		for _, r := range line[2:] {
			var top, bottom bool
			switch r {
			case '█':
				top, bottom = true, true
			case '▀':
				top = true
			case '▄':
				bottom = true
			case ' ':
			default:
				t.Fatalf("line %d: %q is not a block", y, r)
			}
			for dy := 0; dy < px; dy++ {
				for dx := 0; dx < px; dx++ {
					if top {
						img.SetGray(x*px+dx, 2*y*px+dy, color.Gray{255})
					}
					if bottom {
						img.SetGray(x*px+dx, (2*y+1)*px+dy, color.Gray{255})
					}
				}
			}
			x++
		}
		if x != width {
			t.Fatalf("line %d is %d modules wide; want %d", y, x, width)
		}
	}
	text, err := qr.Decode(img)
	if err != nil {
		t.Fatalf("decode the printed QR code: %v", err)
	}
	return text
}
