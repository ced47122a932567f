package fileserver

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// watchedHandler serves dir with WatchFiles and returns the handler with
// its stat cache, failing when the cache could not be made (TMPDIR not on
// a local file system).
func watchedHandler(t *testing.T, dir string, opts Options) (*Handler, *statCache) {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	opts.WatchFiles = true
	opts.ErrorLog = discardLog
	h := New(RootFS(root), opts)
	if h.stats == nil {
		t.Skip("TMPDIR is not on a file system that inotify fully reports")
	}
	return h, h.stats
}

func (c *statCache) kept(name string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.entries[name]
	return ok
}

// TestWatchSeesEveryChange makes each change below behind the handler's
// back, right after a request that left the names involved in the stat
// cache, and checks the very next request sees it.
func TestWatchSeesEveryChange(t *testing.T) {
	type step struct {
		change       func(t *testing.T, dir string)
		target       string
		code         int
		body         string // the whole body, for a 200
		kept, forgot []string
	}
	link := func(target, name string) func(*testing.T, string) {
		return func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, name))
			if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tt := range []struct {
		name  string
		setup map[string]string
		first string // the request that fills the cache
		steps []step
	}{
		{"edit", map[string]string{"a/b/c.txt": "one"}, "/a/b/c.txt", []step{
			{func(t *testing.T, d string) { writeFile(t, d+"/a/b/c.txt", "two") }, "/a/b/c.txt", 200, "two", []string{"a/b/c.txt"}, nil},
			{func(t *testing.T, d string) { writeFile(t, d+"/a/b/c.txt", "three!") }, "/a/b/c.txt", 200, "three!", nil, nil},
		}},
		{"same size, mtime put back", map[string]string{"f.txt": "aaaa"}, "/f.txt", []step{
			{func(t *testing.T, d string) {
				st, _ := os.Stat(d + "/f.txt")
				writeFile(t, d+"/f.txt", "bbbb")
				os.Chtimes(d+"/f.txt", st.ModTime(), st.ModTime())
			}, "/f.txt", 200, "bbbb", nil, nil},
		}},
		{"rename over", map[string]string{"site/app.js": "old"}, "/site/app.js", []step{
			{func(t *testing.T, d string) {
				writeFile(t, d+"/site/.app.js.tmp", "new")
				if err := os.Rename(d+"/site/.app.js.tmp", d+"/site/app.js"); err != nil {
					t.Fatal(err)
				}
			}, "/site/app.js", 200, "new", nil, nil},
		}},
		{"delete, then create again", map[string]string{"d/x": "x"}, "/d/x", []step{
			{func(t *testing.T, d string) { os.Remove(d + "/d/x") }, "/d/x", 404, "", []string{"d/x"}, nil},
			{func(t *testing.T, d string) { writeFile(t, d+"/d/x", "back") }, "/d/x", 200, "back", nil, nil},
		}},
		{"index file added to a listed directory", map[string]string{"blog/post.txt": "p"}, "/blog/", []step{
			{func(t *testing.T, d string) { writeFile(t, d+"/blog/index.html", "<p>home") }, "/blog/", 200, "<p>home", nil, nil},
			{func(t *testing.T, d string) { os.Remove(d + "/blog/index.html") }, "/blog/", 200, "", nil, nil},
		}},
		{"directory renamed", map[string]string{"v1/lib/x.js": "x"}, "/v1/lib/x.js", []step{
			{func(t *testing.T, d string) {
				if err := os.Rename(d+"/v1", d+"/v2"); err != nil {
					t.Fatal(err)
				}
			}, "/v1/lib/x.js", 404, "", nil, nil},
			{nil, "/v2/lib/x.js", 200, "x", nil, nil},
			{func(t *testing.T, d string) {
				if err := os.Rename(d+"/v2", d+"/v1"); err != nil {
					t.Fatal(err)
				}
			}, "/v1/lib/x.js", 200, "x", nil, nil},
		}},
		{"directory replaced by a symlink", map[string]string{"cur/a.txt": "one", "other/a.txt": "two"}, "/cur/a.txt", []step{
			{func(t *testing.T, d string) {
				os.RemoveAll(d + "/cur")
				link("other", "cur")(t, d)
			}, "/cur/a.txt", 200, "two", nil, nil},
		}},
		{"symlink retargeted", map[string]string{"one.txt": "one", "two.txt": "two"}, "/one.txt", []step{
			{link("one.txt", "cur.txt"), "/cur.txt", 200, "one", nil, []string{"cur.txt"}},
			{link("two.txt", "cur.txt"), "/cur.txt", 200, "two", nil, nil},
			{func(t *testing.T, d string) { writeFile(t, d+"/two.txt", "two, edited") }, "/cur.txt", 200, "two, edited", nil, nil},
		}},
		{"hard link edited by its other name", map[string]string{"pub/f.txt": "one", "elsewhere/.keep": ""}, "/pub/f.txt", []step{
			{func(t *testing.T, d string) {
				if err := os.Link(d+"/pub/f.txt", d+"/elsewhere/g.txt"); err != nil {
					t.Fatal(err)
				}
			}, "/pub/f.txt", 200, "one", []string{"pub/f.txt"}, nil},
			{func(t *testing.T, d string) {
				f, err := os.OpenFile(d+"/elsewhere/g.txt", os.O_WRONLY|os.O_TRUNC, 0)
				if err != nil {
					t.Fatal(err)
				}
				f.WriteString("two")
				f.Close()
			}, "/pub/f.txt", 200, "two", []string{"pub/f.txt"}, nil},
			{nil, "/elsewhere/g.txt", 200, "two", nil, []string{"elsewhere/g.txt"}}, // one name per file
		}},
		{"permissions", map[string]string{"p/f.txt": "one"}, "/p/f.txt", []step{
			{func(t *testing.T, d string) { os.Chmod(d+"/p/f.txt", 0o600) }, "/p/f.txt", 200, "one", nil, nil},
			{func(t *testing.T, d string) { os.Chmod(d+"/p", 0o700) }, "/p/f.txt", 200, "one", nil, nil},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, data := range tt.setup {
				writeFile(t, filepath.Join(dir, name), data)
			}
			h, c := watchedHandler(t, dir, Options{})
			if got := do(t, h, "GET", tt.first); got.code != 200 {
				t.Fatalf("GET %s: %d", tt.first, got.code)
			}
			for i, s := range tt.steps {
				do(t, h, "GET", s.target) // the names of this step are kept
				if s.change != nil {
					s.change(t, dir)
				}
				got := do(t, h, "GET", s.target)
				if got.code != s.code || s.code == 200 && s.body != "" && got.body != s.body {
					t.Errorf("step %d: GET %s = %d %q; want %d %q", i, s.target, got.code, got.body, s.code, s.body)
				}
				for _, name := range s.kept {
					if !c.kept(name) {
						t.Errorf("step %d: %s is not kept", i, name)
					}
				}
				for _, name := range s.forgot {
					if c.kept(name) {
						t.Errorf("step %d: %s is kept; it must be stat'ed every time", i, name)
					}
				}
			}
		})
	}
}

