package middleware

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

// nopWriter is a ResponseWriter that costs nothing, so that the benchmarks
// measure the middleware alone.
type nopWriter struct{ h http.Header }

func (w nopWriter) Header() http.Header         { return w.h }
func (w nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w nopWriter) WriteHeader(int)             {}

var helloBody = []byte("hello, world\n")

func hello(w http.ResponseWriter, r *http.Request) { w.Write(helloBody) }

func benchRequest() *http.Request {
	r := httptest.NewRequest("GET", "/static/app.js?v=123", nil)
	r.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0")
	r.Header.Set("Referer", "http://127.0.0.1:8000/")
	return r
}

func devNull(b *testing.B) *os.File {
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Skip(err)
	}
	b.Cleanup(func() { f.Close() })
	return f
}

// BenchmarkAccessLog measures one request through the log in each format,
// writing to /dev/null (an *os.File: no lock) and to io.Discard (a plain
// io.Writer: the mutex is taken for the one Write).
func BenchmarkAccessLog(b *testing.B) {
	b.Run("none", func(b *testing.B) {
		benchServe(b, http.HandlerFunc(hello))
	})
	for _, f := range []LogFormat{Python, Common, Combined, JSON} {
		b.Run(f.String()+"/devnull", func(b *testing.B) {
			benchServe(b, NewAccessLog(devNull(b), AccessLogOptions{Format: f}).Handler(http.HandlerFunc(hello)))
		})
		b.Run(f.String()+"/discard", func(b *testing.B) {
			benchServe(b, NewAccessLog(io.Discard, AccessLogOptions{Format: f}).Handler(http.HandlerFunc(hello)))
		})
	}
}

// BenchmarkAccessLogParallel shows that concurrent requests do not queue
// behind one lock when logging to a file such as os.Stderr.
func BenchmarkAccessLogParallel(b *testing.B) {
	for _, f := range []LogFormat{Python, Combined} {
		b.Run(f.String(), func(b *testing.B) {
			h := NewAccessLog(devNull(b), AccessLogOptions{Format: f}).Handler(http.HandlerFunc(hello))
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				r := benchRequest()
				w := nopWriter{h: http.Header{}}
				for pb.Next() {
					h.ServeHTTP(w, r)
				}
			})
		})
	}
}

// BenchmarkStack is the command's whole chain around a handler.
func BenchmarkStack(b *testing.B) {
	a := NewAccessLog(devNull(b), AccessLogOptions{})
	pages := NewErrorPages(ErrorPagesOptions{})
	h := a.Handler(ServerHeader(ServerVersion("httpserver", "0.1"))(pages.Handler(Recover(nil)(http.HandlerFunc(hello)))))
	benchServe(b, h)
}

func benchServe(b *testing.B, h http.Handler) {
	r := benchRequest()
	w := nopWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
}

func BenchmarkAppendEscaped(b *testing.B) {
	for name, s := range map[string]string{
		"clean":   "/static/js/app.0123456789abcdef.js?v=123",
		"hostile": "/a\x1b[31m\r\nb\x00\x7f\\\"q'\u009b\xffé/static/js/app.js",
	} {
		b.Run(name, func(b *testing.B) {
			buf := make([]byte, 0, 256)
			b.ReportAllocs()
			for b.Loop() {
				buf = appendEscaped(buf[:0], s, true)
			}
		})
	}
}

// BenchmarkAllowedHosts measures the DNS-rebinding guard on the Host
// values a local server sees most, and on one it refuses.
func BenchmarkAllowedHosts(b *testing.B) {
	h := AllowedHosts(AllowedHostsOptions{Names: []string{"myapp.test"}})(http.HandlerFunc(hello))
	for _, host := range []string{"127.0.0.1:8000", "localhost:8000", "[::1]:8000", "myapp.test", "evil.example:8000"} {
		b.Run(host, func(b *testing.B) {
			r := benchRequest()
			r.Host = host
			w := &statusWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				w.code = 0
				h.ServeHTTP(w, r)
			}
			if want := map[bool]int{true: 403, false: 200}[strings.HasPrefix(host, "evil")]; w.code != want {
				b.Fatalf("Host %s: status %d; want %d", host, w.code, want)
			}
		})
	}
}

// statusWriter is a ResponseWriter that costs little, like nopWriter, and
// records the status and the body's size, so that a benchmark can check
// it measured the answer it meant to.
type statusWriter struct {
	h     http.Header
	code  int
	bytes int
}

func (w *statusWriter) Header() http.Header { return w.h }
func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}
func (w *statusWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	w.bytes += len(p)
	return len(p), nil
}

// ReadFrom stands for net/http's sendfile path.
func (w *statusWriter) ReadFrom(src io.Reader) (int64, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	n, err := io.Copy(io.Discard, src)
	w.bytes += int(n)
	return n, err
}

// BenchmarkCompress is one response through Compress: a 20 KiB text file
// (served as fileserver serves one) in each coding and as it is, a small
// one (left as it is), and an image (not compressed, so a ReadFrom).
func BenchmarkCompress(b *testing.B) {
	c := NewCompress(CompressOptions{})
	for _, tt := range []struct {
		name, ae, coding string
		h                http.Handler
	}{
		{"text/identity", "", "", serveContent("text/javascript", bigText)},
		{"text/zstd", "gzip, deflate, br, zstd", "zstd", serveContent("text/javascript", bigText)},
		{"text/br", "gzip, deflate, br", "br", serveContent("text/javascript", bigText)},
		{"text/zstd", "zstd, gzip", "zstd", serveContent("text/javascript", bigText)},
		{"text/gzip", "gzip", "gzip", serveContent("text/javascript", bigText)},
		{"small/br", "gzip, deflate, br, zstd", "", serveContent("text/javascript", smallText)},
		{"image/br", "gzip, deflate, br, zstd", "", serveContent("image/png", bigImage)},
	} {
		for _, wrapped := range []bool{false, true} {
			name := tt.name + "/bare"
			h := tt.h
			if wrapped {
				name = tt.name + "/compress"
				h = c.Handler(h)
			}
			b.Run(name, func(b *testing.B) {
				r := httptest.NewRequest("GET", "/app.js", nil)
				if tt.ae != "" {
					r.Header.Set("Accept-Encoding", tt.ae)
				}
				b.ReportAllocs()
				var w *statusWriter
				for b.Loop() {
					w = &statusWriter{h: make(http.Header, 8)}
					h.ServeHTTP(w, r)
				}
				if w.code != http.StatusOK || w.h.Get("Content-Encoding") != tt.coding && wrapped {
					b.Fatalf("status %d, Content-Encoding %q; want 200, %q", w.code, w.h.Get("Content-Encoding"), tt.coding)
				}
				b.ReportMetric(float64(w.bytes), "B/resp")
			})
		}
	}
}

// BenchmarkStamp compares the Common time field worked out for each
// line ("computed", as before the stamp was kept) with the one kept for
// the second ("kept").
func BenchmarkStamp(b *testing.B) {
	t := time.Now()
	buf := make([]byte, 0, 64)
	b.Run("computed", func(b *testing.B) {
		for b.Loop() {
			buf = appendZone(append(appendDate(buf[:0], t, ':'), ' '), t)
		}
	})
	b.Run("kept", func(b *testing.B) {
		a := NewAccessLog(io.Discard, AccessLogOptions{Format: Common})
		for b.Loop() {
			buf = a.appendStamp(buf[:0], t)
		}
	})
}
