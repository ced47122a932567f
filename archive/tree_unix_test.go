//go:build unix

package archive_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pyhttp/httpserver/access"
	"github.com/pyhttp/httpserver/archive"
	"github.com/pyhttp/httpserver/fileserver"
)

// hostileTree makes, in a new directory, a served root ("root") beside a
// directory outside it, and returns the root's path. It holds: plain
// files, a deflatable and a stored type, a nested directory, a symlink
// to a file and one to a directory inside the root, symlinks to a file
// and to a directory outside it, a symlink loop, a dangling link, a
// FIFO, dotfiles, a name that is not UTF-8, names to hide and deny.
func hostileTree(t *testing.T) string {
	t.Helper()
	top := t.TempDir()
	root := filepath.Join(top, "root")
	out := filepath.Join(top, "outside")
	for _, d := range []string{root, out, root + "/docs/deep", root + "/.git", root + "/secret", root + "/node_modules/x"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		"a.txt":                   "hello\n",
		"docs/readme.md":          strings.Repeat("# docs\n", 500),
		"docs/deep/photo.jpg":     "\xff\xd8\xff not really a jpeg",
		"docs/deep/empty":         "",
		".env":                    "TOKEN=1\n",
		".git/config":             "[core]\n",
		"secret/key.pem":          "-----BEGIN-----\n",
		"server.key":              "private\n",
		"node_modules/x/index.js": "module.exports = 1\n",
		"caf\xe9.txt":             "latin-1 name\n",
		"été/ÇA.txt":              "utf-8 name\n",
		strings.Repeat("n", 120):  "long name\n",
		"docs/" + strings.Repeat("d", 90) + "/" + strings.Repeat("f", 90) + ".txt": "long path\n",
	}
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(out, "passwd"), []byte("root:x:0:0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"link.txt":      "a.txt",
		"docs-link":     "docs",
		"out-file":      "../outside/passwd",
		"out-dir":       "../outside",
		"abs-out":       out,
		"docs/deep/up":  "../..",
		"dangling":      "nowhere",
		"docs/loop-dir": ".",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(root, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

// wantTree is what an archive of hostileTree's root holds with dotfiles
// denied, server.key and secret denied, node_modules hidden: each file's
// content by name, "/" for a directory. The symlinked directory
// docs-link is followed; the loops (docs/deep/up, docs/loop-dir) and
// everything leading out are not.
func wantTree() map[string]string {
	long := "docs/" + strings.Repeat("d", 90)
	return map[string]string{
		"a.txt":                  "hello\n",
		"link.txt":               "hello\n",
		"caf\xe9.txt":            "latin-1 name\n",
		"été/":                   "/",
		"été/ÇA.txt":             "utf-8 name\n",
		strings.Repeat("n", 120): "long name\n",
		"docs/":                  "/",
		"docs/readme.md":         strings.Repeat("# docs\n", 500),
		"docs/deep/":             "/",
		"docs/deep/photo.jpg":    "\xff\xd8\xff not really a jpeg",
		"docs/deep/empty":        "",
		long + "/":               "/",
		long + "/" + strings.Repeat("f", 90) + ".txt": "long path\n",
		"docs-link/":                                 "/",
		"docs-link/readme.md":                        strings.Repeat("# docs\n", 500),
		"docs-link/deep/":                            "/",
		"docs-link/deep/photo.jpg":                   "\xff\xd8\xff not really a jpeg",
		"docs-link/deep/empty":                       "",
		"docs-link/" + strings.Repeat("d", 90) + "/": "/",
		"docs-link/" + strings.Repeat("d", 90) + "/" + strings.Repeat("f", 90) + ".txt": "long path\n",
	}
}

func hostilePolicy(t *testing.T) *access.Policy {
	t.Helper()
	p, err := access.New(access.Options{Hide: []string{"node_modules"}, Deny: []string{"secret", "*.key"}, DenyDotfiles: true})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// serveTree serves root with archives and search on, behind p.
func serveTree(t *testing.T, root string, p *access.Policy, opts fileserver.Options) *httptest.Server {
	t.Helper()
	r, err := os.OpenRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	opts.Access, opts.Archives, opts.Search = p, true, true
	srv := httptest.NewServer(fileserver.New(fileserver.RootFS(r), opts))
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string) ([]byte, *http.Response, error) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return b, res, err
}

// readZip returns the entries of a zip archive, as wantTree spells them.
func readZip(t *testing.T, b []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("zip.NewReader: %v", err)
	}
	got := map[string]string{}
	for _, f := range zr.File {
		checkEntryName(t, f.Name)
		if f.FileInfo().IsDir() {
			got[f.Name] = "/"
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("open %q: %v", f.Name, err)
		}
		c, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("read %q: %v", f.Name, err)
		}
		got[f.Name] = string(c)
	}
	return got
}

// readTar returns the entries of a tar archive, as wantTree spells them.
func readTar(t *testing.T, r io.Reader) map[string]string {
	t.Helper()
	tr := tar.NewReader(r)
	got := map[string]string{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatalf("tar: %v", err)
		}
		checkEntryName(t, h.Name)
		if h.Typeflag == tar.TypeDir {
			got[h.Name] = "/"
			continue
		}
		if h.Typeflag != tar.TypeReg {
			t.Errorf("%q: type %c; want a regular file or a directory", h.Name, h.Typeflag)
		}
		c, err := io.ReadAll(tr)
		if err != nil {
			t.Fatalf("read %q: %v", h.Name, err)
		}
		got[h.Name] = string(c)
	}
}

