package middleware

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// decodeBody returns body decoded from coding ("" for none), as a client
// would, or an error.
func decodeBody(coding string, body []byte) ([]byte, error) {
	if coding != "" && coding != "br" && coding != "gzip" && coding != "zstd" {
		return nil, fmt.Errorf("unknown coding %q", coding)
	}
	r, err := newDecoder(coding, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// sampleText is text that compresses, n bytes of it.
func sampleText(n int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "function f%d(a, b) { return a * %d + b; } // line %d\n", i, i%17, i)
	}
	return b.Bytes()[:n]
}

// compressHandler is a handler the table runs through Compress.
type compressHandler struct {
	name         string
	h            http.Handler
	body         []byte
	etag         string // the handler's own ETag, or ""
	compressible bool   // its Content-Type is
	ranges       bool   // it answers Range with 206
	flushes      bool   // it flushes, so its size does not matter
}

var (
	bigText   = sampleText(20 << 10)
	smallText = sampleText(100)
	bigImage  = bytes.Repeat([]byte("\x89PNG not really"), 2000)
)

// serveContent is a file as fileserver sends one: type, strong ETag,
// Content-Length, ranges and conditionals by http.ServeContent.
func serveContent(ctype string, body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("ETag", `"v1"`)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	})
}

// writeChunks writes body 100 bytes at a time without a Content-Length,
// flushing after each when flush is set, as a CGI script's output is
// relayed. ctype "" sets none (net/http would sniff one).
func writeChunks(ctype string, body []byte, flush bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ctype != "" {
			w.Header().Set("Content-Type", ctype)
		}
		for p := body; len(p) > 0; {
			n := min(len(p), 100)
			w.Write(p[:n])
			if flush {
				w.(http.Flusher).Flush()
			}
			p = p[n:]
		}
	})
}

var compressHandlers = []compressHandler{
	{name: "file text", h: serveContent("text/javascript; charset=utf-8", bigText), body: bigText, etag: `"v1"`, compressible: true, ranges: true},
	{name: "small file text", h: serveContent("text/javascript; charset=utf-8", smallText), body: smallText, etag: `"v1"`, compressible: true, ranges: true},
	{name: "file image", h: serveContent("image/png", bigImage), body: bigImage, etag: `"v1"`, ranges: true},
	{name: "stream text", h: writeChunks("text/plain; charset=utf-8", bigText, false), body: bigText, compressible: true},
	{name: "small stream text", h: writeChunks("text/plain; charset=utf-8", smallText, false), body: smallText, compressible: true},
	{name: "stream untyped html", h: writeChunks("", append([]byte("<!DOCTYPE html>\n"), bigText...), false), body: append([]byte("<!DOCTYPE html>\n"), bigText...), compressible: true},
	{name: "stream image", h: writeChunks("image/png", bigImage, false), body: bigImage},
	{name: "flushing text", h: writeChunks("text/event-stream", bigText, true), body: bigText, compressible: true, flushes: true},
	{name: "small flushing text", h: writeChunks("text/event-stream", smallText, true), body: smallText, compressible: true, flushes: true},
}

// acceptEncodings are Accept-Encoding values and what the rules make of
// them: the coding chosen ("" for identity), whether the client refuses
// identity, and whether nothing fits (406).
var acceptEncodings = []struct {
	value  string
	coding string
	forced bool
	none   bool
}{
	{value: ""},
	{value: "gzip", coding: "gzip"},
	{value: "br", coding: "br"},
	{value: "zstd", coding: "zstd"},
	{value: "gzip, deflate, br, zstd", coding: "zstd"}, // a tie: zstd first when streaming
	{value: "gzip, deflate, br", coding: "br"},
	{value: "deflate, gzip;q=0.5, zstd;q=0.9", coding: "zstd"},
	{value: "gzip;q=0, deflate"},
	{value: "identity;q=0, gzip", coding: "gzip", forced: true},
	{value: "identity;q=0", none: true},
	{value: "*;q=0", none: true},
}

// exchange sends one request and returns the response with its body read.
func exchange(t *testing.T, client *http.Client, method, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] != "" {
			req.Header.Set(header[i], header[i+1])
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, url, err)
	}
	return resp, body
}

