package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadmeFlag checks that the modern page shows a directory's README
// by default, that --no-readme and --listing python do not, and that a
// README.md linking out of the served directory is never read.
func TestReadmeFlag(t *testing.T) {
	dir := site(t)
	writeSiteFile(t, dir, "docs/README.md", "# Docs <script>x</script>\n")
	outside := filepath.Join(t.TempDir(), "secret.md")
	if err := os.WriteFile(outside, []byte("TOP SECRET"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "README.md")); err != nil {
		t.Skipf("cannot make a symlink: %v", err)
	}
	for _, tc := range []struct {
		args []string
		path string
		want bool
	}{
		{nil, "/docs/", true},
		{[]string{"--no-readme"}, "/docs/", false},
		{[]string{"--listing", "python"}, "/docs/", false},
		{nil, "/", false}, // the link out of the root
	} {
		s := start(t, append([]string{"0", "-b", "127.0.0.1", "-d", dir}, tc.args...)...)
		_, body := get(t, s.base+tc.path)
		if got := strings.Contains(body, "<h1>Docs &lt;script&gt;x&lt;/script&gt;</h1>"); got != tc.want {
			t.Errorf("%v GET %s: README shown = %v; want %v", tc.args, tc.path, got, tc.want)
		}
		if strings.Contains(body, "SECRET") || strings.Contains(body, "<script>x") {
			t.Errorf("%v GET %s: the page has what it must not:\n%s", tc.args, tc.path, body)
		}
		s.stop()
	}
}
