package htmlesc

import (
	"html/template"
	"strings"
	"testing"
)

// python is html.escape(s, quote=False), as CPython writes it.
var python = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

var seeds = []string{
	"", "plain", "a&b", "<script>alert(1)</script>", `quote"and'apos`, "&amp;", "<<>>&&",
	"naïve 日本", "bad\xff\xfe", "nul\x00", "trailing&", "&leading",
}

func TestAppend(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"plain.txt", "plain.txt"},
		{`<a href="x">&'</a>`, `&lt;a href="x"&gt;&amp;'&lt;/a&gt;`},
		{"&amp;", "&amp;amp;"},
		{"bad\xff<", "bad\xff&lt;"},
		{"nul\x00", "nul\x00"},
	} {
		if got := string(Append(nil, tc.in)); got != tc.want {
			t.Errorf("Append(nil, %q) = %q; want %q", tc.in, got, tc.want)
		}
	}
	if got := string(Append([]byte("keep:"), "<")); got != "keep:&lt;" {
		t.Errorf("Append(keep:, <) = %q; want the prefix kept", got)
	}
}

func TestAppendAttr(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain.txt", "plain.txt"},
		{`<a href="x">&'</a>`, `&lt;a href=&#34;x&#34;&gt;&amp;&#39;&lt;/a&gt;`},
		{"nul\x00", "nul\uFFFD"},
	} {
		if got := string(AppendAttr(nil, tc.in)); got != tc.want {
			t.Errorf("AppendAttr(nil, %q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzAppend checks Append against Python's definition, three
// replacements and nothing else, and AppendAttr against html/template.
func FuzzAppend(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(Append(nil, s)), python.Replace(s); got != want {
			t.Errorf("Append(nil, %q) = %q; want %q", s, got, want)
		}
		if got, want := string(AppendAttr(nil, s)), template.HTMLEscapeString(s); got != want {
			t.Errorf("AppendAttr(nil, %q) = %q; want %q", s, got, want)
		}
	})
}
