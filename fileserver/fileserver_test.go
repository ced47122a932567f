package fileserver

import (
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/pyhttp/httpserver/middleware"
)

var modtime = time.Date(2026, 11, 23, 18, 53, 0, 0, time.UTC)

func testFS() fstest.MapFS {
	file, dir := mapFile, mapDir()
	return fstest.MapFS{
		"hello.txt":              file("Hello, world!\n"),
		"page.html":              file("<h1>hi</h1>"),
		"data.bin":               file("0123456789abcdefghijklmnopqrstuvwxyz"),
		"README":                 file("plain words"),
		"upload":                 file("<html><script>alert(1)</script>"),
		".env":                   file("SECRET=1"),
		".git/config":            file("[core]"),
		"site":                   dir,
		"site/index.html":        file("<p>index</p>"),
		"site/index.htm":         file("<p>htm</p>"),
		"old":                    dir,
		"old/index.htm":          file("<p>old index</p>"),
		"weird":                  dir,
		"weird/index.html":       dir, // a directory named like an index (gh-100474)
		"weird/index.html/x":     file("x"),
		"empty":                  dir,
		"files":                  dir,
		"files/a.txt":            file("a"),
		"zero.txt":               file(""),
		"fifo":                   &fstest.MapFile{Mode: fs.ModeNamedPipe},
		"space name.txt":         file("spaced"),
		"nested/deep/leaf.txt":   file("leaf"),
		"nested/deep/index.html": file("deep index"),
	}
}

type result struct {
	code   int
	header http.Header
	body   string
}

