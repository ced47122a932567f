package fileserver

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"

	"github.com/pyhttp/httpserver/internal/encoding"
)

// sidecarOriginal is a JavaScript file big enough to be served from disk
// rather than from the cache's memory, and varied enough that its
// compressed forms are some KiB long.
var sidecarOriginal = func() []byte {
	var b bytes.Buffer
	x := uint32(1)
	for i := range 2000 {
		x = x*1664525 + 1013904223
		fmt.Fprintf(&b, "const v%d = %d; // %x\n", i, x%100000, x)
	}
	return b.Bytes()
}()

// writeSidecars writes name and, for each coding, its sidecar, with the
// sidecars' modification time offset from the original's by age.
func writeSidecars(t *testing.T, dir, name string, codings []string, age time.Duration) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.WriteFile(p, sidecarOriginal, 0o644); err != nil {
		t.Fatal(err)
	}
	mtime := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(p, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	for _, c := range codings {
		enc, err := encoding.Encode(c, sidecarOriginal)
		if err != nil {
			t.Fatal(err)
		}
		sp := p + suffixOf(c)
		if err := os.WriteFile(sp, enc, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(sp, mtime.Add(age), mtime.Add(age)); err != nil {
			t.Fatal(err)
		}
	}
}

// decode returns body decoded from coding ("" for none).
func decode(t *testing.T, coding string, body []byte) []byte {
	t.Helper()
	var r io.Reader
	switch coding {
	case "":
		return body
	case encoding.Gzip:
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		r = zr
	case encoding.Brotli:
		r = brotli.NewReader(bytes.NewReader(body))
	case encoding.Zstd:
		zr, err := zstd.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("zstd: %v", err)
		}
		defer zr.Close()
		r = zr
	default:
		t.Fatalf("unknown coding %q", coding)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decoding %s: %v", coding, err)
	}
	return out
}

type sidecarResponse struct {
	status                      int
	coding, etag, vary, ctype   string
	contentLength, contentRange string
	body                        []byte
}

