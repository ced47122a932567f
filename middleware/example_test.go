package middleware_test

import (
	"flag"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/pyhttp/httpserver/middleware"
)

// at is a fixed clock, so that the examples' log lines are reproducible;
// leave Now unset to log local time as Python does.
func at() time.Time { return time.Date(2026, time.November, 23, 18, 53, 0, 0, time.UTC) }

func get(h http.Handler, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	return rec
}

// The command's stack: every middleware around a mux, in the order the
// package doc recommends.
func Example() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hi\n") })
	mux.HandleFunc("GET /panic", func(http.ResponseWriter, *http.Request) { panic("bug") })

	accessLog := middleware.NewAccessLog(os.Stdout, middleware.AccessLogOptions{Now: at})
	pages := middleware.NewErrorPages(middleware.ErrorPagesOptions{})
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil)) // panics would be logged here
	h := accessLog.Handler(
		middleware.ServerHeader("httpserver/0.1")(
			pages.Handler(
				middleware.Recover(quiet)(mux))))

	for _, p := range []string{"/hello", "/nowhere", "/panic"} {
		rec := get(h, p)
		fmt.Println(rec.Code, rec.Header().Get("Server"), rec.Header().Get("Content-Type"))
	}
	// Output:
	// 192.0.2.1 - - [23/Nov/2026 18:53:00] "GET /hello HTTP/1.1" 200 -
	// 200 httpserver/0.1 text/plain; charset=utf-8
	// 192.0.2.1 - - [23/Nov/2026 18:53:00] code 404, message Not Found
	// 192.0.2.1 - - [23/Nov/2026 18:53:00] "GET /nowhere HTTP/1.1" 404 -
	// 404 httpserver/0.1 text/html;charset=utf-8
	// 192.0.2.1 - - [23/Nov/2026 18:53:00] code 500, message Internal Server Error
	// 192.0.2.1 - - [23/Nov/2026 18:53:00] "GET /panic HTTP/1.1" 500 -
	// 500 httpserver/0.1 text/html;charset=utf-8
}

// Each middleware goes into chi's Router.Use as it is.
func Example_chi() {
	accessLog := middleware.NewAccessLog(os.Stdout, middleware.AccessLogOptions{Format: middleware.Combined, Now: at})
	pages := middleware.NewErrorPages(middleware.ErrorPagesOptions{})

	r := chi.NewRouter()
	r.Use(accessLog.Handler, middleware.ServerHeader("httpserver/0.1"), pages.Handler, middleware.Recover(nil))
	r.Use(middleware.Expect100(func(r *http.Request) (int, bool) { return http.StatusUnauthorized, r.Header.Get("Authorization") != "" }))
	r.Get("/files/*", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, chi.URLParam(r, "*")) })

	for _, p := range []string{"/files/a.txt", "/elsewhere"} {
		rec := get(r, p)
		fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	}
	// Output:
	// 192.0.2.1 - - [23/Nov/2026:18:53:00 +0000] "GET /files/a.txt HTTP/1.1" 200 5 "-" "-"
	// 200 text/plain; charset=utf-8
	// 192.0.2.1 - - [23/Nov/2026:18:53:00 +0000] "GET /elsewhere HTTP/1.1" 404 455 "-" "-"
	// 404 text/html;charset=utf-8
}

func ExampleNewAccessLog() {
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello\n") })
	for _, f := range []string{"python", "common", "combined", "json"} {
		var format middleware.LogFormat
		if err := format.UnmarshalText([]byte(f)); err != nil {
			panic(err)
		}
		a := middleware.NewAccessLog(os.Stdout, middleware.AccessLogOptions{Format: format, Now: at})
		// A hostile target: its ESC and newline are escaped, never written.
		r := httptest.NewRequest("GET", "/", nil)
		r.RequestURI = "/a\x1b[2J\nb"
		a.Handler(hello).ServeHTTP(httptest.NewRecorder(), r)
	}
	// Output:
	// 192.0.2.1 - - [23/Nov/2026 18:53:00] "GET /a\x1b[2J\x0ab HTTP/1.1" 200 -
	// 192.0.2.1 - - [23/Nov/2026:18:53:00 +0000] "GET /a\x1b[2J\x0ab HTTP/1.1" 200 6
	// 192.0.2.1 - - [23/Nov/2026:18:53:00 +0000] "GET /a\x1b[2J\x0ab HTTP/1.1" 200 6 "-" "-"
	// {"time":"2026-11-23T18:53:00Z","level":"INFO","msg":"request","method":"GET","path":"/","proto":"HTTP/1.1","status":200,"bytes":6,"duration":0,"remote_addr":"192.0.2.1:1234","user_agent":""}
}