func do(t *testing.T, h http.Handler, method, target string, header ...string) result {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Add(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return result{w.Code, w.Result().Header, w.Body.String()}
}

func TestServe(t *testing.T) {
	h := New(testFS(), Options{})
	for _, tt := range []struct {
		method, target string
		code           int
		ctype          string
		body           string // substring
		location       string
	}{
		{"GET", "/hello.txt", 200, "text/plain; charset=utf-8", "Hello, world!\n", ""},
		{"GET", "/page.html", 200, "text/html; charset=utf-8", "<h1>hi</h1>", ""},
		{"GET", "/README", 200, "text/plain; charset=utf-8", "plain words", ""},
		{"GET", "/upload", 200, "text/plain; charset=utf-8", "<script>", ""}, // sniffed, never as HTML
		{"GET", "/space%20name.txt", 200, "text/plain; charset=utf-8", "spaced", ""},
		{"GET", "/zero.txt", 200, "text/plain; charset=utf-8", "", ""},
		{"GET", "/.env", 200, "text/plain; charset=utf-8", "SECRET", ""}, // dotfiles served, as in Python
		{"GET", "/site/", 200, "text/html; charset=utf-8", "<p>index</p>", ""},
		{"GET", "/old/", 200, "text/html; charset=utf-8", "<p>old index</p>", ""},
		{"GET", "/nested/deep/", 200, "text/html; charset=utf-8", "deep index", ""},
		{"GET", "/weird/", 200, "text/html; charset=utf-8", "index.html", ""}, // listed, not served
		{"GET", "/files/", 200, "text/html; charset=utf-8", "a.txt", ""},
		{"GET", "/", 200, "text/html; charset=utf-8", "hello.txt", ""},
		{"GET", "/site", 301, "", "", "site/"},
		{"GET", "/site?a=1&b=2", 301, "", "", "site/?a=1&b=2"},
		{"GET", "/nested/deep", 301, "", "", "deep/"},
		{"HEAD", "/site", 301, "", "", "site/"},
		{"GET", "/missing", 404, "text/html;charset=utf-8", "File not found", ""},
		{"GET", "/hello.txt/", 404, "text/html;charset=utf-8", "File not found", ""},
		{"GET", "/hello.txt/x", 404, "text/html;charset=utf-8", "File not found", ""},
		{"GET", "/fifo", 404, "text/html;charset=utf-8", "File not found", ""},
		{"GET", "/../../etc/passwd", 404, "text/html;charset=utf-8", "File not found", ""},
		{"GET", "/a%00b", 404, "text/html;charset=utf-8", "File not found", ""},
		{"GET", "/site/../hello.txt", 200, "text/plain; charset=utf-8", "Hello", ""},
		// A fragment in the request target is dropped, as Python does.
		{"GET", "/hello.txt#top", 200, "text/plain; charset=utf-8", "Hello", ""},
		{"GET", "/space%20name.txt#a%20b", 200, "text/plain; charset=utf-8", "spaced", ""},
		{"GET", "/files/#", 200, "text/html; charset=utf-8", "a.txt", ""},
		{"GET", "/site#x", 301, "", "", "site/"},
		{"GET", "/hello.txt%23top", 404, "text/html;charset=utf-8", "File not found", ""}, // %23 is part of the name
		{"PUT", "/hello.txt", 501, "text/html;charset=utf-8", "Unsupported method ('PUT')", ""},
		{"POST", "/", 501, "text/html;charset=utf-8", "Unsupported method", ""},
		{"DELETE", "/missing", 501, "text/html;charset=utf-8", "Error code: 501", ""},
	} {
		got := do(t, h, tt.method, tt.target)
		if got.code != tt.code {
			t.Errorf("%s %q: status = %d; want %d (body %q)", tt.method, tt.target, got.code, tt.code, got.body)
			continue
		}
		if ct := got.header.Get("Content-Type"); tt.ctype != "" && ct != tt.ctype {
			t.Errorf("%s %q: Content-Type = %q; want %q", tt.method, tt.target, ct, tt.ctype)
		}
		if !strings.Contains(got.body, tt.body) {
			t.Errorf("%s %q: body = %q; want it to contain %q", tt.method, tt.target, got.body, tt.body)
		}
		if loc := got.header.Get("Location"); loc != tt.location {
			t.Errorf("%s %q: Location = %q; want %q", tt.method, tt.target, loc, tt.location)
		}
		if tt.code == 301 && (got.header.Get("Content-Length") != "0" || got.body != "") {
			t.Errorf("%s %q: redirect has Content-Length %q, body %q; want 0, empty", tt.method, tt.target, got.header.Get("Content-Length"), got.body)
		}
	}
}

// TestUnsupportedMethodPage checks the 501 page against Python's bytes.
// Python escapes the message with html.escape(quote=False), so the quotes
// around the method stay quotes.
func TestUnsupportedMethodPage(t *testing.T) {
	got := do(t, New(testFS(), Options{}), "PUT", "/hello.txt")
	if got.header.Get("Allow") != "GET, HEAD" {
		t.Errorf("PUT: Allow = %q; want %q", got.header.Get("Allow"), "GET, HEAD")
	}
	for _, want := range []string{
		"<p>Message: Unsupported method ('PUT').</p>",
		"<p>Error code explanation: 501 - Server does not support this operation.</p>",
	} {
		if !strings.Contains(got.body, want) {
			t.Errorf("PUT: body = %q; want it to contain %q", got.body, want)
		}
	}
}

func TestFileHeaders(t *testing.T) {
	h := New(testFS(), Options{})
	get := do(t, h, "GET", "/hello.txt")
	head := do(t, h, "HEAD", "/hello.txt")
	for name, want := range map[string]string{
		"Content-Type":           "text/plain; charset=utf-8",
		"Content-Length":         "14",
		"Last-Modified":          "Mon, 23 Nov 2026 18:53:00 GMT",
		"Accept-Ranges":          "bytes",
		"X-Content-Type-Options": "nosniff",
		"Etag":                   modtimeETag(14, modtime),
	} {
		if got := get.header.Get(name); got != want {
			t.Errorf("GET: %s = %q; want %q", name, got, want)
		}
		if got := head.header.Get(name); got != want {
			t.Errorf("HEAD: %s = %q; want %q", name, got, want)
		}
	}
	if head.body != "" {
		t.Errorf("HEAD: body = %q; want none", head.body)
	}
}

func TestDotfilesAndListingOptions(t *testing.T) {
	hidden := New(testFS(), Options{HideDotfiles: true})
	for _, target := range []string{"/.env", "/.git/config", "/.git/", "/.git", "/site/../.env"} {
		if got := do(t, hidden, "GET", target); got.code != 404 {
			t.Errorf("HideDotfiles: GET %q: status = %d; want 404", target, got.code)
		}
	}
	if got := do(t, hidden, "GET", "/"); strings.Contains(got.body, ".env") {
		t.Errorf("HideDotfiles: listing shows .env: %q", got.body)
	}

	noList := New(testFS(), Options{NoListing: true})
	for target, want := range map[string]int{"/files/": 404, "/": 404, "/site/": 200, "/files/a.txt": 200} {
		if got := do(t, noList, "GET", target); got.code != want {
			t.Errorf("NoListing: GET %q: status = %d; want %d", target, got.code, want)
		}
	}

	custom := New(testFS(), Options{IndexNames: []string{"index.htm"}})
	if got := do(t, custom, "GET", "/site/"); got.body != "<p>htm</p>" {
		t.Errorf("IndexNames [index.htm]: GET /site/ = %q; want the .htm", got.body)
	}
	none := New(testFS(), Options{IndexNames: []string{}})
	if got := do(t, none, "GET", "/site/"); !strings.Contains(got.body, "index.html") || got.body == "<p>index</p>" {
		t.Errorf("IndexNames []: GET /site/ = %q; want a listing", got.body)
	}
}

func TestConditional(t *testing.T) {
	h := New(testFS(), Options{})
	first := do(t, h, "GET", "/hello.txt")
	etag, lm := first.header.Get("Etag"), first.header.Get("Last-Modified")
	older := modtime.Add(-time.Hour).Format(http.TimeFormat)
	for _, tt := range []struct {
		name   string
		header []string
		code   int
	}{
		{"If-None-Match match", []string{"If-None-Match", etag}, 304},
		{"If-None-Match list", []string{"If-None-Match", `"x", ` + etag}, 304},
		{"If-None-Match star", []string{"If-None-Match", "*"}, 304},
		{"If-None-Match other", []string{"If-None-Match", `"other"`}, 200},
		{"If-Modified-Since equal", []string{"If-Modified-Since", lm}, 304},
		{"If-Modified-Since older", []string{"If-Modified-Since", older}, 200},
		{"If-Modified-Since garbage", []string{"If-Modified-Since", "yesterday"}, 200},
		// If-None-Match present: If-Modified-Since is ignored (RFC 9110 §13.2.2, and Python).
		{"INM other wins over IMS", []string{"If-None-Match", `"other"`, "If-Modified-Since", lm}, 200},
		{"If-Match match", []string{"If-Match", etag}, 200},
		{"If-Match other", []string{"If-Match", `"other"`}, 412},
		{"If-Unmodified-Since older", []string{"If-Unmodified-Since", older}, 412},
		{"If-Unmodified-Since equal", []string{"If-Unmodified-Since", lm}, 200},
	} {
		got := do(t, h, "GET", "/hello.txt", tt.header...)
		if got.code != tt.code {
			t.Errorf("%s: status = %d; want %d", tt.name, got.code, tt.code)
		}
		switch tt.code {
		case 304:
			if got.body != "" {
				t.Errorf("%s: 304 has body %q", tt.name, got.body)
			}
		case 412:
			if !strings.Contains(got.body, "Error code: 412") || got.header.Get("Etag") != "" {
				t.Errorf("%s: 412 body %q, ETag %q; want the error page, no ETag", tt.name, got.body, got.header.Get("Etag"))
			}
		}
	}
}

func TestRanges(t *testing.T) {
	h := New(testFS(), Options{})
	const data = "0123456789abcdefghijklmnopqrstuvwxyz" // 36 bytes
	etag := do(t, h, "GET", "/data.bin").header.Get("Etag")
	for _, tt := range []struct {
		name, rng string
		extra     []string
		code      int
		body      string // exact, unless multipart
		crange    string
	}{
		{"first ten", "bytes=0-9", nil, 206, "0123456789", "bytes 0-9/36"},
		{"open end", "bytes=30-", nil, 206, "uvwxyz", "bytes 30-35/36"},
		{"suffix", "bytes=-3", nil, 206, "xyz", "bytes 33-35/36"},
		{"suffix longer than file", "bytes=-100", nil, 206, data, "bytes 0-35/36"},
		{"end past size", "bytes=34-99", nil, 206, "yz", "bytes 34-35/36"},
		{"overlapping merged", "bytes=0-5,3-9", nil, 206, "0123456789", "bytes 0-9/36"},
		{"nearby merged", "bytes=0-1,20-21", nil, 206, "0123456789abcdefghijkl", "bytes 0-21/36"},
		{"unit case", "BYTES=0-0", nil, 206, "0", "bytes 0-0/36"},
		{"unsatisfiable", "bytes=36-", nil, 416, "", "bytes */36"},
		{"suffix zero", "bytes=-0", nil, 416, "", "bytes */36"},
		{"other unit ignored", "items=0-1", nil, 200, data, ""},
		{"garbage ignored", "bytes=a-b", nil, 200, data, ""},
		{"inverted ignored", "bytes=9-0", nil, 200, data, ""},
		{"If-Range match", "bytes=0-0", []string{"If-Range", etag}, 206, "0", "bytes 0-0/36"},
		{"If-Range other", "bytes=0-0", []string{"If-Range", `"other"`}, 200, data, ""},
		{"If-Range other, unsatisfiable", "bytes=99-", []string{"If-Range", `"other"`}, 200, data, ""},
	} {
		got := do(t, h, "GET", "/data.bin", append([]string{"Range", tt.rng}, tt.extra...)...)
		if got.code != tt.code {
			t.Errorf("%s: Range %q: status = %d; want %d", tt.name, tt.rng, got.code, tt.code)
			continue
		}
		if cr := got.header.Get("Content-Range"); cr != tt.crange {
			t.Errorf("%s: Content-Range = %q; want %q", tt.name, cr, tt.crange)
		}
		if tt.code == 416 {
			if !strings.Contains(got.body, "Error code: 416") {
				t.Errorf("%s: 416 body = %q; want the error page", tt.name, got.body)
			}
			continue
		}
		if got.body != tt.body {
			t.Errorf("%s: body = %q; want %q", tt.name, got.body, tt.body)
		}
	}
}

func TestMultipleRanges(t *testing.T) {
	data := strings.Repeat("0123456789", 100) // 1000 bytes
	fsys := fstest.MapFS{"f.bin": {Data: []byte(data), ModTime: modtime}}
	h := New(fsys, Options{})

	got := do(t, h, "GET", "/f.bin", "Range", "bytes=0-9,500-509")
	if got.code != 206 || !strings.HasPrefix(got.header.Get("Content-Type"), "multipart/byteranges; boundary=") {
		t.Fatalf("two ranges: status %d, Content-Type %q; want 206 multipart/byteranges", got.code, got.header.Get("Content-Type"))
	}
	if n := strings.Count(got.body, "Content-Range: bytes "); n != 2 {
		t.Errorf("two ranges: %d parts; want 2", n)
	}

	// A thousand one-byte ranges: ServeContent alone answers ~35 KiB.
	// Spread out, they exceed MaxRanges and the whole file comes back;
	// overlapping, they merge into one.
	var spread, same []string
	for i := range 1000 {
		spread = append(spread, strconvI(i)+"-"+strconvI(i))
		same = append(same, "0-0")
	}
	for name, rng := range map[string]string{"spread": "bytes=" + strings.Join(spread, ","), "same": "bytes=" + strings.Join(same, ",")} {
		got := do(t, h, "GET", "/f.bin", "Range", rng)
		if len(got.body) > len(data)+1024 {
			t.Errorf("%s: 1000 ranges: %d bytes for a %d-byte file", name, len(got.body), len(data))
		}
	}
	// Every 200th byte: 5 parts, fine. Every 10th byte: merged.
	var sparse []string
	for i := 0; i < 1000; i += 200 {
		sparse = append(sparse, strconvI(i)+"-"+strconvI(i))
	}
	got = do(t, h, "GET", "/f.bin", "Range", "bytes="+strings.Join(sparse, ","))
	if n := strings.Count(got.body, "Content-Range: bytes "); got.code != 206 || n != 5 {
		t.Errorf("5 sparse ranges: status %d, %d parts; want 206, 5", got.code, n)
	}
	limited := New(fsys, Options{MaxRanges: 2})
	if got := do(t, limited, "GET", "/f.bin", "Range", "bytes="+strings.Join(sparse, ",")); got.code != 200 || got.body != data {
		t.Errorf("MaxRanges 2, 5 ranges: status %d; want 200 and the whole file", got.code)
	}
}

func strconvI(i int) string { return string(appendInt(nil, i)) }

func appendInt(b []byte, i int) []byte {
	if i >= 10 {
		b = appendInt(b, i/10)
	}
	return append(b, byte('0'+i%10))
}

func TestEmptyFileRange(t *testing.T) {
	got := do(t, New(testFS(), Options{}), "GET", "/zero.txt", "Range", "bytes=0-10")
	if got.code != 200 || got.body != "" {
		t.Errorf("Range on empty file: status %d, body %q; want 200, empty", got.code, got.body)
	}
}

func TestETags(t *testing.T) {
	a := fstest.MapFS{"f": {Data: []byte("same bytes"), ModTime: modtime}}
	b := fstest.MapFS{"f": {Data: []byte("same bytes"), ModTime: modtime.Add(time.Hour)}}
	ea := do(t, New(a, Options{}), "GET", "/f").header.Get("Etag")
	eb := do(t, New(b, Options{}), "GET", "/f").header.Get("Etag")
	if ea == eb {
		t.Errorf("modtime ETags for different mtimes are equal: %q", ea)
	}
	ha := New(a, Options{ContentHashETags: true})
	hb := New(b, Options{ContentHashETags: true})
	ca := do(t, ha, "GET", "/f").header.Get("Etag")
	cb := do(t, hb, "GET", "/f").header.Get("Etag")
	if ca != cb || len(ca) != 34 {
		t.Errorf("content ETags = %q, %q; want equal, 32 hex digits quoted", ca, cb)
	}
	// A replica's ETag validates at the other.
	if got := do(t, hb, "GET", "/f", "If-None-Match", ca); got.code != 304 {
		t.Errorf("If-None-Match with the other replica's ETag: status %d; want 304", got.code)
	}
	// Cached, and invalidated by a change.
	if again := do(t, ha, "GET", "/f").header.Get("Etag"); again != ca {
		t.Errorf("second content ETag = %q; want %q", again, ca)
	}
	a["f"] = &fstest.MapFile{Data: []byte("other bytes"), ModTime: modtime.Add(time.Minute)}
	if changed := do(t, ha, "GET", "/f").header.Get("Etag"); changed == ca {
		t.Errorf("content ETag after a change = %q; want a new one", changed)
	}

	// No modification time (embed.FS): a content ETag and no Last-Modified.
	undated := New(fstest.MapFS{"f": {Data: []byte("same bytes")}}, Options{})
	got := do(t, undated, "GET", "/f")
	if got.header.Get("Etag") != ca || got.header.Get("Last-Modified") != "" {
		t.Errorf("undated file: ETag %q, Last-Modified %q; want %q and none", got.header.Get("Etag"), got.header.Get("Last-Modified"), ca)
	}
}

// faultFS fails in chosen ways, to reach the error paths.
type faultFS struct {
	fs.FS
	statErr, openErr error
	file             func(fs.File) fs.File
}

func (f faultFS) Stat(name string) (fs.FileInfo, error) {
	if f.statErr != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: f.statErr}
	}
	return fs.Stat(f.FS, name)
}

