package middleware

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pyhttp/httpserver/internal/errorpage"
)

func TestErrorPages(t *testing.T) {
	python404 := pageBody(t, http.StatusNotFound)
	custom := template.Must(template.New("e").Parse(`{"code":{{.Code}},"message":"{{.Message}}"}`))
	for _, c := range []struct {
		name     string
		opts     ErrorPagesOptions
		method   string
		h        http.HandlerFunc
		code     int
		ctype    string
		body     string
		errorLog string // Python's log_error line, "" for none
	}{
		{name: "http.NotFound", h: http.NotFound,
			code: 404, ctype: "text/html;charset=utf-8", body: python404, errorLog: "code 404, message Not Found"},
		{name: "http.Error hides its text", h: func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "open /srv/secret: permission denied", http.StatusForbidden)
		}, code: 403, ctype: "text/html;charset=utf-8", body: pageBody(t, 403), errorLog: "code 403, message Forbidden"},
		{name: "bare status", h: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "3")
			w.WriteHeader(http.StatusBadGateway)
			io.Copy(w, struct{ io.Reader }{strings.NewReader("xyz")}) // dropped, through ReadFrom
		}, code: 502, ctype: "text/html;charset=utf-8", body: pageBody(t, 502), errorLog: "code 502, message Bad Gateway"},
		{name: "HEAD gets no body", method: "HEAD", h: http.NotFound,
			code: 404, ctype: "text/html;charset=utf-8", body: "", errorLog: "code 404, message Not Found"},
		{name: "custom template", opts: ErrorPagesOptions{Template: custom, ContentType: "application/json"}, h: http.NotFound,
			code: 404, ctype: "application/json", body: `{"code":404,"message":"Not Found"}`, errorLog: "code 404, message Not Found"},
		{name: "JSON error left alone", h: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"bad"}`)
		}, code: 400, ctype: "application/json", body: `{"error":"bad"}`},
		{name: "HTML error left alone", h: fileNotFound,
			code: 404, ctype: "text/html;charset=utf-8", body: pageBodyMsg(t, 404, "File not found"), errorLog: "code 404, message File not found"},
		{name: "plain text without nosniff left alone", h: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusConflict)
			io.WriteString(w, "busy")
		}, code: 409, ctype: "text/plain; charset=utf-8", body: "busy"},
		{name: "success left alone", h: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, "made")
		}, code: 201, ctype: "", body: "made"},
		{name: "redirect left alone", h: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/b/", http.StatusMovedPermanently)
		}, code: 301, ctype: "text/html; charset=utf-8", body: "<a href=\"/b/\">Moved Permanently</a>.\n\n"},
	} {
		for _, apart := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/apart=%v", c.name, apart), func(t *testing.T) {
				var log bytes.Buffer
				a := NewAccessLog(&log, AccessLogOptions{Now: fixedNow})
				h := NewErrorPages(c.opts).Handler(c.h)
				if apart {
					// Another package's wrapper between the log
					// and ErrorPages changes nothing.
					inner := h
					h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { inner.ServeHTTP(struct{ http.ResponseWriter }{w}, r) })
				}
				h = a.Handler(h)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(cmp(c.method, "GET"), "/x", nil))
				if rec.Code != c.code {
					t.Errorf("status = %d; want %d", rec.Code, c.code)
				}
				if got := rec.Header().Get("Content-Type"); got != c.ctype {
					t.Errorf("Content-Type = %q; want %q", got, c.ctype)
				}
				if got := rec.Body.String(); got != c.body {
					t.Errorf("body = %q\nwant   %q", got, c.body)
				}
				if c.errorLog != "" && c.method != "HEAD" {
					if cl := rec.Header().Get("Content-Length"); cl != fmt.Sprint(len(c.body)) {
						t.Errorf("Content-Length = %q; want %d", cl, len(c.body))
					}
				}
				wantLog := fmt.Sprintf(`192.0.2.1 - - [23/Nov/2026 18:53:00] "%s /x HTTP/1.1" %d -`+"\n", cmp(c.method, "GET"), c.code)
				if c.errorLog != "" {
					wantLog = "192.0.2.1 - - [23/Nov/2026 18:53:00] " + c.errorLog + "\n" + wantLog
				}
				if log.String() != wantLog {
					t.Errorf("log = %q\nwant  %q", log.String(), wantLog)
				}
			})
		}
	}
}

// TestErrorPagesThroughForeignWrappers checks that a handler inside
// ErrorPages writes its page, and that the access log outside still gets
// Python's error line, whatever wrappers of another package stand
// between: both travel in the request's context.
func TestErrorPagesThroughForeignWrappers(t *testing.T) {
	tmpl := template.Must(template.New("e").Parse(`<p>custom {{.Code}}</p>`))
	var log bytes.Buffer
	h := NewAccessLog(&log, AccessLogOptions{Now: fixedNow}).Handler(
		opaque(NewErrorPages(ErrorPagesOptions{Template: tmpl}).Handler(
			opaque(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				errorpage.Write(w, r, http.StatusForbidden, "Nope")
			})))))
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/x", nil)
	r.RemoteAddr = "192.0.2.1:1234"
	h.ServeHTTP(rec, r)
	if rec.Code != 403 || rec.Body.String() != "<p>custom 403</p>" {
		t.Errorf("response = %d %q; want 403 and the custom page", rec.Code, rec.Body.String())
	}
	want := "192.0.2.1 - - [23/Nov/2026 18:53:00] code 403, message Nope\n" +
		"192.0.2.1 - - [23/Nov/2026 18:53:00] \"GET /x HTTP/1.1\" 403 -\n"
	if log.String() != want {
		t.Errorf("log = %q\nwant  %q", log.String(), want)
	}
}

// opaque wraps next so that it sees a writer of another package's, which
// offers nothing but the three methods.
func opaque(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(struct{ http.ResponseWriter }{w}, r)
	})
}

// pageBody is Python's page for code, as internal/errorpage renders it.
func pageBody(t *testing.T, code int) string {
	t.Helper()
	return pageBodyMsg(t, code, "")
}

func pageBodyMsg(t *testing.T, code int, msg string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	errorpage.Write(rec, httptest.NewRequest("GET", "/", nil), code, msg)
	return rec.Body.String()
}

// TestErrorPagesAfterPage: once the page is sent, whatever the handler
// still does to the response is dropped.
func TestErrorPagesAfterPage(t *testing.T) {
	rec := httptest.NewRecorder()
	NewErrorPages(ErrorPagesOptions{}).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("late"))
	})).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 503 || rec.Body.String() != pageBody(t, 503) {
		t.Errorf("response = %d %q; want 503 and the page", rec.Code, rec.Body.String())
	}
}
