package listing

import (
	"bytes"
	"html/template"
	"slices"
	"testing"
	"time"
)

// TestModernCut checks that the built-in page, executed in two halves
// around its rows, is modern.html executed whole.
func TestModernCut(t *testing.T) {
	for _, a := range []Actions{{}, {Upload: true, Delete: true}} {
		testModernCut(t, a)
	}
}

func testModernCut(t *testing.T, a Actions) {
	m := newModernPage(false, a, false)
	whole := template.Must(template.New("whole").Funcs(m.funcs()).Parse(modernHTML))
	page := func(l *Listing, q query) *Page {
		p := newPage(l, q, l.Name, false)
		p.Actions = a
		return p
	}
	for _, l := range []*Listing{
		{Path: "/", Name: "."},
		{Path: "/d/<x>/", Name: "d/<x>", Entries: []Entry{
			{Name: `a"b'c&d<e>f`, Size: 1023, ModTime: time.Date(2024, 2, 29, 23, 59, 30, 0, time.UTC)},
			{Name: "dir", IsDir: true},
			{Name: "link", IsSymlink: true, IsDir: true},
			{Name: "bad\xff\u202e\x00", Size: 1 << 40},
		}},
	} {
		for _, q := range []query{{}, {order: Order{By: BySize, Desc: true, DirsFirst: true}, defaultDirsFirst: true}} {
			var want, got bytes.Buffer
			if err := whole.Execute(&want, page(l, q)); err != nil {
				t.Fatal(err)
			}
			if err := m.execute(&got, page(l, q)); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%q %+v: the page in two halves differs from the whole template:\n%s", l.Path, q, firstDiff(got.Bytes(), want.Bytes()))
			}
		}
	}
}

func TestCrumbs(t *testing.T) {
	for _, tc := range []struct {
		path, name string
		want       []Crumb
	}{
		{"/", ".", []Crumb{{"/", "./", true}}},
		{"/files/", ".", []Crumb{{"/files/", "./", true}}},
		{"/a/b/", "a/b", []Crumb{{"/", "../../", false}, {"a/", "../", false}, {"b/", "./", true}}},
		{"/m/n/a/b c/", "a/b c", []Crumb{{"/m/n/", "../../", false}, {"a/", "../", false}, {"b c/", "./", true}}},
		{"/x/evil\u202e/", "evil\u202e", []Crumb{{"/x/", "../", false}, {`evil\u202E/`, "./", true}}},
		{"/a/b", "a/b", nil}, // no trailing slash: relative links would be off by one
		{"/b/", "a/b", nil},  // shorter than the name
	} {
		if got := crumbs(tc.path, tc.name); !slices.Equal(got, tc.want) {
			t.Errorf("crumbs(%q, %q) = %+v; want %+v", tc.path, tc.name, got, tc.want)
		}
	}
}