func (f faultFS) Open(name string) (fs.File, error) {
	if f.openErr != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: f.openErr}
	}
	file, err := f.FS.Open(name)
	if err == nil && f.file != nil {
		file = f.file(file)
	}
	return file, err
}

// noSeekFile hides Seek.
type noSeekFile struct{ fs.File }

// failingReader's reads fail: a disk error mid-way.
type failingReader struct{ fs.File }

func (failingReader) Read([]byte) (int, error)       { return 0, errors.New("EIO") }
func (failingReader) Seek(int64, int) (int64, error) { return 0, nil }

func TestErrorPaths(t *testing.T) {
	base := testFS()
	for _, tt := range []struct {
		name   string
		fsys   fs.FS
		target string
		code   int
	}{
		{"stat permission", faultFS{FS: base, statErr: fs.ErrPermission}, "/hello.txt", 403},
		{"open permission", faultFS{FS: base, openErr: fs.ErrPermission}, "/hello.txt", 403},
		{"stat invalid", faultFS{FS: base, statErr: fs.ErrInvalid}, "/hello.txt", 404},
		{"open vanished", faultFS{FS: base, openErr: fs.ErrNotExist}, "/hello.txt", 404},
		{"list permission", faultFS{FS: base, openErr: fs.ErrPermission}, "/files/", 403},
		{"list failure", faultFS{FS: base, openErr: errors.New("EIO")}, "/files/", 404},
		{"no seek", faultFS{FS: base, file: func(f fs.File) fs.File { return noSeekFile{f} }}, "/hello.txt", 500},
		{"read error while sniffing", faultFS{FS: base, file: func(f fs.File) fs.File { return failingReader{f} }}, "/README", 500},
		{"read error while hashing", faultFS{FS: fstest.MapFS{"f.txt": {Data: []byte("x")}}, file: func(f fs.File) fs.File { return failingReader{f} }}, "/f.txt", 500},
	} {
		got := do(t, New(tt.fsys, Options{ErrorLog: discardLog}), "GET", tt.target)
		if got.code != tt.code {
			t.Errorf("%s: GET %q: status = %d; want %d", tt.name, tt.target, got.code, tt.code)
		}
		if strings.Contains(got.body, "EIO") || strings.Contains(got.body, "seek") {
			t.Errorf("%s: internal error text reached the client: %q", tt.name, got.body)
		}
		if !strings.Contains(got.body, "Error code: ") {
			t.Errorf("%s: body = %q; want the error page", tt.name, got.body)
		}
	}
}