// TestWatchOverflow fills the kernel's event queue past its limit
// between two requests, with a change to the served file among the lost
// events: the next request must see the change.
func TestWatchOverflow(t *testing.T) {
	max := 16384
	if b, err := os.ReadFile("/proc/sys/fs/inotify/max_queued_events"); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			max = n
		}
	}
	if max > 1<<17 {
		t.Skipf("max_queued_events is %d: too many files to make", max)
	}
	dir := t.TempDir()
	writeFile(t, dir+"/many/f.txt", "one")
	h, c := watchedHandler(t, dir, Options{})
	if got := do(t, h, "GET", "/many/f.txt"); got.body != "one" || !c.kept("many/f.txt") {
		t.Fatalf("first GET: %q, kept %v", got.body, c.kept("many/f.txt"))
	}
	writeFile(t, dir+"/many/f.txt", "two")
	for i := range max + 16 { // one IN_CREATE each, none merged
		f, err := os.Create(filepath.Join(dir, "many", strconv.Itoa(i)))
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	before := c.resets()
	if got := do(t, h, "GET", "/many/f.txt"); got.body != "two" {
		t.Errorf("after an overflow: %q; want two", got.body)
	}
	if c.resets() == before {
		t.Error("the overflow did not reset the cache")
	}
	// And it goes on working: kept again, and changes seen.
	do(t, h, "GET", "/many/f.txt")
	writeFile(t, dir+"/many/f.txt", "three")
	if got := do(t, h, "GET", "/many/f.txt"); got.body != "three" || !c.kept("many/f.txt") {
		t.Errorf("after the reset: %q, kept %v", got.body, c.kept("many/f.txt"))
	}
}

func (c *statCache) resets() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.forgotten
}

