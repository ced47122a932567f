package livereload

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/go-chi/chi/v5"
)

const tag = `<script src=".httpserver/live.js"></script>`

// static answers with body and the given header fields, as
// http.ServeContent does, so that Range and conditional requests work.
func static(body string, header ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		http.ServeContent(w, r, "", time.Time{}, strings.NewReader(body))
	})
}

func TestInject(t *testing.T) {
	l := newReloader(t, t.TempDir(), Options{})
	const page = "<!DOCTYPE html><html><body><p>hi</p></body></html>"
	for _, tt := range []struct {
		name    string
		h       http.Handler
		method  string
		header  []string // of the request
		code    int
		body    string
		changed bool
	}{
		{"a page", static(page, "Content-Type", "text/html; charset=utf-8"), "GET", nil, 200,
			"<!DOCTYPE html><html><body><p>hi</p>" + tag + "</body></html>", true},
		{"upper-case end tag with a space", static("<BODY>x</BODY >", "Content-Type", "TEXT/HTML"), "GET", nil, 200,
			"<BODY>x" + tag + "</BODY >", true},
		{"the first of two end tags", static("a</body>b</body>", "Content-Type", "text/html"), "GET", nil, 200,
			"a" + tag + "</body>b</body>", true},
		{"not an end tag", static("<bodyx></bodyx></body", "Content-Type", "text/html"), "GET", nil, 200,
			"<bodyx></bodyx></body" + tag, true},
		{"a fragment without </body>", static("<p>hi</p>", "Content-Type", "text/html"), "GET", nil, 200,
			"<p>hi</p>" + tag, true},
		{"an empty page", static("", "Content-Type", "text/html"), "GET", nil, 200, tag, true},
		{"HEAD", static(page, "Content-Type", "text/html"), "HEAD", nil, 200, "", true},
		{"a 404 page", errorPage(404), "GET", nil, 404, "", true},
		{"text with </body>", static(page, "Content-Type", "text/plain; charset=utf-8"), "GET", nil, 200, page, false},
		{"JSON", static(`{"a":"</body>"}`, "Content-Type", "application/json"), "GET", nil, 200, `{"a":"</body>"}`, false},
		{"XHTML", static(page, "Content-Type", "application/xhtml+xml"), "GET", nil, 200, page, false},
		{"CSS", static("body{}", "Content-Type", "text/css"), "GET", nil, 200, "body{}", false},
		{"a gzipped page", static("\x1f\x8b</body>", "Content-Type", "text/html", "Content-Encoding", "gzip"), "GET", nil, 200, "\x1f\x8b</body>", false},
		{"a Range request for a page", static(page, "Content-Type", "text/html"), "GET", []string{"Range", "bytes=0-9"}, 206, page[:10], false},
		{"a Range request for the whole page", static(page, "Content-Type", "text/html"), "GET", []string{"Range", "bytes=0-"}, 206, page, false},
		{"a 500 page", errorPage(500), "GET", nil, 500, "", false},
		{"a redirect", http.RedirectHandler("/x/", http.StatusMovedPermanently), "GET", nil, 301, "", false},
		{"POST", static(page, "Content-Type", "text/html"), "POST", nil, 200, page, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			plain := httptest.NewRecorder()
			r := httptest.NewRequest(tt.method, "/", nil)
			for i := 0; i+1 < len(tt.header); i += 2 {
				r.Header.Set(tt.header[i], tt.header[i+1])
			}
			tt.h.ServeHTTP(plain, r)
			w := httptest.NewRecorder()
			l.Inject(tt.h).ServeHTTP(w, r)

			if w.Code != tt.code {
				t.Errorf("status = %d; want %d", w.Code, tt.code)
			}
			if tt.body != "" && w.Body.String() != tt.body {
				t.Errorf("body = %q; want %q", w.Body, tt.body)
			}
			if !tt.changed && w.Body.String() != plain.Body.String() {
				t.Errorf("body = %q; want it untouched, %q", w.Body, plain.Body)
			}
			if got := strings.Count(w.Body.String(), "live.js"); tt.changed && tt.method != "HEAD" && got != 1 || !tt.changed && got != 0 {
				t.Errorf("the script is in the body %d times:\n%s", got, w.Body)
			}
			wantCL := plain.Header().Get("Content-Length")
			if tt.changed && wantCL != "" {
				n, _ := strconv.Atoi(wantCL)
				wantCL = strconv.Itoa(n + len(tag))
			}
			if got := w.Header().Get("Content-Length"); got != wantCL {
				t.Errorf("Content-Length = %q; want %q", got, wantCL)
			}
			if cl := w.Header().Get("Content-Length"); cl != "" && tt.method == "GET" && cl != strconv.Itoa(w.Body.Len()) {
				t.Errorf("Content-Length = %s for a body of %d bytes", cl, w.Body.Len())
			}
		})
	}
}

