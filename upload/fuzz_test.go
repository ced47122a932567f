package upload

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/pyhttp/httpserver/internal/safepath"
)

// FuzzFormUpload posts a file under any name and checks the one
// property that matters: the request either stores exactly one file, at
// the name safepath.UploadName gives, inside the root, or changes
// nothing at all; and nothing outside the root ever changes.
func FuzzFormUpload(f *testing.F) {
	for _, s := range []string{
		"a.txt", "d/e/f.txt", "../../.ssh/authorized_keys", "..", ".", `..\\x`, "/etc/passwd",
		"a\x00b", "con.txt", "a:b", "x/../../y", "in/x", "out/x", "é.txt", "a/./b", "a//b", " ", "a.",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		base := t.TempDir()
		dir, outside := filepath.Join(base, "root"), filepath.Join(base, "outside")
		writeFiles(t, outside, map[string]string{"victim": "precious"})
		writeFiles(t, dir, map[string]string{"in": "->" + outside, "out": "->../outside", "keep.txt": "k"})
		before, outsideBefore := snapshot(t, dir), snapshot(t, outside)
		root, err := os.OpenRoot(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer root.Close()
		h := New(root, Options{AllowUpload: true, Overwrite: true, ErrorLog: discard()})
		body, ctype := multipartBody([2]string{name, "data"})
		r := httptest.NewRequest("POST", "/", body)
		r.Header.Set("Content-Type", ctype)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)

		checkTree(t, "outside", outside, outsideBefore)
		got := snapshot(t, dir)
		if w.Code != 303 {
			if d := diff(got, before); d != "" {
				t.Fatalf("POST %q: %d, and the tree changed:\n%s", name, w.Code, d)
			}
			return
		}
		want, ok := safepath.UploadName(name)
		if !ok {
			t.Fatalf("POST %q: 303 for a name UploadName refuses", name)
		}
		if got[want] != "file:data" {
			t.Fatalf("POST %q: 303, but %q holds %q", name, want, got[want])
		}
	})
}
