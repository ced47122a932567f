package fileserver

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pyhttp/httpserver/internal/encoding"
)

func TestCompressOnce(t *testing.T) {
	dir := t.TempDir()
	writeSidecars(t, dir, "app.js", nil, 0)
	writeSidecars(t, dir, "side.js", []string{encoding.Brotli}, time.Second)
	big := bytes.Repeat(sidecarOriginal, compressMaxFileBytes/len(sidecarOriginal)+1)
	for name, data := range map[string][]byte{
		"big.txt":  big,
		"tiny.js":  []byte("let a = 1;\n"),
		"logo.png": bytes.Repeat([]byte("\x89PNG\r\n\x1a\n"), 1000),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h := New(os.DirFS(dir), Options{Compress: true, Precompressed: true, ErrorLog: discardLog})
	srv := httptest.NewServer(h)
	defer srv.Close()

	for _, tc := range []struct {
		path, accept, want string
		vary               bool
	}{
		{"/app.js", "br, gzip", "br", true},
		{"/app.js", "gzip, zstd;q=0.9", "gzip", true},
		{"/app.js", "zstd", "zstd", true},
		{"/app.js", "", "", true},
		{"/app.js", "deflate", "", true},
		{"/app.js", "br;q=0, gzip;q=0, zstd;q=0, identity;q=0", "406", true},
		{"/side.js", "br, zstd", "br", true},       // the sidecar
		{"/side.js", "zstd, br;q=0.5", "br", true}, // an accepted sidecar wins
		{"/side.js", "zstd, br;q=0", "zstd", true}, // compressed once
		{"/big.txt", "br", "", false},
		{"/tiny.js", "br", "", false},
		{"/logo.png", "br", "", false},
	} {
		r := fetchSidecar(t, srv, http.MethodGet, tc.path, "Accept-Encoding", tc.accept)
		what := "GET " + tc.path + " (Accept-Encoding " + strconv.Quote(tc.accept) + ")"
		if strings.Contains(r.vary, "Accept-Encoding") != tc.vary {
			t.Errorf("%s: Vary %q; want Accept-Encoding: %v", what, r.vary, tc.vary)
		}
		if tc.want == "406" {
			if r.status != http.StatusNotAcceptable {
				t.Errorf("%s: status %d; want 406", what, r.status)
			}
			continue
		}
		if r.status != http.StatusOK || r.coding != tc.want || r.contentLength != strconv.Itoa(len(r.body)) {
			t.Errorf("%s: status %d, Content-Encoding %q, Content-Length %q for %d bytes; want 200, %q", what, r.status, r.coding, r.contentLength, len(r.body), tc.want)
			continue
		}
		orig, _ := os.ReadFile(filepath.Join(dir, strings.TrimPrefix(tc.path, "/")))
		if !bytes.Equal(decode(t, r.coding, r.body), orig) {
			t.Errorf("%s: body does not decode to the file", what)
		}
		if tc.path == "/side.js" && tc.want == "br" {
			side, _ := os.ReadFile(filepath.Join(dir, "side.js.br"))
			if !bytes.Equal(r.body, side) {
				t.Errorf("%s: not the sidecar's bytes", what)
			}
		}
		if r.coding != "" {
			rng := fetchSidecar(t, srv, http.MethodGet, tc.path, "Accept-Encoding", tc.accept, "Range", "bytes=5-24")
			if rng.status != http.StatusPartialContent || !bytes.Equal(rng.body, r.body[5:25]) || rng.etag != r.etag ||
				rng.contentRange != "bytes 5-24/"+strconv.Itoa(len(r.body)) || !strings.Contains(rng.vary, "Accept-Encoding") {
				t.Errorf("%s Range: status %d, Content-Range %q, ETag %q; want 206, a slice of the compressed bytes, ETag %q", what, rng.status, rng.contentRange, rng.etag, r.etag)
			}
			nm := fetchSidecar(t, srv, http.MethodGet, tc.path, "Accept-Encoding", tc.accept, "If-None-Match", r.etag)
			if nm.status != http.StatusNotModified || !strings.Contains(nm.vary, "Accept-Encoding") {
				t.Errorf("%s If-None-Match %s: status %d, Vary %q; want 304 with Vary", what, r.etag, nm.status, nm.vary)
			}
		}
	}

	// Compressed once: the same bytes come from the store, and an edit
	// of the file is noticed by the stat that validates them.
	first := fetchSidecar(t, srv, http.MethodGet, "/app.js", "Accept-Encoding", "gzip")
	h.compressed.mu.Lock()
	made := h.compressed.made
	h.compressed.mu.Unlock()
	if again := fetchSidecar(t, srv, http.MethodGet, "/app.js", "Accept-Encoding", "gzip"); !bytes.Equal(again.body, first.body) {
		t.Errorf("GET /app.js twice: the gzip bodies differ")
	}
	h.compressed.mu.Lock()
	if h.compressed.made != made {
		t.Errorf("GET /app.js again compressed it again")
	}
	h.compressed.mu.Unlock()
	edited := append([]byte("// edited\n"), sidecarOriginal...)
	if err := os.WriteFile(filepath.Join(dir, "app.js"), edited, 0o644); err != nil {
		t.Fatal(err)
	}
	second := fetchSidecar(t, srv, http.MethodGet, "/app.js", "Accept-Encoding", "gzip")
	if !bytes.Equal(decode(t, second.coding, second.body), edited) || second.etag == first.etag {
		t.Errorf("after an edit: ETag %s (was %s), body of the old version: %v", second.etag, first.etag, !bytes.Equal(decode(t, second.coding, second.body), edited))
	}
}

// TestCompressOnceConcurrent: requests for a form being made wait for it
// instead of compressing the file again.
func TestCompressOnceConcurrent(t *testing.T) {
	dir := t.TempDir()
	writeSidecars(t, dir, "app.js", nil, 0)
	h := New(os.DirFS(dir), Options{Compress: true, ErrorLog: discardLog})
	const n = 8
	bodies := make(chan []byte, n)
	for range n {
		go func() {
			req := httptest.NewRequest(http.MethodGet, "/app.js", nil)
			req.Header.Set("Accept-Encoding", "br")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			bodies <- w.Body.Bytes()
		}()
	}
	first := <-bodies
	for range n - 1 {
		if b := <-bodies; !bytes.Equal(b, first) {
			t.Errorf("concurrent GETs got different bodies")
		}
	}
	if !bytes.Equal(decode(t, encoding.Brotli, first), sidecarOriginal) {
		t.Errorf("body does not decode to app.js")
	}
	h.compressed.mu.Lock()
	defer h.compressed.mu.Unlock()
	if h.compressed.made != 1 {
		t.Errorf("%d concurrent GETs compressed app.js %d times; want 1", n, h.compressed.made)
	}
}
