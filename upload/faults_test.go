package upload

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestCreateOnlyRace sends many uploads of one new name at once, in
// create-only mode: exactly one wins (201), every other gets 409, and
// the file holds exactly the winner's bytes, never a mix or a part.
func TestCreateOnlyRace(t *testing.T) {
	dir := t.TempDir()
	h := New(openRoot(t, dir), Options{AllowUpload: true, ErrorLog: discard()})
	const n = 16
	bodies := make([][]byte, n)
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		bodies[i] = bytes.Repeat([]byte{byte('a' + i)}, 1<<20)
		wg.Go(func() {
			// The name is taken only once a whole body is in: start
			// them all before any is complete.
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("PUT", "/race.bin", iotestSlow(bodies[i])))
			codes[i] = w.Code
		})
	}
	wg.Wait()
	winner := -1
	for i, c := range codes {
		switch {
		case c == 201 && winner < 0:
			winner = i
		case c == 201:
			t.Errorf("uploads %d and %d both got 201", winner, i)
		case c != 409:
			t.Errorf("upload %d: status = %d; want 201 or 409", i, c)
		}
	}
	if winner < 0 {
		t.Fatal("no upload won")
	}
	checkTree(t, "after the race", dir, tree{"race.bin": "file:" + string(bodies[winner])})
}

// iotestSlow returns a reader of b that yields it in 64 KiB pieces with a
// scheduler yield between them, so that concurrent uploads interleave.
func iotestSlow(b []byte) io.Reader {
	return &slowReader{b: b}
}

type slowReader struct{ b []byte }

func (r *slowReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	runtime.Gosched()
	n := copy(p[:min(len(p), 64<<10)], r.b)
	r.b = r.b[n:]
	return n, nil
}

// TestKeepBothRace uploads one name through forms at once: every file is
// kept, each under its own name.
func TestKeepBothRace(t *testing.T) {
	dir := t.TempDir()
	h := New(openRoot(t, dir), Options{AllowUpload: true, ErrorLog: discard()})
	const n = 8
	var wg sync.WaitGroup
	want := tree{}
	for i := range n {
		content := strings.Repeat(fmt.Sprint(i), 1000)
		name := "f.txt"
		if i > 0 {
			name = fmt.Sprintf("f (%d).txt", i)
		}
		want[name] = "" // any content; checked below
		wg.Go(func() {
			body, ctype := multipartBody([2]string{"f.txt", content})
			r := httptest.NewRequest("POST", "/", body)
			r.Header.Set("Content-Type", ctype)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != 303 {
				t.Errorf("upload %d: status = %d", i, w.Code)
			}
		})
	}
	wg.Wait()
	got := snapshot(t, dir)
	seen := map[string]bool{}
	for name := range want {
		c, ok := got[name]
		if !ok {
			t.Errorf("missing %s", name)
			continue
		}
		seen[c] = true
	}
	if len(got) != n || len(seen) != n {
		t.Errorf("tree = %v; want %d files with distinct contents", got, n)
	}
}

// TestOverLimit sends bodies over MaxBytes: 413, nothing on disk, and the
// old file intact, whether the size was declared or the body chunked.
func TestOverLimit(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.txt": "old"})
	before := snapshot(t, dir)
	h := New(openRoot(t, dir), Options{AllowUpload: true, Overwrite: true, MaxBytes: 1000, ErrorLog: discard()})
	big := strings.Repeat("x", 1001)
	for _, tc := range []struct {
		name   string
		r      *http.Request
		length int64
	}{
		{"declared", httptest.NewRequest("PUT", "/a.txt", strings.NewReader(big)), 1001},
		{"chunked", httptest.NewRequest("PUT", "/a.txt", io.MultiReader(strings.NewReader(big))), -1},
		{"new name", httptest.NewRequest("PUT", "/b.txt", io.MultiReader(strings.NewReader(big))), -1},
	} {
		tc.r.ContentLength = tc.length
		w := httptest.NewRecorder()
		h.ServeHTTP(w, tc.r)
		if w.Code != 413 {
			t.Errorf("%s: status = %d; want 413", tc.name, w.Code)
		}
		checkTree(t, tc.name, dir, before)
	}
	body, ctype := multipartBody([2]string{"ok.txt", "ok"}, [2]string{"a.txt", big})
	r := httptest.NewRequest("POST", "/", body)
	r.Header.Set("Content-Type", ctype)
	r.ContentLength = -1 // streamed: the first file is stored before the limit is met
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 413 {
		t.Errorf("multipart: status = %d; want 413", w.Code)
	}
	checkTree(t, "multipart", dir, before.with(tree{"ok.txt": "file:ok"}))
}