// rawClient sends Accept-Encoding as told and never decodes: the tests
// look at the bytes on the wire.
func rawClient(srv *httptest.Server) *http.Client {
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.DisableCompression = true
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

func varies(h http.Header) bool { return hasToken(h["Vary"], "Accept-Encoding") }

// TestCompressTable runs every handler under every Accept-Encoding with
// GET, HEAD, Range and conditional requests, and checks each header rule
// from the client's side.
func TestCompressTable(t *testing.T) {
	for _, hc := range compressHandlers {
		t.Run(hc.name, func(t *testing.T) {
			srv := httptest.NewServer(NewCompress(CompressOptions{}).Handler(hc.h))
			defer srv.Close()
			client := rawClient(srv)
			etags := map[string]string{} // coding -> ETag of a 200
			for _, ae := range acceptEncodings {
				// What the rules say a GET gets.
				want := ""
				if ae.coding != "" && (hc.compressible || ae.forced) && (len(hc.body) >= 1024 || hc.flushes || ae.forced) {
					want = ae.coding
				}
				wantVary := hc.compressible || ae.forced || ae.none

				get, body := exchange(t, client, "GET", srv.URL, "Accept-Encoding", ae.value)
				what := fmt.Sprintf("GET with Accept-Encoding %q", ae.value)
				if ae.none {
					if get.StatusCode != http.StatusNotAcceptable || !varies(get.Header) || get.Header.Get("Content-Encoding") != "" {
						t.Errorf("%s: %d, Content-Encoding %q, Vary %q; want 406 with Vary and no encoding", what, get.StatusCode, get.Header.Get("Content-Encoding"), get.Header["Vary"])
					}
					continue
				}
				if get.StatusCode != http.StatusOK {
					t.Fatalf("%s: status = %d; want 200", what, get.StatusCode)
				}
				checkCompressed(t, what, get, body, hc.body, want, wantVary)
				if hc.etag != "" {
					etag := get.Header.Get("ETag")
					wantTag := hc.etag
					if want != "" {
						wantTag = strings.TrimSuffix(hc.etag, `"`) + "-" + want + `"`
					}
					if etag != wantTag {
						t.Errorf("%s: ETag = %q; want %q", what, etag, wantTag)
					}
					if old, ok := etags[want]; ok && old != etag {
						t.Errorf("%s: ETag %q; an earlier %q response had %q", what, etag, want, old)
					}
					etags[want] = etag
				}

				// HEAD: the headers of the GET, no body.
				head, hbody := exchange(t, client, "HEAD", srv.URL, "Accept-Encoding", ae.value)
				what = fmt.Sprintf("HEAD with Accept-Encoding %q", ae.value)
				if len(hbody) != 0 || head.StatusCode != get.StatusCode {
					t.Errorf("%s: %d with %d body bytes; want %d and none", what, head.StatusCode, len(hbody), get.StatusCode)
				}
				for _, k := range []string{"Content-Encoding", "Content-Type", "ETag", "Accept-Ranges"} {
					if head.Header.Get(k) != get.Header.Get(k) {
						t.Errorf("%s: %s = %q; the GET had %q", what, k, head.Header.Get(k), get.Header.Get(k))
					}
				}
				if varies(head.Header) != varies(get.Header) {
					t.Errorf("%s: Vary %q; the GET had %q", what, head.Header["Vary"], get.Header["Vary"])
				}
				if cl := head.Header.Get("Content-Length"); cl != "" && (want != "" || cl != strconv.Itoa(len(hc.body))) {
					t.Errorf("%s: Content-Length %s for a %d-byte body encoded %q", what, cl, len(hc.body), want)
				}

				// Range: never compressed; a slice of the identity body.
				rng, rbody := exchange(t, client, "GET", srv.URL, "Accept-Encoding", ae.value, "Range", "bytes=10-19")
				what = fmt.Sprintf("Range with Accept-Encoding %q", ae.value)
				if hc.ranges {
					if rng.StatusCode != http.StatusPartialContent || string(rbody) != string(hc.body[10:20]) {
						t.Errorf("%s: %d %q; want 206 %q", what, rng.StatusCode, rbody, hc.body[10:20])
					}
					if varies(rng.Header) != wantVary {
						t.Errorf("%s: Vary %q; want Accept-Encoding: %v", what, rng.Header["Vary"], wantVary)
					}
				}
				checkCompressed(t, what, rng, rbody, rbody, "", wantVary)

				if hc.etag == "" {
					continue
				}
				// If-None-Match with the tag the client got, and with the
				// other form: both match, and the 304 carries the form sent.
				for _, sent := range []string{get.Header.Get("ETag"), hc.etag} {
					nm, nbody := exchange(t, client, "GET", srv.URL, "Accept-Encoding", ae.value, "If-None-Match", sent)
					what = fmt.Sprintf("If-None-Match %s with Accept-Encoding %q", sent, ae.value)
					if nm.StatusCode != http.StatusNotModified || len(nbody) != 0 {
						t.Errorf("%s: %d with %d bytes; want 304", what, nm.StatusCode, len(nbody))
					}
					if got := nm.Header.Get("ETag"); got != sent {
						t.Errorf("%s: ETag = %q; want %q", what, got, sent)
					}
					if !varies(nm.Header) {
						t.Errorf("%s: Vary %q; want Accept-Encoding", what, nm.Header["Vary"])
					}
				}
				// If-Match with the tag the client got passes.
				im, ibody := exchange(t, client, "GET", srv.URL, "Accept-Encoding", ae.value, "If-Match", get.Header.Get("ETag"))
				what = fmt.Sprintf("If-Match %s with Accept-Encoding %q", get.Header.Get("ETag"), ae.value)
				if im.StatusCode != http.StatusOK {
					t.Errorf("%s: %d; want 200", what, im.StatusCode)
				}
				checkCompressed(t, what, im, ibody, hc.body, want, wantVary)
			}
			// Two codings never share a strong ETag.
			seen := map[string]string{}
			for coding, etag := range etags {
				if other, ok := seen[etag]; ok {
					t.Errorf("codings %q and %q share ETag %s", coding, other, etag)
				}
				seen[etag] = coding
			}
		})
	}
}

// checkCompressed checks a response's Content-Encoding, Vary,
// Content-Length and Accept-Ranges, and that its body decodes to want.
func checkCompressed(t *testing.T, what string, resp *http.Response, body, want []byte, coding string, vary bool) {
	t.Helper()
	if got := resp.Header.Get("Content-Encoding"); got != coding {
		t.Errorf("%s: Content-Encoding = %q; want %q", what, got, coding)
	}
	if varies(resp.Header) != vary {
		t.Errorf("%s: Vary = %q; want Accept-Encoding: %v", what, resp.Header["Vary"], vary)
	}
	if cl := resp.Header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(body)) {
		t.Errorf("%s: Content-Length = %s for %d body bytes", what, cl, len(body))
	}
	if coding != "" && resp.Header.Get("Accept-Ranges") != "" {
		t.Errorf("%s: compressed with Accept-Ranges %q", what, resp.Header.Get("Accept-Ranges"))
	}
	got, err := decodeBody(coding, body)
	if err != nil {
		t.Errorf("%s: decoding %q: %v", what, coding, err)
	} else if !bytes.Equal(got, want) {
		t.Errorf("%s: body decodes to %d bytes that differ from the %d sent", what, len(got), len(want))
	}
}

