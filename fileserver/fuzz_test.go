package fileserver

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// fuzzSecret is in every file beside the os.Root tree, which no request
// may reach; fuzzDotSecret is in the dotfiles, which only the handlers
// with HideDotfiles must never serve.
const (
	fuzzSecret    = "FUZZ-SECRET-7f3a"
	fuzzDotSecret = "FUZZ-DOTFILE-91c2"
)

// fuzzBigSize is over cacheMaxFileBytes, so the large file is opened on
// every request rather than served from memory.
const fuzzBigSize = cacheMaxFileBytes + 4097

// fuzzHandlers are the handlers FuzzHandler picks from, by the low bits
// of its variant argument: a MapFS (0, 1) and an os.Root tree through
// RootFS (2, 3), each served with the default Options (even) and with
// dotfiles hidden and listings off (odd).
type fuzzHandlers struct {
	h        [4]http.Handler
	maxFile  int64 // the largest file either tree serves
	maxRange int   // Options.MaxRanges in force
}

func newFuzzHandlers(f *testing.F) *fuzzHandlers {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s), ModTime: modtime, Mode: 0o644} }
	mapFS := testFS()
	mapFS[".env"] = file(fuzzDotSecret)
	mapFS[".git/config"] = file(fuzzDotSecret)
	mapFS["big.bin"] = file(strings.Repeat("0123456789abcdef", fuzzBigSize/16))

	top := f.TempDir()
	dir := filepath.Join(top, "root")
	write := func(name, data string) {
		p := filepath.Join(top, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	write("secret.txt", fuzzSecret)
	write("outside/secret.txt", fuzzSecret)
	write("root/hello.txt", "Hello, world!\n")
	write("root/.env", fuzzDotSecret)
	write("root/sub/.hidden/x.txt", fuzzDotSecret)
	write("root/sub/inner.txt", "inner")
	write("root/sub/index.html", "<p>index</p>")
	write("root/big.bin", strings.Repeat("0123456789abcdef", fuzzBigSize/16))
	write("root/list/a.txt", "a")
	write("root/list/b c.txt", "b")
	for target, name := range map[string]string{
		"../secret.txt":                  "escape.txt",
		filepath.Join(top, "secret.txt"): "absolute.txt",
		"../outside":                     "escape-dir",
		"sub":                            "inside-dir",
		"sub/inner.txt":                  "inside.txt",
		"/":                              "slash",
		filepath.Join(top, "outside"):    "absolute-dir",
	} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			f.Fatal(err)
		}
	}
	mkfifo(f, filepath.Join(dir, "pipe"))
	// Names that are not UTF-8, where the file system allows them (not
	// macOS APFS): a file, and a symlink out.
	if err := os.WriteFile(filepath.Join(dir, "bad\xff\xfe.txt"), []byte("undecodable"), 0o644); err == nil {
		if err := os.Symlink("../secret.txt", filepath.Join(dir, "escape\xff.txt")); err != nil {
			f.Fatal(err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { root.Close() })

	open := Options{ErrorLog: discardLog}
	closed := Options{ErrorLog: discardLog, HideDotfiles: true, NoListing: true}
	watched := closed
	watched.WatchFiles = true // the command's stat cache, under the same hostile names
	return &fuzzHandlers{
		h: [4]http.Handler{
			New(mapFS, open), New(mapFS, closed),
			New(RootFS(root), open), New(RootFS(root), watched),
		},
		maxFile:  fuzzBigSize,
		maxRange: 32,
	}
}

// fuzzStatuses are the only statuses the handler may answer with: no 500
// from anything a client can send.
var fuzzStatuses = map[int]bool{200: true, 206: true, 301: true, 304: true, 400: true, 403: true, 404: true, 412: true, 416: true, 501: true}

// fuzzSeeds are requests that reach each branch of the handler; they are
// also the seed corpus, with those under testdata/fuzz/FuzzHandler.
var fuzzSeeds = []struct {
	method, target, rng, ifMatch, ifNoneMatch, ifModSince, ifUnmodSince, ifRange string
	variant                                                                      uint8
}{
	{"GET", "/hello.txt", "", "", "", "", "", "", 0},
	{"HEAD", "/hello.txt", "", "", "", "", "", "", 2},
	{"GET", "/big.bin", "bytes=0-10,20-30,-5", "", "", "", "", "", 2},
	{"GET", "/big.bin", "bytes=70000-", "", "", "", "", "", 0},
	{"GET", "/hello.txt", "bytes=5-2", "", "", "", "", "", 0},
	{"GET", "/hello.txt", "bytes=99-", "", "", "", "", "", 2},
	{"GET", "/hello.txt", "bytes=-0", "", "", "", "", "", 0},
	{"GET", "/hello.txt", strings.Repeat("0-0,", 1000), "", "", "", "", "", 0},
	{"GET", "/big.bin", "bytes=" + strings.Repeat("1-1,", 200) + "0-99999999999999999999", "", "", "", "", "", 2},
	{"GET", "/hello.txt", "", `"nope"`, "", "", "", "", 0},
	{"GET", "/hello.txt", "", "", "*", "", "", "", 2},
	{"GET", "/hello.txt", "", "", "", "Mon, 23 Nov 2026 18:53:00 GMT", "", "", 0},
	{"GET", "/hello.txt", "", "", "", "", "Thu, 01 Jan 1970 00:00:00 GMT", "", 0},
	{"GET", "/hello.txt", "bytes=0-1", "", "", "", "", `"stale"`, 0},
	{"GET", "/../secret.txt", "", "", "", "", "", "", 2},
	{"GET", "/%2e%2e/secret.txt", "", "", "", "", "", "", 2},
	{"GET", "/%252e%252e/secret.txt", "", "", "", "", "", "", 2},
	{"GET", "/..%5csecret.txt", "", "", "", "", "", "", 2},
	{"GET", "/%c0%ae%c0%ae/secret.txt", "", "", "", "", "", "", 2},
	{"GET", "/hello.txt%00.html", "", "", "", "", "", "", 0},
	{"GET", "/escape.txt", "", "", "", "", "", "", 2},
	{"GET", "/absolute.txt", "bytes=0-3", "", "", "", "", "", 2},
	{"GET", "/escape-dir/secret.txt", "", "", "", "", "", "", 2},
	{"GET", "/absolute-dir/", "", "", "", "", "", "", 2},
	{"GET", "/slash/etc/passwd", "", "", "", "", "", "", 2},
	{"GET", "/inside-dir/inner.txt", "", "", "", "", "", "", 2},
	{"GET", "/pipe", "", "", "", "", "", "", 2},
	{"GET", "/bad%FF%FE.txt", "bytes=0-3", "", "", "", "", "", 2},
	{"GET", "/escape%FF.txt", "", "", "", "", "", "", 2},
	{"GET", "/%FF/../../secret.txt", "", "", "", "", "", "", 3},
	{"GET", "//list", "", "", "", "", "", "", 2},
	{"GET", "/list/;x=1/a.txt", "", "", "", "", "", "", 2},
	{"GET", "/list/?q=<script>", "", "", "", "", "", "", 2},
	{"GET", "/.env", "", "", "", "", "", "", 1},
	{"GET", "/sub/../.env", "", "", "", "", "", "", 3},
	{"GET", "/.git/config", "", "", "", "", "", "", 1},
	{"GET", "/", "", "", "", "", "", "", 3},
	{"GET", "/hello.txt/", "", "", "", "", "", "", 0},
	{"GET", "http://evil.example//x", "", "", "", "", "", "", 0},
	{"DELETE", "/hello.txt", "", "", "", "", "", "", 0},
	{"OPTIONS", "*", "", "", "", "", "", "", 0},
	{"BREW", "/", "", "", "", "", "", "", 2},
}

func FuzzHandler(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s.method, s.target, s.rng, s.ifMatch, s.ifNoneMatch, s.ifModSince, s.ifUnmodSince, s.ifRange, s.variant)
	}
	hs := newFuzzHandlers(f)
	f.Fuzz(func(t *testing.T, method, target, rng, ifMatch, ifNoneMatch, ifModSince, ifUnmodSince, ifRange string, variant uint8) {
		// Build the request as a client would send it and let net/http's
		// own parser decide whether it reaches a handler at all.
		var raw strings.Builder
		fmt.Fprintf(&raw, "%s %s HTTP/1.1\r\nHost: example.com\r\n", method, target)
		for _, h := range [...][2]string{
			{"Range", rng}, {"If-Match", ifMatch}, {"If-None-Match", ifNoneMatch},
			{"If-Modified-Since", ifModSince}, {"If-Unmodified-Since", ifUnmodSince}, {"If-Range", ifRange},
		} {
			if h[1] != "" {
				fmt.Fprintf(&raw, "%s: %s\r\n", h[0], h[1])
			}
		}
		raw.WriteString("\r\n")
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw.String())))
		if err != nil {
			return // net/http answers 400 itself; the handler never runs
		}
		w := httptest.NewRecorder()
		hs.h[variant%4].ServeHTTP(w, r)

		body := w.Body.Bytes()
		if !fuzzStatuses[w.Code] {
			t.Fatalf("%q: status %d is not one of the expected set", raw.String(), w.Code)
		}
		if bytes.Contains(body, []byte(fuzzSecret)) {
			t.Fatalf("%q: %d: the body holds bytes from outside the root", raw.String(), w.Code)
		}
		if variant%2 == 1 && bytes.Contains(body, []byte(fuzzDotSecret)) {
			t.Fatalf("%q: %d: HideDotfiles served a dotfile", raw.String(), w.Code)
		}
		// RFC 9110 §14.2: a Range in another unit (or not a Range at
		// all) is ignored, never answered with 416.
		if rv := r.Header.Values("Range"); len(rv) > 0 && w.Code == http.StatusRequestedRangeNotSatisfiable {
			if _, valid := parseRanges(rv[0], math.MaxInt64); len(rv) > 1 || !valid {
				t.Fatalf("%q: 416 for a Range header that should be ignored", raw.String())
			}
		}
		// (A HEAD response's body is not checked: the recorder keeps
		// what net/http's server would discard.)
		if cl := w.Header().Get("Content-Length"); cl != "" && r.Method != http.MethodHead {
			if n, err := strconv.Atoi(cl); err != nil || n != len(body) {
				t.Fatalf("%q: %d: Content-Length %q, body %d bytes", raw.String(), w.Code, cl, len(body))
			}
		}
		// No amplification: whatever the Range header, a response is at
		// most the file plus a multipart header per allowed range.
		if limit := int(hs.maxFile) + hs.maxRange*256 + 1024; w.Code == http.StatusPartialContent && len(body) > limit {
			t.Fatalf("%q: 206 of %d bytes; want at most %d", raw.String(), len(body), limit)
		}
		if loc := w.Header().Get("Location"); loc != "" {
			if strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") || strings.Contains(loc, "://") {
				t.Fatalf("%q: redirect to %q could leave the site", raw.String(), loc)
			}
		}
	})
}