// TestExpectContinue checks over a real connection that a PUT declaring
// a body over the limit is refused before the body is sent.
func TestExpectContinue(t *testing.T) {
	dir := t.TempDir()
	srv := httptest.NewServer(New(openRoot(t, dir), Options{AllowUpload: true, MaxBytes: 1 << 20, ErrorLog: discard()}))
	defer srv.Close()
	conn, err := net.DialTimeout("tcp", srv.Listener.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "PUT /big.bin HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", 2<<20)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 413 {
		t.Errorf("status = %d; want 413 before the body (not 100)", resp.StatusCode)
	}
	checkTree(t, "after 413", dir, tree{})
}

// TestDisconnect cuts a PUT and a form upload off mid-body: the temporary
// file is removed and nothing is published.
func TestDisconnect(t *testing.T) {
	for _, form := range []bool{false, true} {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{"a.txt": "old"})
		var log logBuffer
		srv := httptest.NewServer(New(openRoot(t, dir), Options{AllowUpload: true, Overwrite: true, ErrorLog: log.logger()}))
		conn, err := net.DialTimeout("tcp", srv.Listener.Addr().String(), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		head := "PUT /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 10485760\r\n\r\n"
		if form {
			head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: 10485760\r\n\r\n" +
				"--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\n"
		}
		io.WriteString(conn, head)
		conn.Write(bytes.Repeat([]byte("y"), 1<<20))
		// Wait until the temporary file exists, so the cut is mid-upload.
		waitFor(t, "the temporary file", func() bool {
			m, _ := filepath.Glob(filepath.Join(dir, ".upload-*"))
			return len(m) == 1
		})
		conn.Close()
		waitFor(t, "the error to be logged", func() bool { return strings.Contains(log.String(), "cannot serve request") })
		srv.Close()
		checkTree(t, fmt.Sprintf("form %v", form), dir, tree{"a.txt": "file:old"})
	}
}

// TestDiskFull fills a small tmpfs: 507, the temporary file removed and
// the old file intact. It needs root and mount(8); otherwise it uses a
// failing writer through the same copy.
func TestDiskFull(t *testing.T) {
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("needs root on Linux to mount a small tmpfs")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	writeFiles(t, dir, map[string]string{"a.txt": "old", "sub/": ""})
	before := snapshot(t, dir)
	h := New(openRoot(t, dir), Options{AllowUpload: true, Overwrite: true, ErrorLog: discard()})
	big := bytes.Repeat([]byte("z"), 2<<20)
	for _, target := range []string{"/a.txt", "/sub/new.bin"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("PUT", target, bytes.NewReader(big)))
		if w.Code != http.StatusInsufficientStorage {
			t.Errorf("PUT %s: status = %d; want 507", target, w.Code)
		}
		checkTree(t, "PUT "+target, dir, before)
	}
	body, ctype := multipartBody([2]string{"f.bin", string(big)})
	r := httptest.NewRequest("POST", "/sub/", body)
	r.Header.Set("Content-Type", ctype)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusInsufficientStorage {
		t.Errorf("POST: status = %d; want 507", w.Code)
	}
	checkTree(t, "POST", dir, before)
}

// TestConcurrentUploads sends 50 uploads of 10 MiB at once over real
// connections; every file arrives byte for byte.
func TestConcurrentUploads(t *testing.T) {
	n, size := 50, 10<<20
	if testing.Short() {
		n, size = 10, 1<<20
	}
	dir := t.TempDir()
	srv := httptest.NewServer(New(openRoot(t, dir), Options{AllowUpload: true, ErrorLog: discard()}))
	defer srv.Close()
	client := &http.Client{Timeout: 2 * time.Minute}
	bodies := make([][]byte, n)
	for i := range n {
		bodies[i] = make([]byte, size)
		rand.Read(bodies[i])
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			req, _ := http.NewRequest("PUT", fmt.Sprintf("%s/f%02d.bin", srv.URL, i), bytes.NewReader(bodies[i]))
			resp, err := client.Do(req)
			if err != nil {
				t.Errorf("upload %d: %v", i, err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 201 {
				t.Errorf("upload %d: status = %d", i, resp.StatusCode)
			}
		})
	}
	wg.Wait()
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != n {
		t.Fatalf("%d entries (%v); want %d", len(entries), err, n)
	}
	for i := range n {
		got, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("f%02d.bin", i)))
		if err != nil || sha256.Sum256(got) != sha256.Sum256(bodies[i]) {
			t.Errorf("f%02d.bin differs from what was sent (%d bytes, %v)", i, len(got), err)
		}
	}
}