// TestCompressLeftAlone: responses that must go out as they are.
func TestCompressLeftAlone(t *testing.T) {
	for _, tt := range []struct {
		name    string
		h       http.HandlerFunc
		request http.Header
		vary    bool
	}{
		{"already encoded", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bigText) // not really gzip: must not be touched
		}, nil, false},
		{"no-transform", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Cache-Control", "public, No-Transform")
			w.Write(bigText)
		}, nil, false},
		{"request no-transform", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Write(bigText)
		}, http.Header{"Cache-Control": {"no-transform"}}, true},
		{"error page", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusNotFound)
			w.Write(bigText)
		}, nil, false},
		{"redirect", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusFound)
			w.Write(bigText)
		}, nil, false},
		{"Content-Range on a 200", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Content-Range", "bytes 0-20479/40960")
			w.Write(bigText)
		}, nil, true},
		{"octet-stream", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(bigText)
		}, nil, false},
		{"suppressed Content-Type", func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = nil // no type, and no sniffing
			w.Write(bigText)
		}, nil, false},
		{"empty", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
		}, nil, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(NewCompress(CompressOptions{}).Handler(tt.h))
			defer srv.Close()
			header := []string{"Accept-Encoding", "gzip, br, zstd"}
			for k, v := range tt.request {
				header = append(header, k, v[0])
			}
			resp, body := exchange(t, rawClient(srv), "GET", srv.URL, header...)
			var want []byte
			if tt.name != "empty" {
				want = bigText
			}
			if tt.name == "already encoded" {
				if resp.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(body, bigText) || varies(resp.Header) {
					t.Errorf("already encoded: Content-Encoding %q, Vary %q, %d body bytes; want the handler's response untouched",
						resp.Header.Get("Content-Encoding"), resp.Header["Vary"], len(body))
				}
				return
			}
			checkCompressed(t, tt.name, resp, body, want, "", tt.vary)
		})
	}
}