// checkEntryName fails for a name that is absolute, has a ".." or "."
// element or a backslash.
func checkEntryName(t *testing.T, name string) {
	t.Helper()
	n := strings.TrimSuffix(name, "/")
	if n == "" || strings.HasPrefix(n, "/") || strings.Contains(n, `\`) || slices.Contains(strings.Split(n, "/"), "..") || slices.Contains(strings.Split(n, "/"), ".") {
		t.Errorf("entry name %q is not relative, clean and /-separated", name)
	}
}

func diffTree(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			t.Errorf("%s: missing %q", what, name)
		case g != w:
			t.Errorf("%s: %q holds %q; want %q", what, name, trunc(g), trunc(w))
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: unexpected entry %q", what, name)
		}
	}
}

func trunc(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// TestArchiveMatchesListing downloads hostileTree as zip, tar and tar.gz,
// reads each with Go's readers and with Debian's unzip and tar, and
// compares it with wantTree and with the listings of the same tree.
func TestArchiveMatchesListing(t *testing.T) {
	root := hostileTree(t)
	p := hostilePolicy(t)
	srv := serveTree(t, root, p, fileserver.Options{})
	want := wantTree()
	for _, f := range []string{"zip", "tar", "tar.gz"} {
		t.Run(f, func(t *testing.T) {
			b, res, err := get(t, srv.URL+"/?download="+f)
			if err != nil || res.StatusCode != 200 {
				t.Fatalf("GET ?download=%s: %d, %v", f, res.StatusCode, err)
			}
			checkArchiveHeaders(t, res, "root."+f)
			var got map[string]string
			switch f {
			case "zip":
				got = readZip(t, b)
			case "tar":
				got = readTar(t, bytes.NewReader(b))
			case "tar.gz":
				zr, err := gzip.NewReader(bytes.NewReader(b))
				if err != nil {
					t.Fatal(err)
				}
				got = readTar(t, zr)
			}
			diffTree(t, f, got, want)
			compareWithListings(t, srv, got)
			debianReads(t, f, b, true)
		})
	}
}

func checkArchiveHeaders(t *testing.T, res *http.Response, name string) {
	t.Helper()
	h := res.Header
	if cd := h.Get("Content-Disposition"); !strings.Contains(cd, `filename="`+name+`"`) || !strings.Contains(cd, "filename*=UTF-8''"+name) {
		t.Errorf("Content-Disposition = %q; want attachment for %s", cd, name)
	}
	if res.ContentLength != -1 || h.Get("Content-Length") != "" || h.Get("Accept-Ranges") != "" || h.Get("ETag") != "" {
		t.Errorf("Content-Length %d, Accept-Ranges %q, ETag %q; want none", res.ContentLength, h.Get("Accept-Ranges"), h.Get("ETag"))
	}
	if cc := h.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q; want no-store", cc)
	}
}

// compareWithListings checks that each directory of an archive holds
// exactly what the JSON listing of that directory, served by srv, shows,
// but for what cannot be archived: a FIFO, and links that loop back up.
func compareWithListings(t *testing.T, srv *httptest.Server, got map[string]string) {
	t.Helper()
	dirs := []string{""}
	for name, v := range got {
		if v == "/" {
			dirs = append(dirs, name)
		}
	}
	for _, dir := range dirs {
		b, res, err := get(t, srv.URL+"/"+(&url.URL{Path: dir}).EscapedPath()+"?format=json")
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("listing of %q: %d %v", dir, res.StatusCode, err)
		}
		var l struct{ Entries []struct{ URL string } }
		if err := json.Unmarshal(b, &l); err != nil {
			t.Fatal(err)
		}
		var listed []string
		for _, e := range l.Entries {
			n, err := url.PathUnescape(e.URL)
			if err != nil {
				t.Fatal(err)
			}
			if n != "fifo" && n != "up/" && n != "loop-dir/" {
				listed = append(listed, n)
			}
		}
		var inArchive []string
		for name := range got {
			if rel, ok := strings.CutPrefix(name, dir); ok && rel != "" && !strings.Contains(strings.TrimSuffix(rel, "/"), "/") {
				inArchive = append(inArchive, rel)
			}
		}
		slices.Sort(listed)
		slices.Sort(inArchive)
		if !slices.Equal(listed, inArchive) {
			t.Errorf("directory %q: listing shows %q; archive holds %q", dir, listed, inArchive)
		}
	}
}

// debianReads runs unzip -t or tar -t on an archive and reports whether
// they found it complete, as complete says it must (or must not) be.
func debianReads(t *testing.T, format string, b []byte, complete bool) {
	t.Helper()
	tool, args := "tar", []string{"-tvf", "-"}
	switch format {
	case "zip":
		tool, args = "unzip", []string{"-t"}
	case "tar.gz":
		args = []string{"-tzvf", "-"}
	}
	if _, err := exec.LookPath(tool); err != nil {
		t.Logf("%s is not installed; skipping its check (apt-get install unzip)", tool)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var cmd *exec.Cmd
	if format == "zip" {
		p := filepath.Join(t.TempDir(), "a.zip")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd = exec.CommandContext(ctx, tool, append(args, p)...)
	} else {
		cmd = exec.CommandContext(ctx, tool, args...)
		cmd.Stdin = bytes.NewReader(b)
	}
	out, err := cmd.CombinedOutput()
	if complete && err != nil {
		t.Errorf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, out)
	}
	if !complete && err == nil {
		t.Errorf("%s %s took a cut archive for complete:\n%s", tool, strings.Join(args, " "), out)
	}
}

// TestArchiveCapsCut checks that an archive that reaches a cap is cut:
// the client gets an error, and unzip and tar call what arrived
// incomplete.
func TestArchiveCapsCut(t *testing.T) {
	root := hostileTree(t)
	p := hostilePolicy(t)
	for _, c := range []struct {
		name string
		opts archive.Options
	}{
		{"entries", archive.Options{MaxEntries: 5}},
		{"bytes", archive.Options{MaxBytes: 100}},
		{"depth", archive.Options{MaxDepth: 1}},
	} {
		srv := serveTree(t, root, p, fileserver.Options{ArchiveOptions: c.opts, ErrorLog: discardLog()})
		for _, f := range []string{"zip", "tar", "tar.gz"} {
			b, res, err := get(t, srv.URL+"/?download="+f)
			if res.StatusCode != 200 || err == nil {
				t.Errorf("%s, %s: status %d, read error %v; want 200 and a cut body", c.name, f, res.StatusCode, err)
			}
			debianReads(t, f, b, false)
			if f == "zip" {
				if _, err := zip.NewReader(bytes.NewReader(b), int64(len(b))); err == nil {
					t.Errorf("%s: zip.NewReader took a cut zip for complete", c.name)
				}
			}
		}
	}
}

// TestArchiveHostileRequests covers what a client may ask wrongly.
func TestArchiveHostileRequests(t *testing.T) {
	root := hostileTree(t)
	srv := serveTree(t, root, hostilePolicy(t), fileserver.Options{})
	for _, c := range []struct {
		method, path string
		code         int
	}{
		{"GET", "/a.txt?download=zip", 400},
		{"GET", "/a.txt?download=bogus", 400},
		{"GET", "/?download=rar", 400},
		{"GET", "/?download=", 400},
		{"GET", "/?download=ZIP", 400},
		{"GET", "/secret/?download=zip", 404},
		{"GET", "/.git/?download=zip", 404},
		{"GET", "/out-dir/?download=zip", 404},
		{"GET", "/nothing/?download=zip", 404},
		{"GET", "/docs/deep/up/?download=zip", 200}, // the root, by another name: fine
		{"HEAD", "/?download=tar", 200},
	} {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
		req.Header.Set("Range", "bytes=0-10")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != c.code {
			t.Errorf("%s %s: status = %d; want %d", c.method, c.path, res.StatusCode, c.code)
		}
		if c.method == "HEAD" && (len(b) != 0 || res.Header.Get("Content-Disposition") == "") {
			t.Errorf("HEAD %s: %d bytes, Content-Disposition %q", c.path, len(b), res.Header.Get("Content-Disposition"))
		}
	}
}

// TestArchiveLargeFile archives a sparse file over 4 GiB: zip64 in the
// zip, a size over USTAR's octal digits in neither, and both readers
// agree.
func TestArchiveLargeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 8 GiB; skipped in -short mode")
	}
	root := t.TempDir()
	const size = 4<<30 + 1
	p := filepath.Join(root, "big.mp4") // a stored type: no deflate of 4 GiB of zeros
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.Truncate(p, size); err != nil {
		t.Skipf("the file system refuses a sparse file of 4 GiB: %v", err)
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	fsys := fileserver.RootFS(r)
	// The zip goes to a file, sparse where it is zeros; the tar straight
	// into tar -t. Neither writes 4 GiB to the disk. Each reads 4 GiB
	// twice, so they run side by side.
	t.Run("zip", func(t *testing.T) {
		t.Parallel()
		largeZip(t, fsys, size)
	})
	t.Run("tar", func(t *testing.T) {
		t.Parallel()
		largeTar(t, fsys)
	})
}

func largeZip(t *testing.T, fsys fs.FS, size uint64) {
	tmp := filepath.Join(t.TempDir(), "big.zip")
	out, err := os.Create(tmp)
	if err != nil {
		t.Fatal(err)
	}
	err = archive.Write(t.Context(), &sparseWriter{f: out}, fsys, ".", archive.Zip, archive.Options{})
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("zip: %v", err)
	}
	zr, err := zip.OpenReader(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 1 || zr.File[0].UncompressedSize64 != size || zr.File[0].Method != zip.Store {
		t.Errorf("zip: %d entries, first %d bytes method %d; want 1 of %d stored", len(zr.File), zr.File[0].UncompressedSize64, zr.File[0].Method, size)
	}
	zr.Close()
	if _, err := exec.LookPath("unzip"); err == nil {
		if out, err := exec.Command("unzip", "-t", tmp).CombinedOutput(); err != nil {
			t.Errorf("unzip -t: %v\n%s", err, out)
		}
	}
}

func largeTar(t *testing.T, fsys fs.FS) {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(archive.Write(t.Context(), pw, fsys, ".", archive.Tar, archive.Options{})) }()
	cmd := exec.Command("tar", "-tvf", "-")
	cmd.Stdin = pr
	tout, err := cmd.CombinedOutput()
	pr.Close()
	if err != nil || !strings.Contains(string(tout), "4294967297") {
		t.Errorf("tar -tvf: %v\n%s", err, tout)
	}
}

// sparseWriter writes to f, seeking over runs of zeros instead of
// writing them.
type sparseWriter struct {
	f   *os.File
	end int64 // the size f must have
	pos int64
}

func (s *sparseWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), 4096)
		blk := p[:k]
		if bytes.Count(blk, []byte{0}) == k {
			s.pos += int64(k)
		} else {
			if _, err := s.f.WriteAt(blk, s.pos); err != nil {
				return 0, err
			}
			s.pos += int64(k)
		}
		p = p[k:]
	}
	if s.pos > s.end {
		s.end = s.pos
		if err := s.f.Truncate(s.end); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// TestArchiveClientGoes checks that a client that goes after 1 MiB stops
// the walk at once and leaves no goroutine behind.
func TestArchiveClientGoes(t *testing.T) {
	root := t.TempDir()
	// Content that does not compress, so that 1 MiB of any format is
	// 1 MiB read, not a GiB of deflated zeros.
	chunk := make([]byte, 8<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range chunk {
		chunk[i] = byte(rng.Uint32())
	}
	for i := range 4 {
		if err := os.WriteFile(filepath.Join(root, fmt.Sprintf("f%d.bin", i)), chunk, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	done := make(chan struct{}, 8)
	fh := fileserver.New(fileserver.RootFS(r), fileserver.Options{Archives: true, ErrorLog: discardLog()})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		defer func() { done <- struct{}{} }()
		fh.ServeHTTP(w, req)
	}))
	defer srv.Close()
	before := runtime.NumGoroutine()
	for _, f := range []string{"zip", "tar", "tar.gz"} {
		res, err := http.Get(srv.URL + "/?download=" + f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.CopyN(io.Discard, res.Body, 1<<20); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		start := time.Now()
		res.Body.Close() // a short read: the transport closes the connection
		select {
		case <-done:
			t.Logf("%s: the handler returned %v after the client went", f, time.Since(start))
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: the handler still runs 10 s after the client went", f)
		}
	}
	http.DefaultClient.CloseIdleConnections()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines after, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

// TestArchiveConcurrencyCap checks the 503 beyond MaxArchives.
func TestArchiveConcurrencyCap(t *testing.T) {
	root := t.TempDir()
	p := filepath.Join(root, "big.bin")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.Truncate(p, 1<<30); err != nil {
		t.Skip(err)
	}
	srv := serveTree(t, root, nil, fileserver.Options{MaxArchives: 1, ErrorLog: discardLog()})
	first, err := http.Get(srv.URL + "/?download=tar")
	if err != nil {
		t.Fatal(err)
	}
	defer first.Body.Close() // unread: the first archive stays under way
	res, err := http.Get(srv.URL + "/?download=zip")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Errorf("second archive: status %d, Retry-After %q; want 503 with Retry-After", res.StatusCode, res.Header.Get("Retry-After"))
	}
	// HEAD walks nothing, and so takes no slot.
	res, err = http.Head(srv.URL + "/?download=zip")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("HEAD while an archive is under way: %d; want 200", res.StatusCode)
	}
}

// TestWriteDirErrors checks Write's errors for a directory it cannot read.
func TestWriteDirErrors(t *testing.T) {
	root := hostileTree(t)
	r, err := os.OpenRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, dir := range []string{"a.txt", "nothing", "out-dir", "fifo"} {
		var b bytes.Buffer
		err := archive.Write(t.Context(), &b, fileserver.RootFS(r), dir, archive.Zip, archive.Options{})
		if err == nil || b.Len() != 0 {
			t.Errorf("Write(%q) = %v with %d bytes; want an error before any byte", dir, err, b.Len())
		}
	}
	var le *archive.LimitError
	err = archive.Write(t.Context(), io.Discard, fileserver.RootFS(r), ".", archive.Tar, archive.Options{MaxEntries: 1})
	if !errors.As(err, &le) || le.What != "entries" {
		t.Errorf("Write with MaxEntries 1 = %v; want a LimitError for entries", err)
	}
}
