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