// fetchSidecar sends method path with the given header fields through a
// client that does not decode anything itself.
func fetchSidecar(t *testing.T, srv *httptest.Server, method, path string, fields ...string) sidecarResponse {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(fields); i += 2 {
		if fields[i+1] != "" {
			req.Header.Set(fields[i], fields[i+1])
		}
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	h := resp.Header
	return sidecarResponse{
		status: resp.StatusCode, coding: h.Get("Content-Encoding"), etag: h.Get("Etag"),
		vary: strings.Join(h.Values("Vary"), ", "), ctype: h.Get("Content-Type"),
		contentLength: h.Get("Content-Length"), contentRange: h.Get("Content-Range"),
		body: body,
	}
}

func TestPrecompressed(t *testing.T) {
	present := []string{encoding.Brotli, encoding.Gzip} // no .zst
	states := []struct {
		name    string
		codings []string
		age     time.Duration
	}{
		{"present", present, time.Second},
		{"same-mtime", present, 0},
		{"absent", nil, 0},
		{"stale", present, -time.Second},
	}
	// want is the coding answered when the sidecars are fresh; "406"
	// for Not Acceptable. Without sidecars, or with stale ones, identity
	// is answered, or 406 where identity is refused and sidecars exist.
	cases := []struct{ accept, want string }{
		{"", ""},
		{"gzip", "gzip"},
		{"br", "br"},
		{"gzip, deflate, br, zstd", "br"},
		{"zstd", ""},
		{"deflate", ""}, // SWS sent the .gz labelled deflate
		{"br;q=0, gzip", "gzip"},
		{"gzip;q=0.5, br;q=0.9", "br"},
		{"br;q=0.5, gzip;q=0.9", "gzip"},
		{"*", "br"},
		{"identity;q=0, zstd", "406"},
		{"*;q=0", "406"},
		{"identity;q=0, gzip", "gzip"},
	}
	refusesIdentity := map[string]bool{"identity;q=0, zstd": true, "*;q=0": true, "identity;q=0, gzip": true}
	for _, st := range states {
		t.Run(st.name, func(t *testing.T) {
			dir := t.TempDir()
			writeSidecars(t, dir, "app.js", st.codings, st.age)
			srv := httptest.NewServer(New(os.DirFS(dir), Options{Precompressed: true, ErrorLog: discardLog}))
			defer srv.Close()
			fresh := len(st.codings) > 0 && st.age >= 0
			etags := map[string]string{} // coding -> ETag
			for _, tc := range cases {
				want := tc.want
				switch {
				case want == "406" && len(st.codings) == 0:
					want = ""
				case !fresh && len(st.codings) > 0 && refusesIdentity[tc.accept]:
					want = "406"
				case want != "406" && !fresh:
					want = ""
				}
				check := func(method string, r sidecarResponse, extra string) {
					t.Helper()
					what := fmt.Sprintf("%s %s (Accept-Encoding %q)", method, extra, tc.accept)
					hasVary := strings.Contains(r.vary, "Accept-Encoding")
					if hasVary != (len(st.codings) > 0) {
						t.Errorf("%s: status %d, Vary = %q; want Accept-Encoding: %v", what, r.status, r.vary, len(st.codings) > 0)
					}
					if r.status >= 300 {
						return
					}
					if r.coding != want {
						t.Errorf("%s: Content-Encoding = %q; want %q", what, r.coding, want)
					}
					if r.ctype != "text/javascript; charset=utf-8" {
						t.Errorf("%s: Content-Type = %q", what, r.ctype)
					}
					if r.etag == "" || !strings.HasPrefix(r.etag, `"`) {
						t.Errorf("%s: ETag = %q; want a strong tag", what, r.etag)
					}
					if method != http.MethodHead && r.contentLength != strconv.Itoa(len(r.body)) {
						t.Errorf("%s: Content-Length = %q; body is %d bytes", what, r.contentLength, len(r.body))
					}
				}
				if want == "406" {
					r := fetchSidecar(t, srv, http.MethodGet, "/app.js", "Accept-Encoding", tc.accept)
					if r.status != http.StatusNotAcceptable {
						t.Errorf("GET (Accept-Encoding %q): status = %d; want 406", tc.accept, r.status)
					}
					check(http.MethodGet, r, "")
					continue
				}
				var encoded []byte
				if want != "" {
					encoded, _ = os.ReadFile(filepath.Join(dir, "app.js"+suffixOf(want)))
				} else {
					encoded = sidecarOriginal
				}

				get := fetchSidecar(t, srv, http.MethodGet, "/app.js", "Accept-Encoding", tc.accept)
				check(http.MethodGet, get, "")
				if get.status != http.StatusOK {
					t.Fatalf("GET (Accept-Encoding %q): status = %d; want 200", tc.accept, get.status)
				}
				if got := decode(t, get.coding, get.body); !bytes.Equal(got, sidecarOriginal) {
					t.Errorf("GET (Accept-Encoding %q): body does not decode to the original", tc.accept)
				}
				if old, ok := etags[want]; ok && old != get.etag {
					t.Errorf("GET (Accept-Encoding %q): ETag %q; an earlier %q response had %q", tc.accept, get.etag, want, old)
				}
				etags[want] = get.etag

				head := fetchSidecar(t, srv, http.MethodHead, "/app.js", "Accept-Encoding", tc.accept)
				check(http.MethodHead, head, "")
				if head.status != http.StatusOK || head.contentLength != strconv.Itoa(len(encoded)) || head.etag != get.etag || len(head.body) != 0 {
					t.Errorf("HEAD (Accept-Encoding %q): status %d, Content-Length %q, ETag %q; want 200, %d, %q", tc.accept, head.status, head.contentLength, head.etag, len(encoded), get.etag)
				}

				rng := fetchSidecar(t, srv, http.MethodGet, "/app.js", "Accept-Encoding", tc.accept, "Range", "bytes=10-99")
				check(http.MethodGet, rng, "Range: bytes=10-99")
				wantRange := fmt.Sprintf("bytes 10-99/%d", len(encoded))
				if rng.status != http.StatusPartialContent || rng.contentRange != wantRange || !bytes.Equal(rng.body, encoded[10:100]) {
					t.Errorf("GET Range (Accept-Encoding %q): status %d, Content-Range %q, %d bytes; want 206, %q, the encoded bytes 10-99", tc.accept, rng.status, rng.contentRange, len(rng.body), wantRange)
				}
				// A 206 to the end: Caddy #7250 answered one byte short.
				tail := fetchSidecar(t, srv, http.MethodGet, "/app.js", "Accept-Encoding", tc.accept, "Range", "bytes=0-")
				if tail.status != http.StatusPartialContent || !bytes.Equal(tail.body, encoded) || tail.contentLength != strconv.Itoa(len(encoded)) {
					t.Errorf("GET Range bytes=0- (Accept-Encoding %q): status %d, %d bytes, Content-Length %q; want 206 and all %d", tc.accept, tail.status, len(tail.body), tail.contentLength, len(encoded))
				}
				// Several ranges of a sidecar: the whole sidecar.
				multi := fetchSidecar(t, srv, http.MethodGet, "/app.js", "Accept-Encoding", tc.accept, "Range", "bytes=0-9,500-599")
				if want != "" && (multi.status != http.StatusOK || !bytes.Equal(multi.body, encoded)) {
					t.Errorf("GET two ranges (Accept-Encoding %q): status %d; want 200 with the whole sidecar", tc.accept, multi.status)
				}

				inm := fetchSidecar(t, srv, http.MethodGet, "/app.js", "Accept-Encoding", tc.accept, "If-None-Match", get.etag)
				check(http.MethodGet, inm, "If-None-Match: "+get.etag)
				if inm.status != http.StatusNotModified || inm.etag != get.etag || len(inm.body) != 0 {
					t.Errorf("GET If-None-Match its own ETag (Accept-Encoding %q): status %d, ETag %q; want 304, %q", tc.accept, inm.status, inm.etag, get.etag)
				}
				for other, etag := range etags {
					if other == want {
						continue
					}
					r := fetchSidecar(t, srv, http.MethodGet, "/app.js", "Accept-Encoding", tc.accept, "If-None-Match", etag)
					check(http.MethodGet, r, "If-None-Match: "+etag)
					if r.status != http.StatusOK {
						t.Errorf("GET If-None-Match the %q ETag (Accept-Encoding %q): status %d; want 200", other, tc.accept, r.status)
					}
				}
			}
			seen := map[string]string{}
			for coding, etag := range etags {
				if c, dup := seen[etag]; dup {
					t.Errorf("codings %q and %q share the ETag %s", c, coding, etag)
				}
				seen[etag] = coding
			}
			if fresh && len(etags) != 3 {
				t.Errorf("ETags seen: %v; want identity, br and gzip", etags)
			}
		})
	}
}

func TestPrecompressedEdges(t *testing.T) {
	dir := t.TempDir()
	writeSidecars(t, dir, "app.js", []string{encoding.Brotli, encoding.Gzip}, time.Second)
	if err := os.Mkdir(filepath.Join(dir, "site"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeSidecars(t, dir, "site/index.html", []string{encoding.Gzip}, time.Second)
	// A sidecar whose original does not exist.
	gz, _ := encoding.Encode(encoding.Gzip, sidecarOriginal)
	if err := os.WriteFile(filepath.Join(dir, "orphan.js.gz"), gz, 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(os.DirFS(dir), Options{Precompressed: true, ErrorLog: discardLog}))
	defer srv.Close()

	r := fetchSidecar(t, srv, http.MethodGet, "/site/", "Accept-Encoding", "gzip")
	if r.status != http.StatusOK || r.coding != "gzip" || r.ctype != "text/html; charset=utf-8" || !strings.Contains(r.vary, "Accept-Encoding") {
		t.Errorf("GET /site/: status %d, Content-Encoding %q, Content-Type %q, Vary %q; want 200, gzip, text/html, Accept-Encoding", r.status, r.coding, r.ctype, r.vary)
	} else if !bytes.Equal(decode(t, r.coding, r.body), sidecarOriginal) {
		t.Errorf("GET /site/: body does not decode to index.html")
	}

	r = fetchSidecar(t, srv, http.MethodGet, "/app.js.gz", "Accept-Encoding", "gzip, br")
	want, _ := os.ReadFile(filepath.Join(dir, "app.js.gz"))
	if r.status != http.StatusOK || r.coding != "" || r.ctype != "application/gzip" || !bytes.Equal(r.body, want) || r.vary != "" {
		t.Errorf("GET /app.js.gz: status %d, Content-Encoding %q, Content-Type %q, Vary %q; want 200, none, application/gzip, none, the file itself", r.status, r.coding, r.ctype, r.vary)
	}

	r = fetchSidecar(t, srv, http.MethodGet, "/orphan.js", "Accept-Encoding", "gzip")
	if r.status != http.StatusNotFound || r.coding != "" {
		t.Errorf("GET /orphan.js with only orphan.js.gz: status %d, Content-Encoding %q; want 404, none", r.status, r.coding)
	}

	// The zero Options leave sidecars alone.
	plain := httptest.NewServer(New(os.DirFS(dir), Options{ErrorLog: discardLog}))
	defer plain.Close()
	r = fetchSidecar(t, plain, http.MethodGet, "/app.js", "Accept-Encoding", "gzip, br")
	if r.status != http.StatusOK || r.coding != "" || r.vary != "" || !bytes.Equal(r.body, sidecarOriginal) {
		t.Errorf("zero Options: GET /app.js: status %d, Content-Encoding %q, Vary %q; want 200, none, none", r.status, r.coding, r.vary)
	}
}

// TestPrecompressedChanges: a sidecar added later is noticed once the
// lookup is a second old, and one removed or made stale is never served.
func TestPrecompressedChanges(t *testing.T) {
	dir := t.TempDir()
	writeSidecars(t, dir, "app.js", nil, 0)
	srv := httptest.NewServer(New(os.DirFS(dir), Options{Precompressed: true, ErrorLog: discardLog}))
	defer srv.Close()
	get := func() sidecarResponse {
		t.Helper()
		return fetchSidecar(t, srv, http.MethodGet, "/app.js", "Accept-Encoding", "gzip, br")
	}
	if r := get(); r.coding != "" || r.vary != "" {
		t.Fatalf("no sidecars: Content-Encoding %q, Vary %q; want none", r.coding, r.vary)
	}
	writeSidecars(t, dir, "app.js", []string{encoding.Brotli, encoding.Gzip}, time.Second)
	// writeSidecars rewrote app.js with the same bytes and time: on
	// systems where the FS reports no inode and change time its cache
	// entry stands, so only the recheck finds the sidecars.
	time.Sleep(sidecarRecheck + 100*time.Millisecond)
	if r := get(); r.coding != "br" {
		t.Fatalf("after adding sidecars: Content-Encoding %q; want br", r.coding)
	}
	if err := os.Remove(filepath.Join(dir, "app.js.br")); err != nil {
		t.Fatal(err)
	}
	if r := get(); r.coding != "gzip" || !bytes.Equal(decode(t, r.coding, r.body), sidecarOriginal) {
		t.Fatalf("after removing app.js.br: Content-Encoding %q; want gzip", r.coding)
	}
	// The original edited after its sidecar: the sidecar is stale.
	newer := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "app.js"), newer, newer); err != nil {
		t.Fatal(err)
	}
	if r := get(); r.coding != "" || !strings.Contains(r.vary, "Accept-Encoding") || !bytes.Equal(r.body, sidecarOriginal) {
		t.Fatalf("with a stale app.js.gz: Content-Encoding %q, Vary %q; want none, Accept-Encoding", r.coding, r.vary)
	}
}

// TestPrecompressedRootFS: a sidecar that is a symlink out of an os.Root
// is ignored; one inside it is served.
func TestPrecompressedRootFS(t *testing.T) {
	outside := t.TempDir()
	writeSidecars(t, outside, "app.js", []string{encoding.Brotli, encoding.Gzip}, time.Second)
	dir := t.TempDir()
	writeSidecars(t, dir, "app.js", []string{encoding.Gzip}, time.Second)
	for _, c := range []string{".br", ".zst"} {
		if err := os.Symlink(filepath.Join(outside, "app.js"+c), filepath.Join(dir, "app.js"+c)); err != nil {
			t.Skip("symlinks:", err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	srv := httptest.NewServer(New(RootFS(root), Options{Precompressed: true, ErrorLog: discardLog}))
	defer srv.Close()
	r := fetchSidecar(t, srv, http.MethodGet, "/app.js", "Accept-Encoding", "br, zstd, gzip;q=0.5")
	if r.status != http.StatusOK || r.coding != "gzip" {
		t.Errorf("GET /app.js, .br a symlink out of the root: status %d, Content-Encoding %q; want 200, gzip", r.status, r.coding)
	}
	r = fetchSidecar(t, srv, http.MethodGet, "/app.js", "Accept-Encoding", "br")
	if r.status != http.StatusOK || r.coding != "" || !bytes.Equal(r.body, sidecarOriginal) {
		t.Errorf("GET /app.js, br only: status %d, Content-Encoding %q; want 200, identity", r.status, r.coding)
	}
}

// TestSidecarFromMemory: a sidecar too big for the file cache's bytes is
// sent from the copy kept with the compressed forms, whole and as a
// range, and a new version of it replaces that copy at once.
func TestSidecarFromMemory(t *testing.T) {
	dir := t.TempDir()
	writeSidecars(t, dir, "app.js", nil, 0)
	side := func(seed byte) []byte {
		b := make([]byte, 3*cacheMaxFileBytes)
		for i := range b {
			b[i] = seed + byte(i*7)
		}
		return b
	}
	write := func(b []byte, mtime time.Time) {
		t.Helper()
		p := filepath.Join(dir, "app.js.br")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().Truncate(time.Second)
	old := side(1)
	write(old, now)
	h := New(os.DirFS(dir), Options{Precompressed: true, ErrorLog: discardLog})
	srv := httptest.NewServer(h)
	defer srv.Close()
	for i := range 2 { // the read that fills the copy, then the copy
		r := fetchSidecar(t, srv, http.MethodGet, "/app.js", "Accept-Encoding", "br")
		if r.coding != "br" || !bytes.Equal(r.body, old) || r.contentLength != strconv.Itoa(len(old)) {
			t.Fatalf("GET %d: Content-Encoding %q, Content-Length %s, body equal %v; want br, %d, true",
				i, r.coding, r.contentLength, bytes.Equal(r.body, old), len(old))
		}
	}
	if made := h.compressed.made; made != 1 {
		t.Errorf("sidecar read %d times for two GETs; want 1", made)
	}
	r := fetchSidecar(t, srv, http.MethodGet, "/app.js", "Accept-Encoding", "br", "Range", "bytes=100-199")
	if r.status != http.StatusPartialContent || !bytes.Equal(r.body, old[100:200]) {
		t.Errorf("GET with Range: status %d, body equal %v; want 206, true", r.status, bytes.Equal(r.body, old[100:200]))
	}
	// Same size, new bytes and time: the copy is of the last version.
	fresh := side(2)
	write(fresh, now.Add(time.Second))
	if r := fetchSidecar(t, srv, http.MethodGet, "/app.js", "Accept-Encoding", "br"); !bytes.Equal(r.body, fresh) {
		t.Errorf("after rewriting app.js.br: body is the old one: %v", bytes.Equal(r.body, old))
	}
}

// TestSidecarWholeSeconds: brotli and zstd copy the original's time to
// the sidecar cut to whole seconds; such a sidecar is fresh. One from the
// second before is stale.
func TestSidecarWholeSeconds(t *testing.T) {
	base := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		sidecar time.Time
		want    string
	}{
		{base, "br"},                 // app.js at .600, app.js.br at .000 of the same second
		{base.Add(-time.Second), ""}, // the second before: stale
		{base.Add(700 * time.Millisecond), "br"},
	} {
		br, err := encoding.Encode(encoding.Brotli, sidecarOriginal)
		if err != nil {
			t.Fatal(err)
		}
		fsys := fstest.MapFS{
			"app.js":    {Data: sidecarOriginal, ModTime: base.Add(600 * time.Millisecond)},
			"app.js.br": {Data: br, ModTime: tt.sidecar},
		}
		h := New(fsys, Options{Precompressed: true})
		r := httptest.NewRequest("GET", "/app.js", nil)
		r.Header.Set("Accept-Encoding", "br")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if got := w.Header().Get("Content-Encoding"); w.Code != 200 || got != tt.want {
			t.Errorf("sidecar at %v: %d, Content-Encoding %q; want 200, %q", tt.sidecar.Format("15:04:05.000"), w.Code, got, tt.want)
		}
	}
}
