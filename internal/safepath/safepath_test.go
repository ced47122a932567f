package safepath

import (
	"io/fs"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

var resolveTests = []struct {
	in   string
	name string
	dir  bool
	ok   bool
}{
	{"", ".", false, true},
	{"/", ".", true, true},
	{"/a", "a", false, true},
	{"/a/", "a", true, true},
	{"a/b", "a/b", false, true},
	{"//a//b//", "a/b", true, true},
	{"/./a/./b", "a/b", false, true},
	{"/a/../b", "b", false, true},
	{"/../../etc/passwd", "etc/passwd", false, true},
	{"/..", ".", false, true},
	{"/../", ".", true, true},
	{"/a/..", ".", false, true},
	{"/a/b/../../../..", ".", false, true},
	{"..%2f..%2fetc/passwd", "..%2f..%2fetc/passwd", false, true}, // still encoded: a literal name
	{"/..\\..\\etc", `..\..\etc`, false, true},                    // a literal name on Unix
	{"/a\x00b", "", false, false},
	{"/\x00", "", false, false},
	{"/.git/config", ".git/config", false, true},
	{"/dir with space/", "dir with space", true, true},
	{"/\xff\xfe", "\xff\xfe", false, true}, // not UTF-8, still a name
}

func TestResolve(t *testing.T) {
	for _, tt := range resolveTests {
		name, dir, ok := Resolve(tt.in)
		if name != tt.name || dir != tt.dir || ok != tt.ok {
			t.Errorf("Resolve(%q) = %q, %v, %v; want %q, %v, %v", tt.in, name, dir, ok, tt.name, tt.dir, tt.ok)
		}
	}
}

func TestClean(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", "/"},
		{"/cgi-bin/../etc/x", "/etc/x"},
		{"/cgi-bin/./script.sh", "/cgi-bin/script.sh"},
		{"//cgi-bin/script.sh", "/cgi-bin/script.sh"},
		{"/./cgi-bin/script.sh", "/cgi-bin/script.sh"},
		{"/cgi-bin/sub/", "/cgi-bin/sub/"},
		{"/cgi-bin/..", "/"},
		{"/a//", "/a/"},
	} {
		if got, ok := Clean(tt.in); got != tt.want || !ok {
			t.Errorf("Clean(%q) = %q, %v; want %q, true", tt.in, got, ok, tt.want)
		}
	}
}

func TestIsHidden(t *testing.T) {
	for _, tt := range []struct {
		name string
		want bool
	}{
		{".", false},
		{"a/b", false},
		{".env", true},
		{"a/.git/config", true},
		{"a/b.", false},
		{"a..b", false},
	} {
		if got := IsHidden(tt.name); got != tt.want {
			t.Errorf("IsHidden(%q) = %v; want %v", tt.name, got, tt.want)
		}
	}
}

// FuzzResolve checks the properties the file server relies on: a name it
// accepts is a valid io/fs name, never escapes upwards, and resolving is
// idempotent.
func FuzzResolve(f *testing.F) {
	for _, tt := range resolveTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, p string) {
		name, _, ok := Resolve(p)
		if !ok {
			if !strings.ContainsRune(p, 0) {
				t.Fatalf("Resolve(%q) rejected a path without NUL", p)
			}
			return
		}
		if !ValidName(name) || utf8.ValidString(name) && !fs.ValidPath(name) {
			t.Fatalf("Resolve(%q) = %q: not a valid fs path", p, name)
		}
		if name == ".." || strings.HasPrefix(name, "../") || strings.HasPrefix(name, "/") {
			t.Fatalf("Resolve(%q) = %q: escapes the root", p, name)
		}
		if again, _, _ := Resolve(name); again != name {
			t.Fatalf("Resolve(Resolve(%q)) = %q; want %q", p, again, name)
		}
	})
}

// validNameTests are io/fs names with bytes that are not UTF-8 mixed with
// everything else fs.ValidPath refuses: the bad bytes must make no
// difference either way.
var validNameTests = []struct {
	name string
	want bool
}{
	{".", true},
	{"a", true},
	{"a/b", true},
	{"\xff\xfe", true},
	{"bad\xff\xfe.txt", true},
	{"a/\xff/b", true},
	{"\xed\xb3\xbf", true},     // CPython's surrogatepass spelling of 0xFF: just another name
	{"\xc0\xae\xc0\xae", true}, // overlong "..": a name, not a parent
	{"..\xff", true},
	{"\xff..", true},
	{".\xff", true},
	{"\xff.", true},
	{"", false},
	{"/", false},
	{"//", false},
	{"..", false},
	{"../\xff", false},
	{"\xff/..", false},
	{"\xff/../..", false},
	{"\xff/../../etc/passwd", false},
	{"/\xff", false},
	{"\xff/", false},
	{"\xff//x", false},
	{"./\xff", false},
	{"\xff/.", false},
	{"\xff/./x", false},
	{"a/./b", false},
	{"/etc/passwd", false},
}

func TestValidName(t *testing.T) {
	for _, tt := range validNameTests {
		if got := ValidName(tt.name); got != tt.want {
			t.Errorf("ValidName(%q) = %v; want %v", tt.name, got, tt.want)
		}
	}
	// A backslash is a separator on Windows, where os.Root's FS refuses
	// it; elsewhere it is a byte of a name.
	for _, name := range []string{`a\b`, `\xff\..\x`, `..\..\etc`} {
		if got, want := ValidName(name), runtime.GOOS != "windows"; got != want {
			t.Errorf("ValidName(%q) = %v; want %v", name, got, want)
		}
	}
}

// FuzzValidName checks that ValidName is fs.ValidPath with bytes that are
// not UTF-8 allowed: replacing them by U+FFFD never changes the answer.
func FuzzValidName(f *testing.F) {
	for _, tt := range validNameTests {
		f.Add(tt.name)
	}
	f.Fuzz(func(t *testing.T, name string) {
		want := fs.ValidPath(strings.ToValidUTF8(name, "\uFFFD"))
		if runtime.GOOS == "windows" && strings.Contains(name, `\`) {
			want = false
		}
		if got := ValidName(name); got != want {
			t.Fatalf("ValidName(%q) = %v; fs.ValidPath with U+FFFD for the bad bytes says %v", name, got, want)
		}
	})
}

func BenchmarkResolve(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Resolve("/static/css/site.css")
	}
}