// TestErrorPagesAround checks that middleware.ErrorPages around the
// handler gives its own errors, and ServeContent's, the app's page.
func TestErrorPagesAround(t *testing.T) {
	h := middleware.NewErrorPages(middleware.ErrorPagesOptions{
		Template:    mustTemplate(`<b>{{.Code}} {{.Message}}</b> {{.Explain}}`),
		ContentType: "text/html; charset=utf-8",
	}).Handler(New(testFS(), Options{}))
	got := do(t, h, "GET", "/missing")
	if got.body != "<b>404 File not found</b> Nothing matches the given URI" {
		t.Errorf("custom error page = %q", got.body)
	}
	if got.header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("custom error Content-Type = %q", got.header.Get("Content-Type"))
	}
	if head := do(t, h, "HEAD", "/missing"); head.body != "" || head.code != 404 {
		t.Errorf("HEAD /missing: %d %q; want 404 and no body", head.code, head.body)
	}
	if got := do(t, h, "GET", "/hello.txt", "Range", "bytes=100-"); got.code != 416 || got.body != "<b>416 Requested Range Not Satisfiable</b> Cannot satisfy request range" {
		t.Errorf("unsatisfiable range: %d %q; want 416 and the custom page", got.code, got.body)
	}
}

// recorderWithReadFrom is a ResponseWriter whose ReadFrom is recorded, to
// show that sendfile stays reachable through the error-page writer.
type recorderWithReadFrom struct {
	*httptest.ResponseRecorder
	readFrom bool
}

