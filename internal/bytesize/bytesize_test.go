package bytesize

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

var parseTests = []struct {
	in   string
	want int64
	ok   bool
}{
	{"0", 0, true},
	{"1", 1, true},
	{"1024", 1024, true},
	{"1B", 1, true},
	{"64K", 64 << 10, true},
	{"64k", 64 << 10, true},
	{"64KB", 64 << 10, true},
	{"64KiB", 64 << 10, true},
	{"64kib", 64 << 10, true},
	{"512M", 512 << 20, true},
	{"1G", 1 << 30, true},
	{"1g", 1 << 30, true},
	{"2T", 2 << 40, true},
	{"007", 7, true},
	{"9223372036854775807", math.MaxInt64, true},
	{"8388607T", 8388607 << 40, true},

	{"", 0, false},
	{"K", 0, false},
	{"-1", 0, false},
	{"+1", 0, false},
	{"-1G", 0, false},
	{"1.5G", 0, false},
	{"1e9", 0, false},
	{" 1G", 0, false},
	{"1G ", 0, false},
	{"1 G", 0, false},
	{"1GG", 0, false},
	{"1iB", 0, false},
	{"1Ki", 0, false},
	{"1P", 0, false},
	{"1E", 0, false},
	{"0x10", 0, false},
	{"1_000", 0, false},
	{"١٢", 0, false}, // Arabic-Indic digits
	{"9223372036854775808", 0, false},
	{"8388608T", 0, false},
	{"9007199254740992K", 0, false},
	{"99999999999999999999999G", 0, false},
	{"1\x00", 0, false},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		got, err := Parse(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("Parse(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// FuzzParse checks Parse against a plain reference: digits times the
// suffix's power of 1024, computed with overflow checks; and that an
// accepted count is never negative.
func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Parse(s)
		want, ok := reference(s)
		if (err == nil) != ok || got != want {
			t.Fatalf("Parse(%q) = %d, %v; reference %d, %v", s, got, err, want, ok)
		}
		if got < 0 {
			t.Fatalf("Parse(%q) = %d", s, got)
		}
	})
}

func reference(s string) (int64, bool) {
	mult := int64(1)
	upper := strings.ToUpper(s)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"TIB", 1 << 40}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"TB", 1 << 40}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"T", 1 << 40}, {"B", 1}} {
		if strings.HasSuffix(upper, u.suffix) {
			s, mult = s[:len(s)-len(u.suffix)], u.mult
			break
		}
	}
	if s == "" {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > math.MaxInt64/mult {
		return 0, false
	}
	return n * mult, true
}