// TestCompressFlush: what a streaming handler flushes reaches the client
// at once, compressed, before the handler writes more; over HTTP/1.1 and
// HTTP/2.
func TestCompressFlush(t *testing.T) {
	for _, h2 := range []bool{false, true} {
		for _, coding := range []string{"br", "zstd", "gzip", ""} {
			t.Run(fmt.Sprintf("%s/h2=%v", coding, h2), func(t *testing.T) {
				next := make(chan struct{})
				h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "text/event-stream")
					for i := range 3 {
						fmt.Fprintf(w, "data: event %d\n\n", i)
						if err := http.NewResponseController(w).Flush(); err != nil {
							t.Errorf("Flush: %v", err)
						}
						select {
						case <-next:
						case <-r.Context().Done():
							return
						}
					}
				})
				srv := httptest.NewUnstartedServer(NewCompress(CompressOptions{}).Handler(h))
				srv.EnableHTTP2 = h2
				srv.StartTLS()
				defer srv.Close()
				req, _ := http.NewRequest("GET", srv.URL, nil)
				if coding != "" {
					req.Header.Set("Accept-Encoding", coding)
				}
				tr := srv.Client().Transport.(*http.Transport)
				tr.DisableCompression = true
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				if got := resp.Header.Get("Content-Encoding"); got != coding {
					t.Fatalf("Content-Encoding = %q; want %q", got, coding)
				}
				if h2 != (resp.ProtoMajor == 2) {
					t.Fatalf("protocol %s", resp.Proto)
				}
				// The client reads in a goroutine of its own, decoder set-up
				// included (it reads the stream's header), so that an event
				// that never comes fails the test instead of hanging it.
				events := make(chan string)
				rest := make(chan error, 1)
				go func() {
					defer close(events)
					body, err := newDecoder(coding, resp.Body)
					if err != nil {
						rest <- err
						return
					}
					for i := range 3 {
						got := make([]byte, len(fmt.Sprintf("data: event %d\n\n", i)))
						if _, err := io.ReadFull(body, got); err != nil {
							rest <- err
							return
						}
						events <- string(got)
					}
					tail, err := io.ReadAll(body)
					if err == nil && len(tail) > 0 {
						err = fmt.Errorf("%d bytes after the events", len(tail))
					}
					rest <- err
				}()
				for i := range 3 {
					want := fmt.Sprintf("data: event %d\n\n", i)
					select {
					case got, ok := <-events:
						if !ok {
							t.Fatalf("event %d: %v", i, <-rest)
						}
						if got != want {
							t.Fatalf("event %d: %q; want %q", i, got, want)
						}
					case <-time.After(10 * time.Second):
						t.Fatalf("event %d did not arrive before the handler went on", i)
					}
					next <- struct{}{}
				}
				if err := <-rest; err != nil {
					t.Errorf("after the events: %v; want a clean end", err)
				}
			})
		}
	}
}

