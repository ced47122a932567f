//go:build unix

package archive_test

import (
	"encoding/json"
	"net/url"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/pyhttp/httpserver/fileserver"
)

// TestSearchAgreesWithArchive checks that a search over hostileTree finds
// exactly the names of its archive that contain the text: the same
// walk, the same hide and deny rules, nothing from outside the root, and
// a query that is never a pattern or a path.
func TestSearchAgreesWithArchive(t *testing.T) {
	root := hostileTree(t)
	srv := serveTree(t, root, hostilePolicy(t), fileserver.Options{})
	want := wantTree()
	for _, q := range []string{"txt", "TXT", "a", "deep", "ça", "ÉTÉ", "../", "..", "*", "*.txt", "[a-z]", "?", "passwd", "outside", "key", ".env", "git", "fifo", "loop", "up", "\xe9", "%2e%2e"} {
		var l struct {
			Query    string `json:"query"`
			Complete bool   `json:"complete"`
			Entries  []struct {
				Name  string `json:"name"`
				URL   string `json:"url"`
				IsDir bool   `json:"is_dir"`
			} `json:"entries"`
		}
		b, res, err := get(t, srv.URL+"/?format=json&q="+url.QueryEscape(q))
		if q == "\xe9" {
			if res.StatusCode != 400 {
				t.Errorf("q=%q: status %d; want 400 for a query that is not UTF-8", q, res.StatusCode)
			}
			continue
		}
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("q=%q: %d %v", q, res.StatusCode, err)
		}
		if err := json.Unmarshal(b, &l); err != nil {
			t.Fatalf("q=%q: %v\n%s", q, err, b)
		}
		if l.Query != q || !l.Complete {
			t.Errorf("q=%q: query %q, complete %v", q, l.Query, l.Complete)
		}
		var got, exp []string
		for _, e := range l.Entries {
			n, err := url.PathUnescape(e.URL)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, n)
		}
		for name := range want {
			if strings.Contains(strings.ToLower(path.Base(name)), strings.ToLower(q)) {
				exp = append(exp, name)
			}
		}
		slices.Sort(got)
		slices.Sort(exp)
		if !slices.Equal(got, exp) {
			t.Errorf("q=%q: found %q; want %q", q, got, exp)
		}
	}
}
