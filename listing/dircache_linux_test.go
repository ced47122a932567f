package listing

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/pyhttp/httpserver/internal/localfs"
)

// testCache returns a dirCache with the given bounds whose clock reads
// *clock, so that a test moves time on rather than sleeping.
func testCache(minEntries, maxEntries int, margin time.Duration, clock *time.Time) *dirCache {
	c := newDirCache()
	c.minEntries, c.maxEntries, c.margin = minEntries, maxEntries, margin
	c.now = func() time.Time { return *clock }
	return c
}

// later is a clock reading well past any change a test just made.
func later() time.Time { return time.Now().Add(time.Hour) }

// cachingDir returns a directory of n files, old enough (past a margin of
// 20 ms) to be kept by a dirCache, open as a Root; it skips the test where
// the temporary directory's file system is not one whose times are
// trusted.
func cachingDir(t *testing.T, n int) (string, *os.Root) {
	t.Helper()
	dir := t.TempDir()
	for i := range n {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%03d.txt", i)), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	trusted := localfs.Trusted(int(d.Fd()))
	d.Close()
	if !trusted {
		t.Skip("the temporary directory's file system keeps no times a dirCache trusts")
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return dir, r
}

func mustRead(t *testing.T, r *os.Root, opts ReadOptions, c *dirCache) *Listing {
	t.Helper()
	return readIn(t, r.FS(), readCase{opts: opts}, true, c)
}

// TestReadFastPathCached repeats TestReadFastPath's comparison with a
// cache that keeps every directory: the second round of reads takes the
// names from it.
func TestReadFastPathCached(t *testing.T) {
	root := fastPathTree(t)
	r, err := os.OpenRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	clock := later()
	c := testCache(1, 1<<17, 0, &clock)
	for round := range 2 {
		for _, withInfo := range []bool{false, true} {
			for _, rc := range readCases {
				checkFastPath(t, r, rc, withInfo, c)
			}
		}
		if round == 0 && len(c.dirs) == 0 {
			t.Skip("the temporary directory's file system keeps no times a dirCache trusts")
		}
	}
}

// TestDirCacheChanges checks that every change to a kept directory's
// names shows in the next listing, and that a change to a file (not to
// the directory) shows too, because sizes are never kept.
func TestDirCacheChanges(t *testing.T) {
	dir, r := cachingDir(t, 5)
	clock := later()
	c := testCache(3, 1<<17, time.Second, &clock)
	want := []string{"f000.txt", "f001.txt", "f002.txt", "f003.txt", "f004.txt"}
	if got := names(mustRead(t, r, ReadOptions{}, c)); !slices.Equal(got, want) {
		t.Fatalf("first listing: %q; want %q", got, want)
	}
	if len(c.dirs) != 1 {
		t.Fatalf("cache holds %d directories after the first listing; want 1", len(c.dirs))
	}

	// A file's new size: the directory does not change.
	if err := os.WriteFile(filepath.Join(dir, "f002.txt"), []byte("longer"), 0o644); err != nil {
		t.Fatal(err)
	}
	l := mustRead(t, r, ReadOptions{}, c)
	if e := l.Entries[2]; e.Name != "f002.txt" || e.Size != 6 {
		t.Errorf("after the write, entry 2 is %+v; want f002.txt of 6 bytes", e)
	}

	changes := []struct {
		what   string
		change func() error
		want   []string
	}{
		{"create", func() error { return os.WriteFile(filepath.Join(dir, "a.txt"), nil, 0o644) },
			[]string{"a.txt", "f000.txt", "f001.txt", "f002.txt", "f003.txt", "f004.txt"}},
		{"remove", func() error { return os.Remove(filepath.Join(dir, "f001.txt")) },
			[]string{"a.txt", "f000.txt", "f002.txt", "f003.txt", "f004.txt"}},
		{"rename", func() error { return os.Rename(filepath.Join(dir, "f003.txt"), filepath.Join(dir, "z.txt")) },
			[]string{"a.txt", "f000.txt", "f002.txt", "f004.txt", "z.txt"}},
		{"mkdir", func() error { return os.Mkdir(filepath.Join(dir, "sub"), 0o755) },
			[]string{"a.txt", "f000.txt", "f002.txt", "f004.txt", "sub", "z.txt"}},
	}
	for _, ch := range changes {
		if err := ch.change(); err != nil {
			t.Fatal(err)
		}
		// At once, within the margin: read from the directory, not kept.
		clock = time.Now()
		if got := names(mustRead(t, r, ReadOptions{}, c)); !slices.Equal(got, ch.want) {
			t.Errorf("right after %s: %q; want %q", ch.what, got, ch.want)
		}
		// Once the change is old enough to be kept, and again from the
		// cache.
		clock = later()
		for range 2 {
			if got := names(mustRead(t, r, ReadOptions{}, c)); !slices.Equal(got, ch.want) {
				t.Errorf("after %s: %q; want %q", ch.what, got, ch.want)
			}
		}
	}
	// Hidden names are filtered from the kept ones per listing.
	if err := os.WriteFile(filepath.Join(dir, ".env"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if got := names(mustRead(t, r, ReadOptions{}, c)); !slices.Contains(got, ".env") {
			t.Errorf("listing %q lacks .env", got)
		}
		if got := names(mustRead(t, r, ReadOptions{HideDotfiles: true}, c)); slices.Contains(got, ".env") {
			t.Errorf("listing with HideDotfiles %q shows .env", got)
		}
	}
}

// TestDirCacheKeeps checks which directories are kept: not one changed
// within the margin, not a small one, and no more entries than the bound.
func TestDirCacheKeeps(t *testing.T) {
	for _, tc := range []struct {
		name       string
		minEntries int
		margin     time.Duration
	}{
		{"changed within the margin", 3, 2 * time.Hour},
		{"under minEntries", 6, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, r := cachingDir(t, 5)
			clock := later()
			c := testCache(tc.minEntries, 1<<17, tc.margin, &clock)
			mustRead(t, r, ReadOptions{}, c)
			if len(c.dirs) != 0 {
				t.Error("the directory was kept")
			}
		})
	}
	t.Run("bound", func(t *testing.T) {
		_, r1 := cachingDir(t, 5)
		_, r2 := cachingDir(t, 5)
		_, r3 := cachingDir(t, 9)
		clock := later()
		c := testCache(3, 8, time.Second, &clock)
		mustRead(t, r1, ReadOptions{}, c)
		mustRead(t, r2, ReadOptions{}, c)
		if len(c.dirs) != 1 || c.entries != 5 {
			t.Errorf("two directories of 5 under a bound of 8: %d kept, %d entries; want 1, 5", len(c.dirs), c.entries)
		}
		if got := names(mustRead(t, r1, ReadOptions{}, c)); len(got) != 5 {
			t.Errorf("after eviction, listing %q; want 5 names", got)
		}
		mustRead(t, r3, ReadOptions{}, c)
		if c.entries > 8 {
			t.Errorf("cache holds %d entries; want at most 8", c.entries)
		}
	})
}

// BenchmarkReadOSRoot10k reads 10,000 real files through an os.Root,
// each entry stat'ed, with the names read from the directory and sorted
// ("getdents") and taken from a dirCache ("cached").
func BenchmarkReadOSRoot10k(b *testing.B) {
	dir := b.TempDir()
	for i := range 10000 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("entry-%05d.txt", i)), nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	for _, bc := range []struct {
		name string
		c    *dirCache
	}{{"getdents", nil}, {"cached", testCache(1024, 1<<17, time.Second, new(later()))}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := read(r.FS(), ".", ReadOptions{}, true, false, bc.c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
