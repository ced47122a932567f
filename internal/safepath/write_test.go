package safepath

import (
	"io/fs"
	"strings"
	"testing"
	"unicode/utf8"
)

// segmentTests are hostile and ordinary names for ValidSegment: every hole
// the upload tools of other projects shipped, and the names that must
// still work.
var segmentTests = []struct {
	elem string
	ok   bool
}{
	{"a.txt", true},
	{"Résumé 2026.pdf", true},
	{"日本語.txt", true},
	{".env", true}, // a dotfile is a name; hiding it is access's business
	{"name (1).txt", true},
	{"a..b", true},
	{"...x", true},
	{"console.log", true},
	{"com10.txt", true},
	{"lpt.txt", true},
	{"nul-free", true},
	{strings.Repeat("x", 255), true},

	{"", false},
	{".", false},
	{"..", false},
	{"../..", false},
	{"a/b", false},
	{`..\..\x`, false},
	{`a\b`, false},
	{"a\x00b", false},
	{"\x00", false},
	{"a\nb", false},
	{"a\rb", false},
	{"a\tb", false},
	{"\x1b[31mred", false},
	{"a\x7fb", false},
	{"a.txt:stream", false},
	{"a.txt::$DATA", false},
	{"C:", false},
	{"C:x", false},
	{"trailing.", false},
	{"trailing ", false},
	{"CON", false},
	{"con", false},
	{"Con.txt", false},
	{"nul.tar.gz", false},
	{"NUL ", false},
	{"aux .log", false},
	{"PRN", false},
	{"COM1", false},
	{"com9.txt", false},
	{"COM0", false},
	{"lpt1", false},
	{"LPT9.x", false},
	{"COM¹", false},
	{"lpt³.txt", false},
	{"CONIN$", false},
	{"conout$.txt", false},
	{strings.Repeat("x", 256), false},
	{strings.Repeat("é", 128), false}, // 256 bytes
	{"\xff\xfe", false},
	{"a\xc0\xafb", false}, // overlong "/"
}

func TestValidSegment(t *testing.T) {
	for _, tt := range segmentTests {
		if got := ValidSegment(tt.elem); got != tt.ok {
			t.Errorf("ValidSegment(%q) = %v; want %v", tt.elem, got, tt.ok)
		}
	}
}

func TestWriteName(t *testing.T) {
	for _, tt := range []struct {
		in   string
		name string
		dir  bool
		ok   bool
	}{
		{"/a.txt", "a.txt", false, true},
		{"/a/b/c.txt", "a/b/c.txt", false, true},
		{"/new/", "new", true, true},
		{"new", "new", false, true},
		{"/", "", false, false},
		{"", "", false, false},
		{"//", "", false, false},
		{"/a//b", "", false, false},
		{"/a/./b", "", false, false},
		{"/a/../b", "", false, false},
		{"/../../etc/passwd", "", false, false},
		{"/..", "", false, false},
		{"/.", "", false, false},
		{`/..\..\etc\passwd`, "", false, false},
		{"/a\x00", "", false, false},
		{"/a/b:c", "", false, false},
		{"/con/x", "", false, false},
		{"/a//", "", false, false},
		{"/" + strings.Repeat("a/", 2049), "", false, false},
	} {
		name, dir, ok := WriteName(tt.in)
		if name != tt.name || dir != tt.dir || ok != tt.ok {
			t.Errorf("WriteName(%q) = %q, %v, %v; want %q, %v, %v", tt.in, name, dir, ok, tt.name, tt.dir, tt.ok)
		}
	}
}

func TestUploadName(t *testing.T) {
	for _, tt := range []struct {
		in, name string
		ok       bool
	}{
		{"a.txt", "a.txt", true},
		{"photos/2026/x.jpg", "photos/2026/x.jpg", true},
		{"../../.ssh/authorized_keys", "", false},
		{"..", "", false},
		{".", "", false},
		{"/etc/passwd", "", false},
		{"dir/", "", false},
		{`..\..\x`, "", false},
		{`C:\Windows\x`, "", false},
		{"a\x00.txt", "", false},
		{"", "", false},
		{"a/../b", "", false},
		{"a/./b", "", false},
		{"a//b", "", false},
		{"x/nul", "", false},
		{"x/a.txt:ads", "", false},
		{strings.Repeat("y", 256), "", false},
	} {
		name, ok := UploadName(tt.in)
		if name != tt.name || ok != tt.ok {
			t.Errorf("UploadName(%q) = %q, %v; want %q, %v", tt.in, name, ok, tt.name, tt.ok)
		}
	}
}

// FuzzWriteName checks the property every caller relies on: whatever is
// accepted is a valid io/fs name that cannot climb, hold a separator of
// any system, a control character or a stream, and each of its segments
// passes ValidSegment; UploadName accepts a subset of it.
func FuzzWriteName(f *testing.F) {
	for _, tt := range segmentTests {
		f.Add("/" + tt.elem)
		f.Add(tt.elem + "/x")
	}
	f.Add("../../.ssh/authorized_keys")
	f.Fuzz(func(t *testing.T, p string) {
		name, _, ok := WriteName(p)
		if up, uok := UploadName(p); uok && (!ok || up != name) {
			t.Fatalf("UploadName(%q) = %q, but WriteName = %q, %v", p, up, name, ok)
		}
		if !ok {
			return
		}
		if !fs.ValidPath(name) || name == "." || !utf8.ValidString(name) {
			t.Fatalf("WriteName(%q) = %q: not a valid fs name", p, name)
		}
		if strings.ContainsAny(name, "\\:\x00") {
			t.Fatalf("WriteName(%q) = %q holds a separator or stream", p, name)
		}
		for elem := range strings.SplitSeq(name, "/") {
			if !ValidSegment(elem) || elem == ".." {
				t.Fatalf("WriteName(%q) = %q: segment %q", p, name, elem)
			}
			for _, r := range elem {
				if r < 0x20 || r == 0x7f {
					t.Fatalf("WriteName(%q) = %q holds a control character", p, name)
				}
			}
		}
	})
}
