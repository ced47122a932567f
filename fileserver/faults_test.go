package fileserver

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

// Faults while serving: files and directories that change under the
// handler, disks that fail and clients that leave. Each must end in a
// clean error page or a cut connection, never a panic or a hang.

// faultBigSize is far over cacheMaxFileBytes, so the file is opened and
// sent per request (by sendfile on Linux), and far over what the loopback
// socket buffers hold, so that a fault lands while the body is in flight.
const faultBigSize = 64 << 20

// bigFile makes a sparse faultBigSize file in dir and serves dir over a
// real loopback connection. done receives once per finished request.
func bigFile(t *testing.T) (srv *httptest.Server, path string, done <-chan struct{}) {
	t.Helper()
	dir := t.TempDir()
	path = filepath.Join(dir, "big.bin")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(faultBigSize); err != nil {
		t.Fatal(err)
	}
	f.Close()
	os.WriteFile(filepath.Join(dir, "small.txt"), []byte("small"), 0o644)
	h := serveRoot(t, dir, Options{ErrorLog: discardLog})
	finished := make(chan struct{}, 16)
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { finished <- struct{}{} }()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, path, finished
}

// startDownload GETs path and reads the first 64 KiB of the body.
func startDownload(t *testing.T, srv *httptest.Server, path string) *http.Response {
	t.Helper()
	client := &http.Client{Timeout: 20 * time.Second}
	resp, err := client.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.ContentLength != faultBigSize {
		t.Fatalf("GET %s: %d, Content-Length %d", path, resp.StatusCode, resp.ContentLength)
	}
	if _, err := io.CopyN(io.Discard, resp.Body, 64<<10); err != nil {
		t.Fatal(err)
	}
	return resp
}

// waitDone waits for the handler to return.
func waitDone(t *testing.T, done <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: the handler has not returned after 10 s", what)
	}
}

// stillServes checks that the server answers a normal request.
func stillServes(t *testing.T, srv *httptest.Server, done <-chan struct{}) {
	t.Helper()
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(srv.URL + "/small.txt")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "small" {
		t.Errorf("afterwards: GET /small.txt = %d %q", resp.StatusCode, body)
	}
	waitDone(t, done, "GET /small.txt")
}

func TestFaultTruncatedWhileSent(t *testing.T) {
	srv, path, done := bigFile(t)
	resp := startDownload(t, srv, "/big.bin")
	if err := os.Truncate(path, 1<<20); err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	// The Content-Length promised 64 MiB; fewer bytes and a clean end
	// would pass a truncated file off as whole.
	if err == nil || n+64<<10 >= faultBigSize {
		t.Errorf("file truncated mid-download: read %d more bytes, err %v; want a cut connection", n, err)
	}
	waitDone(t, done, "truncated download")
	stillServes(t, srv, done)
}

func TestFaultDeletedWhileSent(t *testing.T) {
	srv, path, done := bigFile(t)
	resp := startDownload(t, srv, "/big.bin")
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	// On Unix the open file outlives its name: the download completes.
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || n+64<<10 != faultBigSize {
		t.Errorf("file deleted mid-download: read %d more bytes, err %v; want the rest of it", n, err)
	}
	waitDone(t, done, "deleted download")
	resp, err = http.Get(srv.URL + "/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("GET a deleted file: %d; want 404", resp.StatusCode)
	}
	waitDone(t, done, "GET a deleted file")
	stillServes(t, srv, done)
}

func TestFaultClientLeaves(t *testing.T) {
	srv, _, done := bigFile(t)
	for _, target := range []string{"/big.bin", "/big.bin?again"} {
		resp := startDownload(t, srv, target)
		resp.Body.Close() // mid-body: the transport closes the connection
		waitDone(t, done, "abandoned download "+target)
	}
	stillServes(t, srv, done)
}

// faultyFS is fault injection at the fs.FS seam: hooks run between the
// handler's stat and its open, or replace what a call returns.
type faultyFS struct {
	fs.FS
	beforeOpen func(name string) error // non-nil error: Open fails with it
	readDir    func(name string) ([]fs.DirEntry, error)
	wrap       func(fs.File) fs.File
}

func (f faultyFS) Open(name string) (fs.File, error) {
	if f.beforeOpen != nil {
		if err := f.beforeOpen(name); err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
	}
	file, err := f.FS.Open(name)
	if err == nil && f.wrap != nil {
		file = f.wrap(file)
	}
	return file, err
}

func (f faultyFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if f.readDir != nil {
		return f.readDir(name)
	}
	return fs.ReadDir(f.FS, name)
}

// brokenEntry is a directory entry whose file is gone by the time the
// listing asks for its details.
type brokenEntry struct{ fs.DirEntry }

func (brokenEntry) Info() (fs.FileInfo, error) { return nil, fs.ErrNotExist }

// eioAfter reads n bytes and then fails, as a failing disk does.
type eioAfter struct {
	fs.File
	n int64
}

func (e *eioAfter) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, syscall.EIO
	}
	if int64(len(p)) > e.n {
		p = p[:e.n]
	}
	n, err := e.File.Read(p)
	e.n -= int64(n)
	return n, err
}

