package listing

import (
	"bytes"
	"html/template"
	"testing"
	"time"
)

// TestModernCut checks that the built-in page, executed in two halves
// around its rows, is modern.html executed whole.
func TestModernCut(t *testing.T) {
	whole := template.Must(template.New("whole").Parse(modernHTML))
	m := newModernPage()
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
			if err := whole.Execute(&want, newPage(l, q, l.Name, false)); err != nil {
				t.Fatal(err)
			}
			if err := m.execute(&got, newPage(l, q, l.Name, false)); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%q %+v: the page in two halves differs from the whole template:\n%s", l.Path, q, firstDiff(got.Bytes(), want.Bytes()))
			}
		}
	}
}