// newDecoder returns r decoded from coding ("" for none).
func newDecoder(coding string, r io.Reader) (io.Reader, error) {
	switch coding {
	case "br":
		return brotli.NewReader(r), nil
	case "gzip":
		return gzip.NewReader(r)
	case "zstd":
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, err
		}
		return zr.IOReadCloser(), nil
	}
	return r, nil
}

// TestCompressReadFrom: a response that is not compressed reaches the
// inner writer's ReadFrom (net/http's sendfile path); one that is
// compressed is read from the source into the encoder.
func TestCompressReadFrom(t *testing.T) {
	for _, tt := range []struct {
		name, ctype, ae, rng string
		sendfile             bool
	}{
		{"image", "image/png", "gzip", "", true},
		{"range", "text/plain", "gzip", "bytes=0-99", true},
		{"identity", "text/plain", "", "", true},
		{"compressed", "text/plain", "gzip", "", false},
	} {
		rec := &readerFromRecorder{ResponseRecorder: httptest.NewRecorder()}
		h := NewCompress(CompressOptions{}).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", tt.ctype)
			http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(bigText))
		}))
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Encoding", tt.ae)
		if tt.rng != "" {
			r.Header.Set("Range", tt.rng)
		}
		h.ServeHTTP(rec, r)
		if (rec.readFrom > 0) != tt.sendfile {
			t.Errorf("%s: inner ReadFrom called %d times; want it used: %v", tt.name, rec.readFrom, tt.sendfile)
		}
		want := bigText
		if tt.rng != "" {
			want = bigText[:100]
		}
		if got, err := decodeBody(rec.Header().Get("Content-Encoding"), rec.Body.Bytes()); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: body does not decode to what was sent (%v)", tt.name, err)
		}
	}
}

// TestCompressReadFromUnknownLength: io.Copy into the writer with no
// Content-Length: the first MinBytes judge the body, the rest follows it.
func TestCompressReadFromUnknownLength(t *testing.T) {
	for _, tt := range []struct {
		ctype  string
		body   []byte
		coding string
	}{
		{"text/plain", bigText, "gzip"},
		{"text/plain", smallText, ""},
		{"image/png", bigImage, ""},
		{"text/plain", bigText[:1024], "gzip"},
		{"text/plain", bigText[:1023], ""},
	} {
		rec := &readerFromRecorder{ResponseRecorder: httptest.NewRecorder()}
		h := NewCompress(CompressOptions{}).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", tt.ctype)
			io.Copy(w, struct{ io.Reader }{bytes.NewReader(tt.body)}) // no WriterTo
		}))
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Encoding", "gzip")
		h.ServeHTTP(rec, r)
		what := fmt.Sprintf("%s of %d bytes", tt.ctype, len(tt.body))
		if got := rec.Header().Get("Content-Encoding"); got != tt.coding {
			t.Errorf("%s: Content-Encoding %q; want %q", what, got, tt.coding)
		}
		if got, err := decodeBody(tt.coding, rec.Body.Bytes()); err != nil || !bytes.Equal(got, tt.body) {
			t.Errorf("%s: body does not decode to what was sent (%v)", what, err)
		}
		if tt.coding == "" && len(tt.body) > 1024 && rec.readFrom == 0 {
			t.Errorf("%s: the rest did not go through the inner ReadFrom", what)
		}
	}
}

// TestCompressWriteSizes: bodies written in pieces of every awkward size
// around MinBytes come out whole, compressed exactly when they reach it.
func TestCompressWriteSizes(t *testing.T) {
	for _, total := range []int{0, 1, 1023, 1024, 1025, 5000} {
		for _, piece := range []int{1, 7, 1023, 1024, 4096} {
			h := NewCompress(CompressOptions{}).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				for p := bigText[:total]; len(p) > 0; {
					n := min(piece, len(p))
					if k, err := w.Write(p[:n]); k != n || err != nil {
						t.Errorf("Write = %d, %v", k, err)
					}
					p = p[n:]
				}
			}))
			rec := httptest.NewRecorder()
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("Accept-Encoding", "zstd")
			h.ServeHTTP(rec, r)
			want := ""
			if total >= 1024 {
				want = "zstd"
			}
			what := fmt.Sprintf("%d bytes in pieces of %d", total, piece)
			if got := rec.Header().Get("Content-Encoding"); got != want {
				t.Errorf("%s: Content-Encoding %q; want %q", what, got, want)
			}
			if got, err := decodeBody(want, rec.Body.Bytes()); err != nil || !bytes.Equal(got, bigText[:total]) {
				t.Errorf("%s: body does not decode to what was sent (%v)", what, err)
			}
		}
	}
}