// TestWatchConcurrentWriter rewrites a file, by write and by rename,
// while clients read it: every response is one whole version, and once
// the writer is done, every client sees the last version.
func TestWatchConcurrentWriter(t *testing.T) {
	dir := t.TempDir()
	version := func(i int) string { return fmt.Sprintf("version %04d %s", i, strings.Repeat("x", i%50)) }
	writeFile(t, dir+"/w/f.txt", version(0))
	h, _ := watchedHandler(t, dir, Options{})
	const versions = 300
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 1; i <= versions; i++ {
			if i%2 == 0 {
				writeFile(t, dir+"/w/f.txt", version(i))
			} else {
				writeFile(t, dir+"/w/.tmp", version(i))
				os.Rename(dir+"/w/.tmp", dir+"/w/f.txt")
			}
		}
	}()
	var wg sync.WaitGroup
	deadline := time.Now().Add(10 * time.Second)
	for range 4 {
		wg.Go(func() {
			for n := 0; n < 5000 && time.Now().Before(deadline); n++ {
				select {
				case <-done:
					return
				default:
				}
				got := do(t, h, "GET", "/w/f.txt")
				if got.code != 200 {
					continue // between a truncate and a write: any status but a torn body
				}
				// A read racing a write may see part of it, with or
				// without the cache; the length must match the body.
				if got.header.Get("Content-Length") != strconv.Itoa(len(got.body)) || !strings.HasPrefix(got.body, "version ") && !strings.HasPrefix("version ", got.body) {
					t.Errorf("torn response: %q (Content-Length %s)", got.body, got.header.Get("Content-Length"))
					return
				}
			}
		})
	}
	<-done
	wg.Wait()
	for range 4 {
		if got := do(t, h, "GET", "/w/f.txt"); got.body != version(versions) {
			t.Fatalf("after the writer: %q; want %q", got.body, version(versions))
		}
	}
}

// TestWatchKeepsStats: with nothing changing, the names a request looks
// at are answered from memory: the file, a directory's index file, the
// missing sidecars, a missing name.
func TestWatchKeepsStats(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir+"/site/index.html", "<p>hi")
	writeFile(t, dir+"/site/app.js", strings.Repeat("js ", 100))
	h, c := watchedHandler(t, dir, Options{Precompressed: true})
	for _, target := range []string{"/site/", "/site/app.js", "/site/missing.png"} {
		do(t, h, "GET", target, "Accept-Encoding", "br, gzip")
		do(t, h, "GET", target, "Accept-Encoding", "br, gzip")
	}
	for _, name := range []string{"site", "site/index.html", "site/app.js", "site/app.js.br", "site/app.js.gz", "site/missing.png"} {
		if !c.kept(name) {
			t.Errorf("%s is not kept", name)
		}
	}
	if got := do(t, h, "GET", "/site/missing.png"); got.code != http.StatusNotFound {
		t.Errorf("a kept missing name: %d", got.code)
	}
}

// TestWatchOnlyRootFS: only a RootFS is watched; any other FS is stat'ed
// per request, as without the option.
func TestWatchOnlyRootFS(t *testing.T) {
	if h := New(os.DirFS(t.TempDir()), Options{WatchFiles: true}); h.stats != nil {
		t.Error("os.DirFS got a stat cache")
	}
	if h := New(testFS(), Options{WatchFiles: true}); h.stats != nil {
		t.Error("a MapFS got a stat cache")
	}
}

// TestWatchListing: a listing's entries come from the stat cache once
// kept, and every change to them shows in the next listing: a file
// edited (size and time), added, removed, renamed, edited through a
// hard link, and a subdirectory's contents changed.
func TestWatchListing(t *testing.T) {
	dir := t.TempDir()
	for i := range 20 {
		writeFile(t, fmt.Sprintf("%s/big/f%02d.txt", dir, i), strings.Repeat("x", i))
	}
	writeFile(t, dir+"/big/sub/inner.txt", "in")
	writeFile(t, dir+"/elsewhere/.keep", "")
	h, c := watchedHandler(t, dir, Options{})
	type entry struct {
		Name  string    `json:"name"`
		Size  int64     `json:"size"`
		MTime time.Time `json:"mod_time"`
	}
	list := func() map[string]entry {
		t.Helper()
		got := do(t, h, "GET", "/big/?format=json")
		if got.code != 200 {
			t.Fatalf("listing: %d", got.code)
		}
		var l struct {
			Entries []entry `json:"entries"`
		}
		if err := json.Unmarshal([]byte(got.body), &l); err != nil {
			t.Fatalf("%v in %s", err, got.body)
		}
		m := make(map[string]entry)
		for _, e := range l.Entries {
			m[e.Name] = e
		}
		return m
	}
	list()
	if l := list(); len(l) != 21 || !c.kept("big/f05.txt") {
		t.Fatalf("listed %d entries, f05 kept %v", len(l), c.kept("big/f05.txt"))
	}
	writeFile(t, dir+"/big/f05.txt", "longer than before")
	if l := list(); l["f05.txt"].Size != 18 {
		t.Errorf("after an edit: f05.txt is %d bytes; want 18", l["f05.txt"].Size)
	}
	old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	os.Chtimes(dir+"/big/f06.txt", old, old)
	if l := list(); !l["f06.txt"].MTime.Equal(old) {
		t.Errorf("after a touch: f06.txt's time is %v; want %v", l["f06.txt"].MTime, old)
	}
	writeFile(t, dir+"/big/new.txt", "n")
	os.Remove(dir + "/big/f07.txt")
	os.Rename(dir+"/big/f08.txt", dir+"/big/g08.txt")
	l := list()
	if _, ok := l["new.txt"]; !ok {
		t.Error("a new file is not listed")
	}
	if _, ok := l["f07.txt"]; ok {
		t.Error("a removed file is listed")
	}
	if _, ok := l["f08.txt"]; ok || l["g08.txt"].Size != 8 {
		t.Errorf("after a rename: f08 listed %v, g08 %+v", ok, l["g08.txt"])
	}
	if err := os.Link(dir+"/big/f09.txt", dir+"/elsewhere/h.txt"); err != nil {
		t.Fatal(err)
	}
	list()
	writeFile(t, dir+"/elsewhere/h.txt", "written through the other name")
	if l := list(); l["f09.txt"].Size != 30 {
		t.Errorf("after an edit through a hard link: f09.txt is %d bytes; want 30", l["f09.txt"].Size)
	}
	os.Chtimes(dir+"/big/sub", old, old)
	if l := list(); !l["sub"].MTime.Equal(old) {
		t.Errorf("a subdirectory's time is %v; want %v", l["sub"].MTime, old)
	}
	list()
	if !c.kept("big/sub") {
		t.Error("a listed subdirectory is not kept")
	}
	// A name added inside the subdirectory changes its time, which only
	// its own watch reports.
	writeFile(t, dir+"/big/sub/added.txt", "a")
	if l := list(); l["sub"].MTime.Equal(old) {
		t.Error("after a file was added to a subdirectory, its listed time is unchanged")
	}
}

