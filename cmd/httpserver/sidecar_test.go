package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pyhttp/httpserver/internal/browsertest"
	"github.com/pyhttp/httpserver/internal/encoding"
)

// sidecarSite is compressSite with app.js.br and app.js.gz next to
// app.js, made a second after it.
func sidecarSite(t *testing.T) (dir string, text []byte) {
	t.Helper()
	dir, text = compressSite(t)
	mtime := time.Now().Add(-time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "app.js"), mtime, mtime); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ coding, suffix string }{{encoding.Brotli, ".br"}, {encoding.Gzip, ".gz"}} {
		enc, err := encoding.Encode(c.coding, text)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "app.js"+c.suffix)
		if err := os.WriteFile(p, enc, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime.Add(time.Second), mtime.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	return dir, text
}

// TestPrecompressedCommand: the command serves sidecars by default, with
// or without --compress, and not with --no-precompressed.
func TestPrecompressedCommand(t *testing.T) {
	dir, text := sidecarSite(t)
	br, _ := os.ReadFile(filepath.Join(dir, "app.js.br"))
	for _, args := range [][]string{nil, {"--compress"}} {
		s := start(t, append([]string{"0", "-b", "127.0.0.1", "-d", dir, "--quiet"}, args...)...)
		resp, body := rawGet(t, "GET", s.base+"/app.js", "Accept-Encoding", "gzip, deflate, br, zstd")
		if resp.Header.Get("Content-Encoding") != "br" || !bytes.Equal(body, br) || resp.Header.Get("Content-Length") == "" || resp.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("%q: GET /app.js: Content-Encoding %q, Content-Length %q, Vary %q, %d bytes; want br, the sidecar's %d bytes, Accept-Encoding", args, resp.Header.Get("Content-Encoding"), resp.Header.Get("Content-Length"), resp.Header.Values("Vary"), len(body), len(br))
		}
		if got := unbrotli(t, body); !bytes.Equal(got, text) {
			t.Errorf("%q: GET /app.js: does not decode to app.js", args)
		}
		// middleware.Compress, with --compress, leaves the sidecar's
		// ETag as it is on a 304 too.
		etag := resp.Header.Get("Etag")
		nm, _ := rawGet(t, "GET", s.base+"/app.js", "Accept-Encoding", "gzip, deflate, br, zstd", "If-None-Match", etag)
		if nm.StatusCode != 304 || nm.Header.Get("Etag") != etag || nm.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("%q: If-None-Match %s: %d %v; want 304 with the same ETag and Vary", args, etag, nm.StatusCode, nm.Header)
		}
	}
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--quiet", "--no-precompressed")
	resp, body := rawGet(t, "GET", s.base+"/app.js", "Accept-Encoding", "gzip, br")
	if resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, text) {
		t.Errorf("--no-precompressed: GET /app.js: Content-Encoding %q; want the file itself", resp.Header.Get("Content-Encoding"))
	}
}

// TestPrecompressedCurl: curl --compressed decodes app.js from its
// sidecar.
func TestPrecompressedCurl(t *testing.T) {
	run := curlRunner(t)
	dir, text := sidecarSite(t)
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--quiet")
	headers := strings.ToLower(run("--compressed", "-o", os.DevNull, "-D", "-", s.base+"/app.js"))
	if !strings.Contains(headers, "content-encoding: br") && !strings.Contains(headers, "content-encoding: gzip") {
		t.Errorf("curl --compressed: no br or gzip Content-Encoding in\n%s", headers)
	}
	if got := run("--compressed", s.base+"/app.js"); got != string(text) {
		t.Errorf("curl --compressed /app.js: %d bytes that differ from the file's %d", len(got), len(text))
	}
}

// TestCompressOnce: with --compress, a text file of up to 1 MiB is
// compressed once and sent with Content-Length, and a Range is a slice of
// the same compressed bytes, under the same ETag.
func TestCompressOnce(t *testing.T) {
	dir, _ := compressSite(t)
	var b bytes.Buffer
	for i := 0; b.Len() < 64<<10; i++ {
		fmt.Fprintf(&b, "export const c%d = %d;\n", i, i*i)
	}
	text := b.Bytes()
	if err := os.WriteFile(filepath.Join(dir, "small.js"), text, 0o644); err != nil {
		t.Fatal(err)
	}
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--compress", "--quiet")
	resp, body := rawGet(t, "GET", s.base+"/small.js", "Accept-Encoding", "br, gzip")
	h := resp.Header
	if resp.StatusCode != 200 || h.Get("Content-Encoding") != "br" || h.Get("Content-Length") != strconv.Itoa(len(body)) || h.Get("Vary") != "Accept-Encoding" || !strings.HasSuffix(h.Get("Etag"), `-br"`) {
		t.Fatalf("GET /small.js: %d %v; want 200 br with Content-Length, Vary and a -br ETag", resp.StatusCode, h)
	}
	if got := unbrotli(t, body); !bytes.Equal(got, text) {
		t.Errorf("GET /small.js: does not decode to the file")
	}
	again, body2 := rawGet(t, "GET", s.base+"/small.js", "Accept-Encoding", "br, gzip", "Range", "bytes=100-199")
	want := fmt.Sprintf("bytes 100-199/%d", len(body))
	if again.StatusCode != 206 || again.Header.Get("Content-Range") != want || !bytes.Equal(body2, body[100:200]) || again.Header.Get("Etag") != h.Get("Etag") {
		t.Errorf("Range bytes=100-199: %d %v; want 206 %q, a slice of the compressed bytes, ETag %s", again.StatusCode, again.Header, want, h.Get("Etag"))
	}
	nm, _ := rawGet(t, "GET", s.base+"/small.js", "Accept-Encoding", "br, gzip", "If-None-Match", h.Get("Etag"))
	if nm.StatusCode != 304 || nm.Header.Get("Vary") != "Accept-Encoding" || nm.Header.Get("Etag") != h.Get("Etag") {
		t.Errorf("If-None-Match %s: %d %v; want 304 with Vary and the same ETag", h.Get("Etag"), nm.StatusCode, nm.Header)
	}
}

// TestBrowserPrecompressed: Chromium loads a page whose script has a .br
// sidecar, and runs the decoded sidecar. The sidecar's script differs
// from the file's in the title it sets, to tell which one ran.
func TestBrowserPrecompressed(t *testing.T) {
	bctx := browsertest.Start(t, 800, 600)
	dir := t.TempDir()
	script := func(title string) []byte {
		var b bytes.Buffer
		for i := range 2000 {
			fmt.Fprintf(&b, "var v%d = %d;\n", i, i)
		}
		fmt.Fprintf(&b, "document.title = %q + v1999;\n", title)
		return b.Bytes()
	}
	br, err := encoding.Encode(encoding.Brotli, script("sidecar "))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"index.html": []byte(`<!DOCTYPE html><html><head><title>not yet</title><script src="run.js"></script></head><body></body></html>`),
		"run.js":     script("original "),
		"run.js.br":  br,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(filepath.Join(dir, "run.js.br"), later, later); err != nil {
		t.Fatal(err)
	}
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--quiet")
	browsertest.Do(t, bctx, "open the page", chromedp.Navigate(s.base+"/"), chromedp.WaitReady(chromedp.CSS("body")))
	if title := browsertest.Run(t, bctx, "read the title", chromedp.Evaluate[string]("document.title")); title != "sidecar 1999" {
		t.Errorf("title = %q; want the decoded sidecar to have run", title)
	}
}