func ExampleAccessLog_Handler() {
	a := middleware.NewAccessLog(os.Stdout, middleware.AccessLogOptions{Format: middleware.Common, Now: at})
	h := a.Handler(http.FileServerFS(os.DirFS("testdata")))
	get(h, "/hello.txt")
	get(h, "/missing")
	// Output:
	// 192.0.2.1 - - [23/Nov/2026:18:53:00 +0000] "GET /hello.txt HTTP/1.1" 200 6
	// 192.0.2.1 - - [23/Nov/2026:18:53:00 +0000] "GET /missing HTTP/1.1" 404 19
}

// A LogFormat is a flag.TextVar, so a command takes it as a flag.
func ExampleLogFormat_UnmarshalText() {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var format middleware.LogFormat
	fs.TextVar(&format, "log-format", middleware.Python, "access log format")
	fmt.Println(fs.Parse([]string{"-log-format", "combined"}), format)
	fmt.Println(fs.Parse([]string{"-log-format", "apache"}))
	// Output:
	// <nil> combined
	// invalid value "apache" for flag -log-format: middleware: unknown log format "apache" (want python, common, combined or json)
}

func ExampleLogFormat_String() {
	fmt.Println(middleware.Python, middleware.Common, middleware.Combined, middleware.JSON)
	// Output: python common combined json
}

func ExampleServerHeader() {
	h := middleware.ServerHeader("httpserver/0.1 Go/1.26")(http.NotFoundHandler())
	fmt.Println(get(h, "/").Header().Get("Server"))
	// Output: httpserver/0.1 Go/1.26
}

func ExampleServerVersion() {
	v := middleware.ServerVersion("httpserver", "0.1")
	fmt.Println(strings.HasPrefix(v, "httpserver/0.1 Go/1."))
	// Output: true
}

func ExampleNewErrorPages() {
	tmpl := template.Must(template.New("error").Parse(`{"code":{{.Code}},"message":"{{.Message}}"}`))
	pages := middleware.NewErrorPages(middleware.ErrorPagesOptions{Template: tmpl, ContentType: "application/json"})
	h := pages.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "lstat /srv/x: permission denied", http.StatusForbidden) // never shown
	}))
	rec := get(h, "/x")
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	fmt.Println(rec.Body.String())
	// Output:
	// 403 application/json
	// {"code":403,"message":"Forbidden"}
}

func ExampleErrorPages_Handler() {
	h := middleware.NewErrorPages(middleware.ErrorPagesOptions{}).Handler(http.NotFoundHandler())
	rec := get(h, "/")
	body := rec.Body.String()
	fmt.Println(rec.Header().Get("Content-Type"))
	fmt.Println(body[strings.Index(body, "<p>Error code: "):strings.Index(body, "    </body>")])
	// Output:
	// text/html;charset=utf-8
	// <p>Error code: 404</p>
	//         <p>Message: Not Found.</p>
	//         <p>Error code explanation: 404 - Nothing matches the given URI.</p>
}

func ExampleExpect100() {
	// Refuse uploads over 1 MiB before the client sends them.
	limit := middleware.Expect100(func(r *http.Request) (int, bool) {
		if r.ContentLength > 1<<20 {
			return http.StatusRequestEntityTooLarge, false
		}
		return 0, true
	})
	upload := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		fmt.Fprintf(w, "stored %d bytes", n)
	})
	srv := httptest.NewServer(limit(upload))
	defer srv.Close()
	// A client must wait for the 100 for this to help; Go's waits up to
	// ExpectContinueTimeout (zero sends the body at once).
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.ExpectContinueTimeout = 10 * time.Second
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}

	for _, size := range []int64{512, 8 << 20} {
		req, _ := http.NewRequest("PUT", srv.URL, io.LimitReader(strings.NewReader(strings.Repeat("x", 8<<20)), size))
		req.ContentLength = size
		req.Header.Set("Expect", "100-continue")
		resp, err := client.Do(req)
		if err != nil {
			fmt.Println(err)
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b = nil
		}
		fmt.Println(resp.StatusCode, string(b))
	}
	// Output:
	// 200 stored 512 bytes
	// 413
}

