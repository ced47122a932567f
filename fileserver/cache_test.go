package fileserver

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestCacheNeverStale edits files behind the handler's back in every way
// an editor or a deploy does, and checks each change shows at once.
func TestCacheNeverStale(t *testing.T) {
	for _, watch := range []bool{false, true} {
		t.Run(fmt.Sprintf("WatchFiles=%v", watch), func(t *testing.T) { testCacheNeverStale(t, watch) })
	}
}

func testCacheNeverStale(t *testing.T, watch bool) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.txt")
	large := filepath.Join(dir, "large.bin")
	write := func(p string, data []byte) {
		t.Helper()
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(small, []byte("aaaa"))
	write(large, bytes.Repeat([]byte("x"), cacheMaxFileBytes+1))
	h := serveRoot(t, dir, Options{WatchFiles: watch})
	body := func(target string) string {
		t.Helper()
		got := do(t, h, "GET", target)
		if got.code != 200 {
			t.Fatalf("GET %s: %d", target, got.code)
		}
		return got.body
	}

	if got := body("/small.txt"); got != "aaaa" {
		t.Fatalf("first GET = %q", got)
	}
	first, _ := os.Stat(small)

	// Same size, and the modification time put back: only the inode's
	// change time tells (Linux).
	write(small, []byte("bbbb"))
	os.Chtimes(small, first.ModTime(), first.ModTime())
	if runtime.GOOS == "linux" {
		if got := body("/small.txt"); got != "bbbb" {
			t.Errorf("after a same-size edit with the mtime restored: %q; want bbbb", got)
		}
	}

	// An editor's save: write a new file and rename it over the old one.
	tmp := filepath.Join(dir, ".small.txt.swp")
	write(tmp, []byte("cccc"))
	os.Chtimes(tmp, first.ModTime(), first.ModTime())
	if err := os.Rename(tmp, small); err != nil {
		t.Fatal(err)
	}
	if got := body("/small.txt"); got != "cccc" {
		t.Errorf("after a rename over the file: %q; want cccc", got)
	}

	// A plain edit.
	write(small, []byte("longer now"))
	if got := body("/small.txt"); got != "longer now" {
		t.Errorf("after an edit: %q", got)
	}

	// A large file: only its metadata is kept; its bytes are read each time.
	if got := body("/large.bin"); len(got) != cacheMaxFileBytes+1 {
		t.Fatalf("large file: %d bytes", len(got))
	}
	write(large, bytes.Repeat([]byte("y"), cacheMaxFileBytes+1))
	if got := body("/large.bin"); got[0] != 'y' {
		t.Errorf("large file after an edit starts with %q; want y", got[0])
	}

	// A file that disappears is 404 at once.
	os.Remove(small)
	if got := do(t, h, "GET", "/small.txt"); got.code != 404 {
		t.Errorf("after removal: %d; want 404", got.code)
	}
}

// changingFile reports a different version after it is read, as a file
// being written to would.
type changingFile struct {
	fs.File
	after fs.FileInfo
}

func (c changingFile) Stat() (fs.FileInfo, error) { return c.after, nil }

func TestReadSmallUnstable(t *testing.T) {
	fsys := fstest.MapFS{
		"f":     {Data: []byte("abc"), ModTime: modtime},
		"later": {Data: []byte("abcdef"), ModTime: modtime.Add(time.Second)},
	}
	info, _ := fs.Stat(fsys, "f")
	later, _ := fs.Stat(fsys, "later")
	f, _ := fsys.Open("f")
	defer f.Close()
	content, stable, err := readSmall(changingFile{f, later}, info)
	if err != nil || stable || string(content) != "abc" {
		t.Errorf("readSmall of a changing file = %q, %v, %v; want abc, unstable", content, stable, err)
	}
	g, _ := fsys.Open("later")
	defer g.Close()
	// The file grew past the size its stat gave: served as read, not kept.
	if content, stable, _ := readSmall(g, info); stable || string(content) != "abcd" {
		t.Errorf("readSmall of a grown file = %q, %v; want abcd (size+1), unstable", content, stable)
	}
}

func TestCacheBounds(t *testing.T) {
	c := newFileCache()
	big := make([]byte, cacheMaxFileBytes)
	n := cacheMaxBytes/cacheMaxFileBytes + 10
	for i := range n {
		c.put(string(rune('a'+i%26))+string(rune(i)), &cachedFile{content: big})
		if c.bytes > cacheMaxBytes {
			t.Fatalf("after %d puts the cache holds %d bytes; limit %d", i+1, c.bytes, cacheMaxBytes)
		}
	}
	for i := range cacheMaxEntries + 5 {
		c.put(string(rune(i)), &cachedFile{})
		if len(c.entries) > cacheMaxEntries {
			t.Fatalf("%d entries; limit %d", len(c.entries), cacheMaxEntries)
		}
	}
	// Replacing an entry does not count its bytes twice.
	c = newFileCache()
	c.put("x", &cachedFile{content: big})
	c.put("x", &cachedFile{content: big})
	if c.bytes != int64(len(big)) {
		t.Errorf("after replacing an entry: %d bytes; want %d", c.bytes, len(big))
	}
}

// TestCachedBodyIsPrivate checks that a response cannot corrupt what the
// next request is served: each gets its own reader and header values.
func TestCachedBodyIsPrivate(t *testing.T) {
	h := New(testFS(), Options{})
	first := do(t, h, "GET", "/hello.txt")
	first.header["Content-Type"][0] = "tampered"
	if second := do(t, h, "GET", "/hello.txt"); second.header.Get("Content-Type") != "text/plain; charset=utf-8" || second.body != first.body {
		t.Errorf("second response: %q %q", second.header.Get("Content-Type"), second.body)
	}
	r := do(t, h, "GET", "/data.bin", "Range", "bytes=3-5")
	if r.body != "345" {
		t.Errorf("range from the cached bytes = %q", r.body)
	}
	if full := do(t, h, "GET", "/data.bin"); full.body != "0123456789abcdefghijklmnopqrstuvwxyz" {
		t.Errorf("whole file after a range = %q", full.body)
	}
}

// TestMemoryWriterReadFrom checks the one-Write path of bytes in memory:
// a limited read from the middle writes exactly that slice and moves the
// reader on; any other reader is copied as io.Copy would.
func TestMemoryWriterReadFrom(t *testing.T) {
	m := newMemReader([]byte("0123456789"))
	if _, err := m.Seek(2, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	lr := &io.LimitedReader{R: m, N: 5}
	n, err := memoryWriter{rec}.ReadFrom(lr)
	if n != 5 || err != nil || rec.Body.String() != "23456" || lr.N != 0 || m.Len() != 3 {
		t.Errorf("ReadFrom(5 bytes from 2) = %d, %v; body %q, N %d, left %d; want 5, nil, \"23456\", 0, 3",
			n, err, rec.Body.String(), lr.N, m.Len())
	}
	lr = &io.LimitedReader{R: m, N: 100} // more than is left
	if n, err := (memoryWriter{rec}).ReadFrom(lr); n != 3 || err != nil || rec.Body.String() != "23456789" {
		t.Errorf("ReadFrom(the rest) = %d, %v; body %q; want 3, nil, \"23456789\"", n, err, rec.Body.String())
	}
	rec = httptest.NewRecorder()
	if n, err := (memoryWriter{rec}).ReadFrom(strings.NewReader("other")); n != 5 || err != nil || rec.Body.String() != "other" {
		t.Errorf("ReadFrom(strings.Reader) = %d, %v; body %q; want 5, nil, \"other\"", n, err, rec.Body.String())
	}
}