// TestWatchSidecarAdded: with WatchFiles, a sidecar made after the file
// was served is served to the next request, not a second later.
func TestWatchSidecarAdded(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir+"/app.js", strings.Repeat("js ", 100))
	h, _ := watchedHandler(t, dir, Options{Precompressed: true})
	if got := do(t, h, "GET", "/app.js", "Accept-Encoding", "gzip"); got.header.Get("Content-Encoding") != "" {
		t.Fatalf("before the sidecar: Content-Encoding %q", got.header.Get("Content-Encoding"))
	}
	writeFile(t, dir+"/app.js.gz", "gz")
	if got := do(t, h, "GET", "/app.js", "Accept-Encoding", "gzip"); got.header.Get("Content-Encoding") != "gzip" || got.body != "gz" {
		t.Errorf("after the sidecar: Content-Encoding %q, body %q", got.header.Get("Content-Encoding"), got.body)
	}
	os.Remove(dir + "/app.js.gz")
	if got := do(t, h, "GET", "/app.js", "Accept-Encoding", "gzip"); got.header.Get("Content-Encoding") != "" {
		t.Errorf("after the sidecar's removal: Content-Encoding %q", got.header.Get("Content-Encoding"))
	}
}

// FuzzStatCacheEvents feeds apply arbitrary bytes as if read from the
// inotify descriptor: event names are file names anyone who can write to
// the tree chooses. It must not panic, and may only forget.
func FuzzStatCacheEvents(f *testing.F) {
	ev := func(wd int32, mask uint32, name string) []byte {
		n := (len(name) + 1 + 15) &^ 15
		b := make([]byte, unix.SizeofInotifyEvent+n)
		binary.NativeEndian.PutUint32(b[0:], uint32(wd))
		binary.NativeEndian.PutUint32(b[4:], mask)
		binary.NativeEndian.PutUint32(b[12:], uint32(n))
		copy(b[unix.SizeofInotifyEvent:], name)
		return b
	}
	f.Add(ev(1, unix.IN_MODIFY, "f.txt"))
	f.Add(append(ev(2, unix.IN_CREATE, "../x"), ev(3, unix.IN_IGNORED, "")...))
	f.Add(ev(-1, unix.IN_Q_OVERFLOW, ""))
	f.Add(ev(1, unix.IN_MOVED_FROM|unix.IN_ISDIR, "sub"))
	f.Add([]byte{1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255})
	f.Fuzz(func(t *testing.T, b []byte) {
		c := &statCache{ino: &inotifyFD{fd: -1}}
		c.forget()
		c.dirs["."], c.wds[1] = 1, watched{name: "."}
		c.dirs["sub"], c.wds[2] = 2, watched{name: "sub"}
		c.wds[3] = watched{name: "sub/f.txt", file: true}
		for _, name := range []string{".", "f.txt", "sub", "sub/f.txt", "sub/g"} {
			c.entries[name] = statResult{}
		}
		gen := c.gen
		c.apply(b)
		if len(c.entries) > 5 || len(b) >= unix.SizeofInotifyEvent && c.gen == gen {
			t.Errorf("after %x: %d entries, gen %d -> %d", b, len(c.entries), gen, c.gen)
		}
	})
}