func (r *recorderWithReadFrom) ReadFrom(src io.Reader) (int64, error) {
	r.readFrom = true
	return io.Copy(r.ResponseRecorder, src)
}

// TestReadFromReachable: a file read from the FS reaches the writer's
// ReadFrom (net/http's sendfile) through any range or precondition; bytes
// kept in memory are written plainly, in one write with the header.
func TestReadFromReachable(t *testing.T) {
	fsys := testFS()
	fsys["big.bin"] = &fstest.MapFile{Data: make([]byte, cacheMaxFileBytes+1), ModTime: modtime}
	h := New(fsys, Options{})
	for _, tt := range []struct {
		path     string
		readFrom bool
	}{
		{"/big.bin", true},
		{"/data.bin", false},
	} {
		for _, header := range [][]string{nil, {"Range", "bytes=0-3"}, {"If-Match", "*"}} {
			r := httptest.NewRequest("GET", tt.path, nil)
			for i := 0; i+1 < len(header); i += 2 {
				r.Header.Set(header[i], header[i+1])
			}
			w := &recorderWithReadFrom{ResponseRecorder: httptest.NewRecorder()}
			h.ServeHTTP(w, r)
			if w.readFrom != tt.readFrom || w.Code/100 != 2 {
				t.Errorf("GET %s with %q: status %d, ReadFrom used = %v; want 2xx and %v", tt.path, header, w.Code, w.readFrom, tt.readFrom)
			}
		}
	}
}

