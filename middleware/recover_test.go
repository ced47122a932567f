package middleware

import (
	"bytes"
	"errors"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestRecover(t *testing.T) {
	custom := template.Must(template.New("e").Parse(`oops {{.Code}}`))
	for _, c := range []struct {
		name  string
		pages *ErrorPages // around Recover, or nil
		body  string
	}{
		{"python page", nil, ""},
		{"page of the ErrorPages around it", NewErrorPages(ErrorPagesOptions{Template: custom, ContentType: "text/plain"}), "oops 500"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var log, errs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&errs, nil))
			var h http.Handler = Recover(logger)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("ETag", `"v1"`) // set before the panic; must not describe the 500
				panic("boom\x1b")
			}))
			if c.pages != nil {
				h = c.pages.Handler(h)
			}
			h = NewAccessLog(&log, AccessLogOptions{Now: fixedNow}).Handler(h)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/p", nil))

			want := c.body
			if want == "" {
				want = pageBody(t, 500)
			}
			if rec.Code != 500 || rec.Body.String() != want {
				t.Errorf("response = %d %q; want 500 %q", rec.Code, rec.Body.String(), want)
			}
			if etag := rec.Header().Get("ETag"); etag != "" {
				t.Errorf("ETag = %q on the 500", etag)
			}
			wantLog := "192.0.2.1 - - [23/Nov/2026 18:53:00] code 500, message Internal Server Error\n" +
				`192.0.2.1 - - [23/Nov/2026 18:53:00] "GET /p HTTP/1.1" 500 -` + "\n"
			if log.String() != wantLog {
				t.Errorf("access log = %q; want %q", log.String(), wantLog)
			}
			for _, s := range []string{"level=ERROR", `msg="panic serving request"`, "method=GET", "uri=/p", `panic="boom\x1b"`, "response_started=false", "stack="} {
				if !strings.Contains(errs.String(), s) {
					t.Errorf("error log lacks %s:\n%s", s, errs.String())
				}
			}
		})
	}
}

// TestRecoverAbortHandler: net/http's own abort signal goes through
// untouched and unlogged.
func TestRecoverAbortHandler(t *testing.T) {
	var errs bytes.Buffer
	h := Recover(slog.New(slog.NewTextHandler(&errs, nil)))(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	}))
	rec := httptest.NewRecorder()
	func() {
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("recovered %v; want http.ErrAbortHandler", v)
			}
		}()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	}()
	if errs.Len() != 0 || rec.Body.Len() != 0 {
		t.Errorf("logged %q, answered %q; want neither", errs.String(), rec.Body.String())
	}
}

// TestRecoverAfterHeader panics after the status and part of the body
// went out, over a real connection: the client must see a broken
// response, never one that looks complete.
func TestRecoverAfterHeader(t *testing.T) {
	var errs bytes.Buffer
	h := Recover(slog.New(slog.NewTextHandler(&errs, nil)))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "partial")
		w.(http.Flusher).Flush()
		panic("late")
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := srv.Client()
	client.Timeout = 10 * time.Second
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("read %q, err %v; want a truncated body (unexpected EOF)", body, err)
	}
	srv.Close() // the handler has returned: its log is complete
	if !strings.Contains(errs.String(), "response_started=true") {
		t.Errorf("error log = %q; want the panic logged", errs.String())
	}
}

func TestServerHeader(t *testing.T) {
	v := ServerVersion("httpserver", "0.1")
	if want := "httpserver/0.1 Go/" + strings.TrimPrefix(runtime.Version(), "go"); v != want && !strings.HasPrefix(runtime.Version(), "devel") {
		t.Errorf("ServerVersion = %q; want %q", v, want)
	}
	if got := ServerVersion("x", ""); !strings.HasPrefix(got, "x Go/") || strings.ContainsAny(got[5:], " \t") {
		t.Errorf(`ServerVersion("x", "") = %q`, got)
	}
	for _, c := range []struct {
		name, value, override, want string
	}{
		{"set", "httpserver/0.1 Go/1.26", "", "httpserver/0.1 Go/1.26"},
		{"off", "", "", ""},
		{"handler wins", "a/1", "b/2", "b/2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			ServerHeader(c.value)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if c.override != "" {
					w.Header().Set("Server", c.override)
				}
				http.NotFound(w, r) // errors carry it too, as in Python
			})).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
			if got := rec.Header().Get("Server"); got != c.want {
				t.Errorf("Server = %q; want %q", got, c.want)
			}
		})
	}
}

// TestRecoverDefaultLogger: a nil logger means slog.Default(), looked up
// when the panic happens.
func TestRecoverDefaultLogger(t *testing.T) {
	var errs bytes.Buffer
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.NewTextHandler(&errs, nil)))
	rec := httptest.NewRecorder()
	Recover(nil)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("x") })).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 500 || !strings.Contains(errs.String(), `msg="panic serving request"`) {
		t.Errorf("status %d, default log %q; want 500 and the panic logged", rec.Code, errs.String())
	}
}
