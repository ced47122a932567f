package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/chromedp/chromedp"
	"github.com/klauspost/compress/zstd"

	"github.com/pyhttp/httpserver/internal/browsertest"
)

// compressSite is a directory with a text file large enough to compress,
// and over the 1 MiB up to which fileserver compresses files once (so
// that on-the-fly compression is what these tests see), an image and a
// CGI script that prints 8 KiB of text.
func compressSite(t *testing.T) (dir string, text []byte) {
	t.Helper()
	dir = site(t)
	var b bytes.Buffer
	for i := 0; b.Len() < 1<<20+64<<10; i++ {
		fmt.Fprintf(&b, "export function f%d(a) { return a + %d; }\n", i, i)
	}
	text = b.Bytes()
	for name, data := range map[string][]byte{
		"app.js":           text,
		"logo.png":         bytes.Repeat([]byte("\x89PNG\r\n\x1a\n"), 1000),
		"cgi-bin/lines.sh": []byte("#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\ni=0\nwhile [ $i -lt 400 ]; do echo \"line $i of a CGI script\"; i=$((i+1)); done\n"),
	} {
		mode := os.FileMode(0o644)
		if strings.HasSuffix(name, ".sh") {
			mode = 0o755
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, mode); err != nil {
			t.Fatal(err)
		}
	}
	return dir, text
}

// rawGet is get without the client's transparent gzip: the test sees
// the bytes on the wire.
func rawGet(t *testing.T, method, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableCompression: true}}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func unzstd(t *testing.T, b []byte) []byte {
	t.Helper()
	d, err := zstd.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	out, err := io.ReadAll(d)
	if err != nil {
		t.Fatalf("decoding zstd: %v", err)
	}
	return out
}

func unbrotli(t *testing.T, b []byte) []byte {
	t.Helper()
	out, err := io.ReadAll(brotli.NewReader(bytes.NewReader(b)))
	if err != nil {
		t.Fatalf("decoding br: %v", err)
	}
	return out
}

// TestCompressOption: with --compress, files, listings and CGI output
// are compressed for a client that asks, with the headers right; without
// it, nothing is.
func TestCompressOption(t *testing.T) {
	dir, text := compressSite(t)
	const browser = "gzip, deflate, br, zstd"

	plain := start(t, "0", "-b", "127.0.0.1", "-d", dir)
	if resp, body := rawGet(t, "GET", plain.base+"/app.js", "Accept-Encoding", browser); resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, text) {
		t.Errorf("without --compress: Content-Encoding %q; want none", resp.Header.Get("Content-Encoding"))
	}

	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--compress", "--cgi", "--log-format", "common")
	resp, body := rawGet(t, "GET", s.base+"/app.js", "Accept-Encoding", browser)
	etag := resp.Header.Get("ETag")
	// A browser's Accept-Encoding is a tie, which zstd wins when streaming.
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "zstd" || resp.Header.Get("Vary") != "Accept-Encoding" ||
		resp.Header.Get("Content-Length") != "" || !strings.HasSuffix(etag, `-zstd"`) || resp.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Errorf("GET /app.js: %d %v; want 200 zstd with Vary, a -zstd ETag and no Content-Length", resp.StatusCode, resp.Header)
	}
	if !bytes.Equal(unzstd(t, body), text) || len(body) >= len(text)/2 {
		t.Errorf("GET /app.js: %d compressed bytes do not decode to the %d of the file", len(body), len(text))
	}

	// The same file as it is: another ETag, and ranges.
	resp, body = rawGet(t, "GET", s.base+"/app.js")
	if resp.Header.Get("Content-Encoding") != "" || resp.Header.Get("ETag") == etag || resp.Header.Get("Vary") != "Accept-Encoding" || !bytes.Equal(body, text) {
		t.Errorf("GET /app.js without Accept-Encoding: %v; want the file with its own ETag and Vary", resp.Header)
	}
	resp, body = rawGet(t, "GET", s.base+"/app.js", "Accept-Encoding", browser, "Range", "bytes=100-199")
	if resp.StatusCode != 206 || resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, text[100:200]) {
		t.Errorf("Range: %d %v; want 206 of the identity bytes", resp.StatusCode, resp.Header)
	}

	// Revalidation with the encoded tag.
	resp, _ = rawGet(t, "GET", s.base+"/app.js", "Accept-Encoding", browser, "If-None-Match", etag)
	if resp.StatusCode != 304 || resp.Header.Get("ETag") != etag || resp.Header.Get("Vary") != "Accept-Encoding" {
		t.Errorf("If-None-Match %s: %d %v; want 304 with that ETag and Vary", etag, resp.StatusCode, resp.Header)
	}

	// HEAD: the GET's headers.
	resp, body = rawGet(t, "HEAD", s.base+"/app.js", "Accept-Encoding", browser)
	if resp.Header.Get("Content-Encoding") != "zstd" || resp.Header.Get("ETag") != etag || len(body) != 0 {
		t.Errorf("HEAD /app.js: %v; want the GET's headers", resp.Header)
	}

	// An image goes out as it is.
	resp, _ = rawGet(t, "GET", s.base+"/logo.png", "Accept-Encoding", browser)
	if resp.Header.Get("Content-Encoding") != "" || resp.Header.Get("Content-Length") != "8000" {
		t.Errorf("GET /logo.png: %v; want it as it is", resp.Header)
	}

	// A listing and CGI output are compressed too (br: no zstd offered).
	for _, path := range []string{"/", "/cgi-bin/lines.sh"} {
		resp, body = rawGet(t, "GET", s.base+path, "Accept-Encoding", "gzip, deflate, br")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "br" {
			t.Errorf("GET %s: %d, Content-Encoding %q; want 200 br", path, resp.StatusCode, resp.Header.Get("Content-Encoding"))
			continue
		}
		if got := unbrotli(t, body); !bytes.Contains(got, []byte("app.js")) && !bytes.Contains(got, []byte("line 399 of a CGI script")) {
			t.Errorf("GET %s: decoded %.100q", path, got)
		}
	}

	// 406 when nothing acceptable.
	if resp, _ = rawGet(t, "GET", s.base+"/app.js", "Accept-Encoding", "identity;q=0, deflate"); resp.StatusCode != 406 {
		t.Errorf("Accept-Encoding identity;q=0, deflate: %d; want 406", resp.StatusCode)
	}

	// The access log counts the bytes sent.
	resp, body = rawGet(t, "GET", s.base+"/app.js?log", "Accept-Encoding", "gzip")
	s.stop()
	if want := fmt.Sprintf(`"GET /app.js?log HTTP/1.1" 200 %d`, len(body)); resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(s.stderr.String(), want) {
		t.Errorf("access log %q; want %q", s.stderr.String(), want)
	}
}

