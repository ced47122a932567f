package encoding

import (
	"strings"
	"testing"
)

var all = []string{Brotli, Zstd, Gzip}

var negotiateTests = []struct {
	header  []string // field lines; nil: no Accept-Encoding
	offered []string // nil: all
	coding  string
	ok      bool
}{
	// No preference.
	{nil, nil, Identity, true},
	{[]string{""}, nil, Identity, true},
	{[]string{"  ,  , "}, nil, Identity, true},

	// What browsers and tools send.
	{[]string{"gzip, deflate, br, zstd"}, nil, Brotli, true}, // Chrome, Firefox
	{[]string{"gzip, deflate, br"}, nil, Brotli, true},       // Safari
	{[]string{"deflate, gzip"}, nil, Gzip, true},             // curl --compressed
	{[]string{"gzip"}, nil, Gzip, true},                      // Go's Transport
	{[]string{"deflate"}, nil, Identity, true},               // nothing offered fits
	{[]string{"zstd, gzip"}, nil, Zstd, true},

	// Ties go to the server's order; a coding beats identity on a tie.
	{[]string{"gzip, br"}, nil, Brotli, true},
	{[]string{"br;q=0.8, gzip;q=0.8"}, nil, Brotli, true},
	{[]string{"gzip, zstd"}, nil, Zstd, true},
	{[]string{"identity, gzip"}, nil, Gzip, true},
	{[]string{"gzip;q=0.5, identity;q=0.5"}, nil, Gzip, true},
	// ...but the client's weights come first.
	{[]string{"br;q=0.5, gzip;q=0.8"}, nil, Gzip, true},
	{[]string{"br;q=0.001, gzip;q=0"}, nil, Brotli, true},
	{[]string{"gzip;q=0.5, identity;q=0.9"}, nil, Identity, true},
	{[]string{"gzip;q=0.5, identity"}, nil, Identity, true},
	{[]string{"gzip;q=0.001"}, nil, Gzip, true}, // an unlisted identity is acceptable, last

	// q=0 refuses.
	{[]string{"gzip;q=0"}, nil, Identity, true},
	{[]string{"gzip;q=0.000, br;q=0.0"}, nil, Identity, true},
	{[]string{"gzip, gzip;q=0"}, nil, Identity, true}, // said twice: the refusal holds
	{[]string{"gzip;q=0", "gzip"}, nil, Identity, true},
	{[]string{"br;q=0, gzip"}, nil, Gzip, true},

	// The asterisk: every coding not named, identity included.
	{[]string{"*"}, nil, Brotli, true},
	{[]string{"gzip;q=0, *"}, nil, Brotli, true},
	{[]string{"br;q=0, zstd;q=0, *"}, nil, Gzip, true},
	{[]string{"gzip;q=0.5, *"}, []string{Gzip}, Identity, true}, // identity gets *'s 1
	{[]string{"gzip;q=0.5, *;q=0.1"}, []string{Gzip}, Gzip, true},
	{[]string{"*;q=0"}, nil, "", false},
	{[]string{"*;q=0, identity"}, nil, Identity, true},
	{[]string{"*;q=0, gzip"}, nil, Gzip, true},
	{[]string{"*;q=0, gzip;q=0"}, nil, "", false},
	{[]string{"*, identity;q=0"}, nil, Brotli, true},

	// identity;q=0: 406 only when nothing offered fits.
	{[]string{"identity;q=0"}, nil, "", false},
	{[]string{"identity;q=0, gzip"}, nil, Gzip, true},
	{[]string{"identity;q=0, deflate"}, nil, "", false},
	{[]string{"identity;q=0, br"}, []string{Gzip}, "", false},
	{[]string{"identity;q=0, *;q=0.1"}, nil, Brotli, true},
	{[]string{"identity;q=0"}, []string{}, "", false},
	{[]string{"gzip"}, []string{}, Identity, true},

	// Names are case-insensitive; x-gzip is gzip (RFC 9110 §8.4.1.3).
	{[]string{"GZIP"}, nil, Gzip, true},
	{[]string{"Br, GZip"}, nil, Brotli, true},
	{[]string{"x-gzip"}, nil, Gzip, true},
	{[]string{"x-gzip;q=0, gzip"}, nil, Identity, true},
	{[]string{"IDENTITY;Q=0, Gzip;Q=0.3"}, nil, Gzip, true},

	// Several field lines are one list (RFC 9110 §5.3).
	{[]string{"gzip", "br"}, nil, Brotli, true},
	{[]string{"gzip", "identity;q=0"}, nil, Gzip, true},
	{[]string{"", "zstd"}, nil, Zstd, true},

	// White space where the grammar has OWS.
	{[]string{" gzip ; q=0.5 ,br;q=0.4 "}, nil, Gzip, true},
	{[]string{"\tgzip\t;\tq=1\t"}, nil, Gzip, true},
	{[]string{",,, gzip ,,"}, nil, Gzip, true},

	// Other parameters are skipped.
	{[]string{"gzip;level=9"}, nil, Gzip, true},
	{[]string{"gzip;level=9;q=0"}, nil, Identity, true},

	// Malformed elements are ignored, as if not sent.
	{[]string{"gzip;q=2"}, nil, Identity, true},
	{[]string{"gzip;q=1.001"}, nil, Identity, true},
	{[]string{"gzip;q=1.0000"}, nil, Identity, true},
	{[]string{"gzip;q=0.0001"}, nil, Identity, true},
	{[]string{"gzip;q=-1"}, nil, Identity, true},
	{[]string{"gzip;q=.5"}, nil, Identity, true},
	{[]string{"gzip;q=0x1"}, nil, Identity, true},
	{[]string{"gzip;q=abc"}, nil, Identity, true},
	{[]string{"gzip;q="}, nil, Identity, true},
	{[]string{"gzip;q"}, nil, Identity, true},
	{[]string{"gzip;"}, nil, Identity, true},
	{[]string{"gzip;q = 0.5"}, nil, Identity, true},
	{[]string{"gzip q=0.5"}, nil, Identity, true},
	{[]string{`"gzip"`}, nil, Identity, true},
	{[]string{"gzip;q=\"1\""}, nil, Identity, true},
	{[]string{"g\x00zip, gzip\x00"}, nil, Identity, true},
	{[]string{"gzip\xff"}, nil, Identity, true},
	{[]string{"identity;q=0x"}, nil, Identity, true},        // a refusal that does not parse refuses nothing
	{[]string{"*;q=0;", "gzip;q=0;q"}, nil, Identity, true}, // nor do these
	{[]string{"gzip;q=0.5, br;q=zz"}, nil, Gzip, true},
	{[]string{"identity;q=0, gzip;q=1.5"}, nil, "", false},

	// Hostile sizes.
	{[]string{strings.Repeat("gzip;q=0.5, ", 10000) + "br;q=0.4"}, nil, Gzip, true},
	{[]string{strings.Repeat(",", 100000)}, nil, Identity, true},
	{[]string{strings.Repeat("a", 100000) + ", zstd"}, nil, Zstd, true},
	{[]string{"gzip" + strings.Repeat(";a=b", 10000)}, nil, Gzip, true},
	{[]string{"br, gzip, zstd, deflate, compress, identity, aes128gcm, exi, pack200-gzip"}, []string{Gzip, Zstd, Brotli, "compress", "x"}, Gzip, true},
}

func TestNegotiate(t *testing.T) {
	for _, tt := range negotiateTests {
		offered := tt.offered
		if offered == nil {
			offered = all
		}
		coding, ok := Negotiate(tt.header, offered)
		if coding != tt.coding || ok != tt.ok {
			t.Errorf("Negotiate(%.80q, %q) = %q, %v; want %q, %v", tt.header, offered, coding, ok, tt.coding, tt.ok)
		}
	}
}

func TestNegotiateAllocs(t *testing.T) {
	header := []string{"gzip, deflate, br, zstd"}
	if n := testing.AllocsPerRun(100, func() { Negotiate(header, all) }); n != 0 {
		t.Errorf("Negotiate allocates %v times; want 0", n)
	}
}

func BenchmarkNegotiate(b *testing.B) {
	header := []string{"gzip, deflate, br, zstd"}
	b.ReportAllocs()
	for b.Loop() {
		if c, _ := Negotiate(header, all); c != Brotli {
			b.Fatal(c)
		}
	}
}
