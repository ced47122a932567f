package fileserver

import (
	"reflect"
	"testing"
)

var parseRangesTests = []struct {
	in    string
	size  int64
	want  []byteRange
	valid bool
}{
	{"bytes=0-9", 100, []byteRange{{0, 9}}, true},
	{"bytes=0-", 100, []byteRange{{0, 99}}, true},
	{"bytes=-10", 100, []byteRange{{90, 99}}, true},
	{"bytes=-1000", 100, []byteRange{{0, 99}}, true},
	{"bytes=90-1000", 100, []byteRange{{90, 99}}, true},
	{"bytes= 0-1 , 5-6 ", 100, []byteRange{{0, 6}}, true},
	{"bytes=0-0,0-0,0-0", 100, []byteRange{{0, 0}}, true},
	{"bytes=50-59,0-9", 1000, []byteRange{{0, 59}}, true},
	{"bytes=500-509,0-9", 1000, []byteRange{{0, 9}, {500, 509}}, true},
	{"bytes=0-9,,", 100, []byteRange{{0, 9}}, true},
	{"Bytes=1-2", 100, []byteRange{{1, 2}}, true},
	{"bytes=100-", 100, nil, true},
	{"bytes=-0", 100, nil, true},
	{"bytes=-5", 0, nil, true},
	{"bytes=100-200,0-1", 100, []byteRange{{0, 1}}, true},
	{"bytes=99999999999999999999-", 100, nil, true},
	{"bytes=0-99999999999999999999", 100, []byteRange{{0, 99}}, true},
	{"bytes=", 100, nil, true},
	{"bytes=5-4", 100, nil, false},
	{"bytes=a-b", 100, nil, false},
	{"bytes=-", 100, nil, false},
	{"bytes=1", 100, nil, false},
	{"bytes=+1-2", 100, nil, false},
	{"bytes=-+1", 100, nil, false},
	{"bytes=0x1-2", 100, nil, false},
	{"items=0-1", 100, nil, false},
	{"0-1", 100, nil, false},
	{"", 100, nil, false},
}

func TestParseRanges(t *testing.T) {
	for _, tt := range parseRangesTests {
		got, valid := parseRanges(tt.in, tt.size)
		if valid != tt.valid || len(got)+len(tt.want) > 0 && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseRanges(%q, %d) = %v, %v; want %v, %v", tt.in, tt.size, got, valid, tt.want, tt.valid)
		}
	}
}

// FuzzParseRanges checks that whatever a client sends, the ranges handed
// on lie inside the file, are sorted and apart, and survive a round trip
// through the header we write for http.ServeContent.
func FuzzParseRanges(f *testing.F) {
	for _, tt := range parseRangesTests {
		f.Add(tt.in, tt.size)
	}
	f.Fuzz(func(t *testing.T, s string, size int64) {
		if size < 0 {
			size = -size
		}
		if size < 0 {
			return
		}
		ranges, valid := parseRanges(s, size)
		if !valid && ranges != nil {
			t.Fatalf("parseRanges(%q, %d): invalid but returned %v", s, size, ranges)
		}
		var total int64
		for i, r := range ranges {
			if r.first < 0 || r.last < r.first || r.last >= size {
				t.Fatalf("parseRanges(%q, %d): range %v outside the file", s, size, r)
			}
			if i > 0 && r.first <= ranges[i-1].last+rangeCoalesceGap {
				t.Fatalf("parseRanges(%q, %d): %v and %v should have merged", s, size, ranges[i-1], r)
			}
			total += r.last - r.first + 1
		}
		if total > size {
			t.Fatalf("parseRanges(%q, %d): %d bytes asked for a %d-byte file", s, size, total, size)
		}
		if len(ranges) > 0 {
			again, ok := parseRanges(formatRanges(ranges), size)
			if !ok || !reflect.DeepEqual(again, ranges) {
				t.Fatalf("round trip of %v gave %v, %v", ranges, again, ok)
			}
		}
	})
}