// curlRunner returns a function that runs curl with args and returns
// its output, or skips t when there is no curl.
func curlRunner(t *testing.T) func(args ...string) string {
	t.Helper()
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("no curl")
	}
	return func(args ...string) string {
		t.Helper()
		out, err := exec.Command(curl, append([]string{"-sS", "--max-time", "10"}, args...)...).Output()
		if err != nil {
			t.Fatalf("curl %q: %v", args, err)
		}
		return string(out)
	}
}

// TestCompressCurl: curl --compressed decodes a listing and a text file
// from the command, and curl -C - resumes a download, which its Range
// keeps uncompressed.
func TestCompressCurl(t *testing.T) {
	run := curlRunner(t)
	dir, text := compressSite(t)
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--compress", "--quiet")
	headers := run("--compressed", "-o", os.DevNull, "-D", "-", s.base+"/app.js")
	if !strings.Contains(strings.ToLower(headers), "content-encoding: ") {
		t.Errorf("curl --compressed: no Content-Encoding in\n%s", headers)
	}
	if got := run("--compressed", s.base+"/app.js"); got != string(text) {
		t.Errorf("curl --compressed /app.js: %d bytes that differ from the file's %d", len(got), len(text))
	}
	if got := run("--compressed", s.base+"/"); !strings.Contains(got, `href="app.js"`) {
		t.Errorf("curl --compressed /: %.200q; want the listing", got)
	}

	// Half a download, then curl -C - fetches the rest.
	out := filepath.Join(t.TempDir(), "app.js")
	if err := os.WriteFile(out, text[:len(text)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	run("--compressed", "-C", "-", "-o", out, s.base+"/app.js")
	if got, _ := os.ReadFile(out); !bytes.Equal(got, text) {
		t.Errorf("curl -C - resumed to %d bytes that differ from the file's %d", len(got), len(text))
	}
}

// TestBrowserCompressed: Chromium loads a page whose script the command
// compresses on the fly, and runs the decoded script.
func TestBrowserCompressed(t *testing.T) {
	bctx := browsertest.Start(t, 800, 600)
	dir, _ := compressSite(t)
	var script bytes.Buffer
	for i := range 2000 {
		fmt.Fprintf(&script, "var v%d = %d;\n", i, i)
	}
	script.WriteString("document.title = 'ran ' + v1999;\n")
	for name, data := range map[string][]byte{
		"page/index.html": []byte(`<!DOCTYPE html><html><head><title>not yet</title><script src="run.js"></script></head><body></body></html>`),
		"page/run.js":     script.Bytes(),
	} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--compress", "--quiet")
	browsertest.Do(t, bctx, "open the page", chromedp.Navigate(s.base+"/page/"), chromedp.WaitReady(chromedp.CSS("body")))
	if title := browsertest.Run(t, bctx, "read the title", chromedp.Evaluate[string]("document.title")); title != "ran 1999" {
		t.Errorf("title = %q; want the script to have run", title)
	}
	coding := browsertest.Run(t, bctx, "fetch the script", chromedp.Evaluate[string](
		`fetch("run.js", {cache: "no-store"}).then(r => r.headers.get("content-encoding") || "")`, chromedp.EvalAwaitPromise))
	if coding == "" {
		t.Errorf("the script came uncompressed; want Content-Encoding for Chromium's Accept-Encoding")
	}
	t.Logf("Chromium got run.js with Content-Encoding %q", coding)
}