// errorPage answers with an HTML error page of the given status.
func errorPage(code int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := "<html><body><h1>" + http.StatusText(code) + "</h1></body></html>\n"
		w.Header().Set("Content-Type", "text/html;charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(code)
		io.WriteString(w, body)
	})
}

// TestInjectStreaming writes a page in pieces split everywhere, through
// Write, through ReadFrom with one byte at a time, and with flushes, and
// checks that the script lands once, before the first </body>.
func TestInjectStreaming(t *testing.T) {
	l := newReloader(t, t.TempDir(), Options{})
	const page = "<html><body>a<b>b</b></BODY\n>c</body>"
	want := "<html><body>a<b>b</b>" + tag + "</BODY\n>c</body>"
	for split := range len(page) + 1 {
		for _, how := range []string{"write", "readfrom", "flush"} {
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				switch how {
				case "write":
					io.WriteString(w, page[:split])
					io.WriteString(w, page[split:])
				case "readfrom":
					w.(io.ReaderFrom).ReadFrom(iotest.OneByteReader(strings.NewReader(page)))
				case "flush":
					io.WriteString(w, page[:split])
					http.NewResponseController(w).Flush()
					io.WriteString(w, page[split:])
				}
			})
			w := httptest.NewRecorder()
			l.Inject(h).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
			if w.Body.String() != want {
				t.Fatalf("%s split at %d: %q; want %q", how, split, w.Body, want)
			}
		}
	}
}

// FuzzInject checks that however a page is cut into writes, the page with
// the script is the same, and is the page with the script inserted once.
func FuzzInject(f *testing.F) {
	for _, s := range []string{"", "</body>", "<p></BoDy >x", "<</body\t>", "</bod", "</body", "a</body>b</body>", "<body></body/>", "\xff</body>\x00"} {
		f.Add([]byte(s), uint8(3))
	}
	l := &Reloader{tag: []byte(tag)}
	f.Fuzz(func(t *testing.T, page []byte, step uint8) {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			n := int(step%16) + 1
			for b := page; len(b) > 0; {
				k := min(n, len(b))
				w.Write(b[:k])
				b = b[k:]
			}
		})
		w := httptest.NewRecorder()
		l.Inject(h).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		got := w.Body.Bytes()
		i, _ := indexEndBody(page)
		want := append(page[:len(page):len(page)], tag...)
		if i >= 0 {
			want = append(append(append([]byte{}, page[:i]...), tag...), page[i:]...)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("page %q in writes of %d: %q; want %q", page, int(step%16)+1, got, want)
		}
		if i >= 0 && !bytes.EqualFold(page[i:i+len(endBody)], []byte(endBody)) {
			t.Fatalf("page %q: the script goes before %q", page, page[i:])
		}
		if bytes.Count(got, []byte(tag)) != bytes.Count(page, []byte(tag))+1 {
			t.Fatalf("page %q: the script is not there once more: %q", page, got)
		}
	})
}

