package fileserver

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestTLSFromMemory: over TLS a medium file is sent from memory, kept
// per version, and a change on disk is seen by the next request: an edit
// of the same size, a replacement by rename, a removal. Ranges and
// conditional requests still apply.
func TestTLSFromMemory(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "m.txt")
	write := func(b byte, mtime time.Time) []byte {
		t.Helper()
		data := bytes.Repeat([]byte{b}, 64<<10)
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(name, mtime, mtime); err != nil {
			t.Fatal(err)
		}
		return data
	}
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	want := write('a', t0)
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	h := New(RootFS(root), Options{})
	srv := httptest.NewTLSServer(h)
	defer srv.Close()
	client := srv.Client()
	get := func(hdr ...string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+"/m.txt", nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, b
	}
	check := func(step string, want []byte) {
		t.Helper()
		for range 2 { // the first request reads the file, the second is served from memory
			resp, b := get()
			if resp.StatusCode != 200 || !bytes.Equal(b, want) || resp.Header.Get("Content-Length") != "65536" {
				t.Fatalf("%s: %d, %d bytes starting %q; want 200 and the file", step, resp.StatusCode, len(b), b[:min(len(b), 4)])
			}
		}
	}
	check("first", want)
	if n := h.compressed.made; n != 1 {
		t.Errorf("the file was read into memory %d times; want once per version", n)
	}
	if resp, b := get("Range", "bytes=10-19"); resp.StatusCode != 206 || string(b) != "aaaaaaaaaa" {
		t.Errorf("Range over TLS: %d %q", resp.StatusCode, b)
	}
	resp, _ := get()
	if resp2, _ := get("If-None-Match", resp.Header.Get("Etag")); resp2.StatusCode != 304 {
		t.Errorf("If-None-Match over TLS: %d; want 304", resp2.StatusCode)
	}

	check("edited in place, same size", write('b', t0.Add(time.Second)))

	tmp := filepath.Join(dir, "tmp")
	data := bytes.Repeat([]byte{'c'}, 64<<10)
	os.WriteFile(tmp, data, 0o644)
	os.Chtimes(tmp, t0.Add(2*time.Second), t0.Add(2*time.Second))
	if err := os.Rename(tmp, name); err != nil {
		t.Fatal(err)
	}
	check("replaced by rename", data)

	os.Remove(name)
	if resp, _ := get(); resp.StatusCode != 404 {
		t.Errorf("removed: %d; want 404", resp.StatusCode)
	}
}