// TestLastModifiedMadeOnce: the Last-Modified made once per version of
// a file is the one ServeContent would make, cold or cached, and the
// conditions that compare dates still see the time.
func TestLastModifiedMadeOnce(t *testing.T) {
	h := New(testFS(), Options{})
	want := modtime.UTC().Format(http.TimeFormat)
	older := modtime.Add(-time.Hour).UTC().Format(http.TimeFormat)
	for _, pass := range []string{"cold", "cached"} {
		if got := do(t, h, "GET", "/hello.txt"); got.header.Get("Last-Modified") != want || len(got.header["Last-Modified"]) != 1 {
			t.Errorf("%s: Last-Modified %q; want %q", pass, got.header["Last-Modified"], want)
		}
	}
	for _, tt := range []struct {
		name   string
		header []string
		code   int
	}{
		{"If-Range date equal", []string{"Range", "bytes=0-0", "If-Range", want}, 206},
		{"If-Range date older", []string{"Range", "bytes=0-0", "If-Range", older}, 200},
		{"If-Modified-Since equal", []string{"If-Modified-Since", want}, 304},
		{"If-Unmodified-Since older", []string{"If-Unmodified-Since", older}, 412},
		{"If-None-Match other", []string{"If-None-Match", `"x"`}, 200},
	} {
		got := do(t, h, "GET", "/hello.txt", tt.header...)
		if got.code != tt.code {
			t.Errorf("%s: %d; want %d", tt.name, got.code, tt.code)
		}
		if tt.code != 304 && tt.code != 412 && got.header.Get("Last-Modified") != want {
			t.Errorf("%s: Last-Modified %q; want %q", tt.name, got.header.Get("Last-Modified"), want)
		}
	}
	// An undated file has no Last-Modified, cached or not.
	undated := New(fstest.MapFS{"u.txt": {Data: []byte("u")}}, Options{})
	for range 2 {
		if got := do(t, undated, "GET", "/u.txt"); got.header.Get("Last-Modified") != "" {
			t.Errorf("undated file: Last-Modified %q", got.header.Get("Last-Modified"))
		}
	}
}