// TestInjectValidators follows a browser's cache through Inject in front
// of the file server: a page cached with the script revalidates to 304, a
// page cached without it (before live reload was on) never does, and
// assets keep their 304s.
func TestInjectValidators(t *testing.T) {
	dir, files := served(t, map[string]string{"index.html": "<body>v1</body>", "style.css": "p{}"})
	l := newReloader(t, dir, Options{})
	live := server(t, l.Handler(files))
	plain := server(t, files)

	resp, body := get(t, "GET", live.URL+"/index.html")
	etag, lastMod := resp.Header.Get("Etag"), resp.Header.Get("Last-Modified")
	if resp.StatusCode != 200 || body != "<body>v1"+tag+"</body>" || !strings.Contains(etag, l.etagSuffix+`"`) || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("GET /index.html: %s %q, ETag %q, Cache-Control %q", resp.Status, body, etag, resp.Header.Get("Cache-Control"))
	}
	presp, _ := get(t, "GET", plain.URL+"/index.html")
	bare := presp.Header.Get("Etag")
	if bare == etag || strings.Contains(bare, l.etagSuffix) {
		t.Fatalf("ETag without live reload %q, with %q", bare, etag)
	}

	for _, tt := range []struct {
		name   string
		header []string
		code   int
	}{
		{"cached with the script", []string{"If-None-Match", etag}, 304},
		{"cached with the script, weak comparison", []string{"If-None-Match", "W/" + etag}, 304},
		{"cached with the script, in a list", []string{"If-None-Match", `"x", ` + bare + `, ` + etag}, 304},
		{"cached without the script", []string{"If-None-Match", bare}, 200},
		{"cached without the script, by date", []string{"If-Modified-Since", presp.Header.Get("Last-Modified")}, 200},
		{"cached without the script, both", []string{"If-None-Match", bare, "If-Modified-Since", lastMod}, 200},
		{"any", []string{"If-None-Match", "*"}, 304},
		{"malformed", []string{"If-None-Match", `abc, ` + etag}, 200},
		{"If-Match with the script", []string{"If-Match", etag}, 200},
		{"If-Match without the script", []string{"If-Match", bare}, 412},
	} {
		resp, body := get(t, "GET", live.URL+"/index.html", tt.header...)
		if resp.StatusCode != tt.code {
			t.Errorf("%s %q: status = %d; want %d", tt.name, tt.header, resp.StatusCode, tt.code)
		}
		if resp.StatusCode == 304 && resp.Header.Get("Etag") != etag {
			t.Errorf("%s: 304 with ETag %q; want %q", tt.name, resp.Header.Get("Etag"), etag)
		}
		if resp.StatusCode == 200 && body != "<body>v1"+tag+"</body>" {
			t.Errorf("%s: 200 with %q", tt.name, body)
		}
	}

	// Without live reload, the copy with the script is not taken for the
	// file either.
	if resp, _ := get(t, "GET", plain.URL+"/index.html", "If-None-Match", etag); resp.StatusCode != 200 {
		t.Errorf("without live reload, If-None-Match with the script's ETag: %s; want 200", resp.Status)
	}

	// The page changes: its cached copy is stale.
	later := time.Now().Add(2 * time.Second)
	writeFiles(t, dir, map[string]string{"index.html": "<body>v2</body>"})
	os.Chtimes(filepath.Join(dir, "index.html"), later, later)
	if resp, body := get(t, "GET", live.URL+"/index.html", "If-None-Match", etag); resp.StatusCode != 200 || body != "<body>v2"+tag+"</body>" {
		t.Errorf("after an edit, If-None-Match with the old ETag: %s %q", resp.Status, body)
	}

	// Assets keep revalidating to 304.
	resp, body = get(t, "GET", live.URL+"/style.css")
	cssTag := resp.Header.Get("Etag")
	if body != "p{}" || !strings.Contains(cssTag, l.etagSuffix) {
		t.Fatalf("GET /style.css: %q, ETag %q", body, cssTag)
	}
	if resp, _ := get(t, "GET", live.URL+"/style.css", "If-None-Match", cssTag); resp.StatusCode != 304 {
		t.Errorf("GET /style.css with its ETag: %s; want 304", resp.Status)
	}

	// A Range request is answered from the file, with the file's ETag.
	resp, body = get(t, "GET", live.URL+"/index.html", "Range", "bytes=0-5")
	if resp.StatusCode != 206 || body != "<body>" || resp.Header.Get("Etag") == "" || strings.Contains(resp.Header.Get("Etag"), l.etagSuffix) {
		t.Errorf("Range: %s %q, ETag %q", resp.Status, body, resp.Header.Get("Etag"))
	}
	// A HEAD announces the length of the page with the script.
	resp, _ = get(t, "HEAD", live.URL+"/index.html")
	if cl := resp.Header.Get("Content-Length"); cl != strconv.Itoa(len("<body>v2</body>")+len(tag)) {
		t.Errorf("HEAD: Content-Length %q", cl)
	}
}