// TestCompressMinBytes: the option moves the threshold.
func TestCompressMinBytes(t *testing.T) {
	for _, tt := range []struct {
		min, size int
		want      string
	}{{0, 1023, ""}, {0, 1024, "gzip"}, {10, 10, "gzip"}, {10, 9, ""}, {50000, 20000, ""}} {
		h := NewCompress(CompressOptions{MinBytes: tt.min}).Handler(serveContent("text/plain", bigText[:tt.size]))
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Encoding", "gzip")
		h.ServeHTTP(rec, r)
		if got := rec.Header().Get("Content-Encoding"); got != tt.want {
			t.Errorf("MinBytes %d, %d bytes: Content-Encoding %q; want %q", tt.min, tt.size, got, tt.want)
		}
	}
}

func TestCompressNotAcceptable(t *testing.T) {
	called := false
	h := NewCompress(CompressOptions{}).Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true }))
	for _, ae := range []string{"identity;q=0", "*;q=0", "identity;q=0, deflate", "*;q=0, compress"} {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Encoding", ae)
		h.ServeHTTP(rec, r)
		if rec.Code != http.StatusNotAcceptable || !strings.Contains(rec.Body.String(), "Error code: 406") || !varies(rec.Header()) || called {
			t.Errorf("Accept-Encoding %q: %d, Vary %q, handler called %v: %q; want the 406 page", ae, rec.Code, rec.Header()["Vary"], called, rec.Body.String())
		}
	}
}

// TestCompressSniff: a handler that sets no Content-Type gets the one
// net/http would sniff, and the body is compressed if that type is.
func TestCompressSniff(t *testing.T) {
	for _, tt := range []struct {
		body   []byte
		ctype  string
		coding string
	}{
		{append([]byte("<!DOCTYPE html>"), bigText...), "text/html; charset=utf-8", "gzip"},
		{bigText, "text/plain; charset=utf-8", "gzip"},
		{append([]byte("\x89PNG\r\n\x1a\n"), bigImage...), "image/png", ""},
		{append([]byte("<html>"), smallText...), "text/html; charset=utf-8", ""},
	} {
		h := NewCompress(CompressOptions{}).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write(tt.body[:10]) // a first piece too short to judge by
			w.Write(tt.body[10:])
		}))
		srv := httptest.NewServer(h)
		resp, body := exchange(t, rawClient(srv), "GET", srv.URL, "Accept-Encoding", "gzip")
		srv.Close()
		if resp.Header.Get("Content-Type") != tt.ctype || resp.Header.Get("Content-Encoding") != tt.coding {
			t.Errorf("%.10q: Content-Type %q, Content-Encoding %q; want %q, %q", tt.body, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Encoding"), tt.ctype, tt.coding)
		}
		if got, err := decodeBody(tt.coding, body); err != nil || !bytes.Equal(got, tt.body) {
			t.Errorf("%.10q: body does not decode to what was sent (%v)", tt.body, err)
		}
	}
}

// TestCompressRequestUntouched: the conditional fields are rewritten in
// a copy of the request, not in the one the middleware around hold.
func TestCompressRequestUntouched(t *testing.T) {
	var seen []string
	h := NewCompress(CompressOptions{}).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header["If-None-Match"]
	}))
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Accept-Encoding", "br")
	r.Header.Set("If-None-Match", `"a-br", "b"`)
	h.ServeHTTP(httptest.NewRecorder(), r)
	if got := r.Header.Get("If-None-Match"); got != `"a-br", "b"` {
		t.Errorf("the caller's request now has If-None-Match %q", got)
	}
	if len(seen) != 1 || seen[0] != `"a-br", "a", "b"` {
		t.Errorf("the handler saw If-None-Match %q; want %q", seen, `"a-br", "a", "b"`)
	}
}