func (e *eioAfter) Seek(off int64, whence int) (int64, error) {
	return e.File.(io.Seeker).Seek(off, whence)
}

func TestFaultsBetweenStatAndOpen(t *testing.T) {
	big := strings.Repeat("x", 256<<10)
	base := fstest.MapFS{
		"file.txt":  {Data: []byte("hello"), Mode: 0o644, ModTime: modtime},
		"big.bin":   {Data: []byte(big), Mode: 0o644, ModTime: modtime},
		"dir/a.txt": {Data: []byte("a"), Mode: 0o644, ModTime: modtime},
		"dir/b.txt": {Data: []byte("b"), Mode: 0o644, ModTime: modtime},
	}
	for _, tt := range []struct {
		name   string
		fsys   fs.FS
		target string
		code   int
		body   string // a substring of the body
		cut    bool   // the response must be cut short (read error)
	}{
		{
			name:   "permission revoked between stat and open",
			fsys:   faultyFS{FS: base, beforeOpen: func(string) error { return fs.ErrPermission }},
			target: "/file.txt", code: 403,
		},
		{
			name:   "file deleted between stat and open",
			fsys:   faultyFS{FS: base, beforeOpen: func(string) error { return fs.ErrNotExist }},
			target: "/file.txt", code: 404,
		},
		{
			name:   "directory removed while listed",
			fsys:   faultyFS{FS: base, readDir: func(string) ([]fs.DirEntry, error) { return nil, fs.ErrNotExist }},
			target: "/dir/", code: 404,
		},
		{
			name:   "directory made unreadable while listed",
			fsys:   faultyFS{FS: base, readDir: func(string) ([]fs.DirEntry, error) { return nil, fs.ErrPermission }},
			target: "/dir/", code: 403,
		},
		{
			name: "directory read fails part-way",
			fsys: faultyFS{FS: base, readDir: func(name string) ([]fs.DirEntry, error) {
				des, _ := fs.ReadDir(base, name)
				return des[:1], syscall.EIO
			}},
			target: "/dir/", code: 404,
		},
		{
			name: "entries deleted while listed",
			fsys: faultyFS{FS: base, readDir: func(name string) ([]fs.DirEntry, error) {
				des, err := fs.ReadDir(base, name)
				for i := range des {
					des[i] = brokenEntry{des[i]}
				}
				return des, err
			}},
			target: "/dir/", code: 200, body: "a.txt",
		},
		{
			name:   "disk fails in the middle of a large file",
			fsys:   faultyFS{FS: base, wrap: func(f fs.File) fs.File { return &eioAfter{File: f, n: 100 << 10} }},
			target: "/big.bin", code: 200, cut: true,
		},
		{
			name:   "disk fails at once on a small file",
			fsys:   faultyFS{FS: base, wrap: func(f fs.File) fs.File { return &eioAfter{File: f} }},
			target: "/file.txt", code: 500,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := New(tt.fsys, Options{ErrorLog: discardLog})
			srv := httptest.NewServer(h)
			defer srv.Close()
			resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(srv.URL + tt.target)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.code {
				t.Errorf("GET %s: %d; want %d", tt.target, resp.StatusCode, tt.code)
			}
			if tt.cut != (err != nil) {
				t.Errorf("GET %s: read error %v after %d bytes; want cut = %v", tt.target, err, len(body), tt.cut)
			}
			if !strings.Contains(string(body), tt.body) {
				t.Errorf("GET %s: body %.200q lacks %q", tt.target, body, tt.body)
			}
			if tt.code >= 400 && (strings.Contains(string(body), "EIO") || strings.Contains(string(body), "input/output") || strings.Contains(string(body), "permission denied")) {
				t.Errorf("GET %s: the error page shows the internal error: %q", tt.target, body)
			}
		})
	}
}

// TestFaultRaceStatOpen flips a real file between versions and types
// while it is requested, so that stat and open see different files.
func TestFaultRaceStatOpen(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "flip")
	h := serveRoot(t, dir, Options{ErrorLog: discardLog})
	stop := make(chan struct{})
	flipped := make(chan struct{})
	go func() {
		defer close(flipped)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			switch i % 4 {
			case 0:
				os.WriteFile(p+".tmp", []byte(strings.Repeat("a", 100)), 0o644)
				os.Rename(p+".tmp", p)
			case 1:
				os.Remove(p)
			case 2:
				os.Mkdir(p, 0o755)
			case 3:
				os.Remove(p)
			}
		}
	}()
	deadline := time.Now().Add(time.Second)
	for n := 0; n < 5000 && time.Now().Before(deadline); n++ {
		for _, target := range []string{"/flip", "/flip/"} {
			r := httptest.NewRequest("GET", target, nil)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			switch w.Code {
			case 200, 301, 404:
				// A file that stat saw and a directory replaced before
				// the read is 404, as it is gone.
			default:
				t.Fatalf("GET %s while it changes: %d; want 200, 301 or 404", target, w.Code)
			}
			if w.Code == 200 && strings.Contains(w.Body.String(), "aaa") && w.Body.Len() != 100 {
				t.Fatalf("GET %s while it changes: %d bytes of the file; want 100", target, w.Body.Len())
			}
		}
	}
	close(stop)
	<-flipped
}