func ExampleRecover() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == "time" || a.Key == "stack" || a.Key == "remote_addr" {
				return slog.Attr{} // drop what varies between runs
			}
			return a
		},
	}))
	h := middleware.Recover(logger)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]int
		m["x"]++ // a bug: assignment to a nil map
	}))
	fmt.Println(get(h, "/buggy").Code)
	// Output:
	// level=ERROR msg="panic serving request" method=GET uri=/buggy panic="assignment to entry in nil map" response_started=false
	// 500
}

// Limits answers what Python's parser refuses: here a request with more
// header fields than allowed.
func ExampleLimits() {
	h := middleware.Limits(middleware.LimitsOptions{MaxHeaders: 2})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "served\n")
	}))
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Add("X-A", "1")
	r.Header.Add("X-B", "2")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Print(w.Code, " ", w.Body.String())
	r.Header.Add("X-C", "3")
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Header().Get("Connection"))
	// Output:
	// 200 served
	// 431 close
}

// Headers adds fields to every response, as Python 3.15's --header does;
// a handler may still override them.
func ExampleHeaders() {
	h := middleware.Headers(http.Header{
		"Access-Control-Allow-Origin": {"*"},
		"Cache-Control":               {"max-age=60"},
	})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/live" {
			w.Header().Set("Cache-Control", "no-store")
		}
	}))
	for _, p := range []string{"/", "/live"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", p, nil))
		fmt.Println(p, w.Header().Get("Access-Control-Allow-Origin"), w.Header().Get("Cache-Control"))
	}
	// Output:
	// / * max-age=60
	// /live * no-store
}

// A server for local development, bound to loopback, guarded against DNS
// rebinding: a page whose name was rebound to 127.0.0.1 still sends its
// own name in Host, and is refused.
func ExampleAllowedHosts() {
	files := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "secret\n") })
	guard := middleware.AllowedHosts(middleware.AllowedHostsOptions{Names: []string{"myapp.test"}})
	h := guard(files)
	for _, host := range []string{"localhost:8000", "127.0.0.1:8000", "[::1]:8000", "app.localhost", "MyApp.test", "evil.example:8000", "localhost.evil.example"} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Host = host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		fmt.Println(host, rec.Code)
	}
	// Output:
	// localhost:8000 200
	// 127.0.0.1:8000 200
	// [::1]:8000 200
	// app.localhost 200
	// MyApp.test 200
	// evil.example:8000 403
	// localhost.evil.example 403
}

// Compress picks a coding per request from Accept-Encoding, gives the
// compressed body its own ETag, and still matches a conditional request
// that sends that ETag back.
func ExampleNewCompress() {
	page := strings.Repeat("<li>a line of a page that compresses well</li>\n", 100)
	files := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("ETag", `"v1"`)
		http.ServeContent(w, r, "page.html", time.Time{}, strings.NewReader(page))
	})
	h := middleware.NewCompress(middleware.CompressOptions{}).Handler(files)

	for _, req := range []struct{ acceptEncoding, ifNoneMatch string }{
		{"", ""},
		{"gzip, deflate, br, zstd", ""},
		{"gzip", ""},
		{"gzip", `"v1-gzip"`},
		{"gzip", `"v1"`},
	} {
		r := httptest.NewRequest("GET", "/page.html", nil)
		r.Header.Set("Accept-Encoding", req.acceptEncoding)
		r.Header.Set("If-None-Match", req.ifNoneMatch)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		sent := "all of it"
		switch {
		case w.Body.Len() == 0:
			sent = "nothing"
		case w.Body.Len() < len(page)/10:
			sent = "under a tenth"
		}
		fmt.Printf("%q %s: %d %q, ETag %s, Vary %s, body %s\n", req.acceptEncoding, req.ifNoneMatch,
			w.Code, w.Header().Get("Content-Encoding"), w.Header().Get("ETag"), w.Header().Get("Vary"), sent)
	}
	// Output:
	// "" : 200 "", ETag "v1", Vary Accept-Encoding, body all of it
	// "gzip, deflate, br, zstd" : 200 "zstd", ETag "v1-zstd", Vary Accept-Encoding, body under a tenth
	// "gzip" : 200 "gzip", ETag "v1-gzip", Vary Accept-Encoding, body under a tenth
	// "gzip" "v1-gzip": 304 "", ETag "v1-gzip", Vary Accept-Encoding, body nothing
	// "gzip" "v1": 304 "", ETag "v1", Vary Accept-Encoding, body nothing
}