// TestCompressOtherCodingsETag: a tag of another coding's form is
// another representation's, and does not match.
func TestCompressOtherCodingsETag(t *testing.T) {
	srv := httptest.NewServer(NewCompress(CompressOptions{}).Handler(serveContent("text/plain", bigText)))
	defer srv.Close()
	resp, body := exchange(t, rawClient(srv), "GET", srv.URL, "Accept-Encoding", "gzip", "If-None-Match", `"v1-br"`)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") != `"v1-gzip"` {
		t.Errorf("gzip with If-None-Match of the br form: %d, ETag %q; want 200 with \"v1-gzip\"", resp.StatusCode, resp.Header.Get("ETag"))
	}
	checkCompressed(t, "gzip with the br form", resp, body, bigText, "gzip", true)
}

// TestCompressHijack: a handler that takes the connection over (a
// WebSocket, say) gets it, and nothing is written after it.
func TestCompressHijack(t *testing.T) {
	h := NewCompress(CompressOptions{}).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("Hijack: %v", err)
			return
		}
		defer c.Close()
		rw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")
		rw.Flush()
		if _, err := w.Write([]byte("x")); err != http.ErrHijacked {
			t.Errorf("Write after Hijack: %v; want http.ErrHijacked", err)
		}
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, body := exchange(t, rawClient(srv), "GET", srv.URL, "Accept-Encoding", "gzip")
	if resp.StatusCode != 200 || string(body) != "hi" {
		t.Errorf("hijacked response: %d %q", resp.StatusCode, body)
	}
}

// TestCompressResponseController: deadlines reach the connection through
// Unwrap.
func TestCompressResponseController(t *testing.T) {
	h := NewCompress(CompressOptions{}).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := http.NewResponseController(w).SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
			t.Errorf("SetWriteDeadline through Compress: %v", err)
		}
		w.Header().Set("Content-Type", "text/plain")
		w.Write(bigText)
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, body := exchange(t, rawClient(srv), "GET", srv.URL, "Accept-Encoding", "br")
	checkCompressed(t, "with a deadline", resp, body, bigText, "br", true)
}

// TestCompressPanic: a panic before anything is sent becomes Recover's
// plain 500; one after compressed bytes went out aborts the connection.
func TestCompressPanic(t *testing.T) {
	quiet := slog.New(slog.DiscardHandler)
	for _, tt := range []struct {
		name  string
		after bool
	}{{"before", false}, {"after", true}} {
		h := Recover(quiet)(NewCompress(CompressOptions{}).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("ETag", `"v1"`)
			w.Write(smallText) // held back
			if tt.after {
				w.Write(bigText)
				w.(http.Flusher).Flush()
			}
			panic("bug")
		})))
		srv := httptest.NewServer(h)
		req, _ := http.NewRequest("GET", srv.URL, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := rawClient(srv).Do(req)
		if tt.after {
			if err == nil {
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			if err == nil {
				t.Errorf("panic after a compressed flush: the response ended cleanly; want it cut")
			}
		} else {
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 500 || resp.Header.Get("Content-Encoding") != "" || resp.Header.Get("ETag") != "" || !strings.Contains(string(body), "Error code: 500") {
				t.Errorf("panic before any byte: %d, Content-Encoding %q, ETag %q; want the plain 500 page", resp.StatusCode, resp.Header.Get("Content-Encoding"), resp.Header.Get("ETag"))
			}
		}
		srv.Close()
	}
}

// TestCompressInformational: a 103 goes out at once and the final
// response is still judged.
func TestCompressInformational(t *testing.T) {
	h := NewCompress(CompressOptions{}).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</style.css>; rel=preload; as=style")
		w.WriteHeader(http.StatusEarlyHints)
		w.Header().Set("Content-Type", "text/html")
		w.Write(bigText)
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, body := exchange(t, rawClient(srv), "GET", srv.URL, "Accept-Encoding", "gzip")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	checkCompressed(t, "after a 103", resp, body, bigText, "gzip", true)
}