// TestInjectKeepsSendfile checks that a response without the script
// still reaches the inner writer's ReadFrom, net/http's sendfile path.
func TestInjectKeepsSendfile(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"big.bin": strings.Repeat("x", 64<<10)})
	l := newReloader(t, dir, Options{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Open(filepath.Join(dir, "big.bin"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		w.Header().Set("Content-Type", "application/octet-stream")
		io.Copy(w, f)
	})
	w := &readFromRecorder{ResponseRecorder: httptest.NewRecorder()}
	l.Inject(h).ServeHTTP(w, httptest.NewRequest("GET", "/big.bin", nil))
	if w.readFrom == 0 || w.Body.Len() != 64<<10 {
		t.Errorf("ReadFrom reached the inner writer %d times, %d bytes", w.readFrom, w.Body.Len())
	}
}

type readFromRecorder struct {
	*httptest.ResponseRecorder
	readFrom int
}

func (w *readFromRecorder) ReadFrom(src io.Reader) (int64, error) {
	w.readFrom++
	return io.Copy(w.ResponseRecorder, src)
}

// TestInjectUnderMount serves the same tree at the root, under a prefix
// with StripPrefix (ServeMux and chi), and under a chi Mount without
// StripPrefix, and checks that the script each page names is found.
func TestInjectUnderMount(t *testing.T) {
	dir, files := served(t, map[string]string{"index.html": "<body>root</body>", "sub/page.html": "<body>page</body>"})
	l := newReloader(t, dir, Options{})

	mux := http.NewServeMux()
	mux.Handle("/app/", http.StripPrefix("/app", l.Handler(files)))
	stripped := chi.NewRouter()
	stripped.Mount("/app", http.StripPrefix("/app", l.Handler(files)))
	plainMount := chi.NewRouter()
	plainMount.Mount("/app", l.Handler(files))
	mounted := chi.NewRouter()
	mounted.Route("/app", func(r chi.Router) {
		r.Use(l.Handler)
		r.Handle("/*", files)
	})
	for name, tt := range map[string]struct {
		h      http.Handler
		prefix string
	}{
		"root":                          {l.Handler(files), ""},
		"ServeMux with StripPrefix":     {mux, "/app"},
		"chi Mount with StripPrefix":    {stripped, "/app"},
		"chi Route without StripPrefix": {mounted, "/app"},
		"chi Mount without StripPrefix": {plainMount, "/app"},
	} {
		srv := server(t, tt.h)
		for _, p := range []string{"/", "/index.html", "/sub/page.html", "/sub/"} {
			page := srv.URL + tt.prefix + p
			resp, body := get(t, "GET", page)
			if p == "/sub/" {
				if resp.StatusCode != 200 {
					t.Errorf("%s: GET %s: %s", name, page, resp.Status)
				}
				continue // a listing: its CSP allows no script, but it has one
			}
			if resp.StatusCode != 200 || !strings.Contains(body, tag) {
				t.Errorf("%s: GET %s: %s %q", name, page, resp.Status, body)
				continue
			}
			base, _ := url.Parse(page)
			script := base.ResolveReference(&url.URL{Path: Dir + "/live.js"}).String()
			if !strings.HasPrefix(script, srv.URL+tt.prefix+"/") {
				t.Errorf("%s: the script of %s is %s, outside the mount", name, page, script)
			}
			if resp, body := get(t, "GET", script); resp.StatusCode != 200 || body != liveJS {
				t.Errorf("%s: the script of %s, %s: %s", name, page, script, resp.Status)
			}
			events := base.ResolveReference(&url.URL{Path: Dir + "/events"}).String()
			s := openStream(t, events)
			s.cancel()
		}
	}
}
