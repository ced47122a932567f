package errorpage

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
)

func TestStatus(t *testing.T) {
	for _, tt := range []struct {
		err     error
		code    int
		message string
	}{
		{Errorf(501, "Unsupported method ('BREW')", nil), 501, "Unsupported method ('BREW')"},
		{fmt.Errorf("wrapped: %w", Errorf(403, "", syscall.EACCES)), 403, ""},
		{fs.ErrNotExist, 404, "File not found"},
		{&fs.PathError{Op: "open", Path: "x", Err: syscall.ENOENT}, 404, "File not found"},
		{&fs.PathError{Op: "open", Path: "x", Err: syscall.EACCES}, 403, ""},
		{fs.ErrPermission, 403, ""},
		{io.ErrUnexpectedEOF, 500, ""},
		{errors.New("disk on fire"), 500, ""},
	} {
		if code, message := Status(tt.err); code != tt.code || message != tt.message {
			t.Errorf("Status(%v) = %d %q; want %d %q", tt.err, code, message, tt.code, tt.message)
		}
	}
}

func TestFail(t *testing.T) {
	for _, tt := range []struct {
		err   error
		code  int
		level string // "" when nothing is logged
	}{
		{Errorf(404, "File not found", nil), 404, ""},
		{Errorf(404, "File not found", fs.ErrNotExist), 404, ""},
		{Errorf(404, "File not found", syscall.ENOTDIR), 404, "WARN"},
		{Errorf(403, "", syscall.EACCES), 403, "WARN"},
		{errors.New("read: input/output error"), 500, "ERROR"},
		{Errorf(504, "", nil), 504, ""},
	} {
		var log bytes.Buffer
		w := httptest.NewRecorder()
		Fail(w, httptest.NewRequest("GET", "/a/b", nil), slog.New(slog.NewTextHandler(&log, nil)), tt.err)
		if w.Code != tt.code || !strings.Contains(w.Body.String(), "Error code: "+fmt.Sprint(tt.code)) {
			t.Errorf("Fail(%v): %d %q; want %d and the page", tt.err, w.Code, w.Body.String(), tt.code)
		}
		line := log.String()
		switch {
		case tt.level == "" && line != "":
			t.Errorf("Fail(%v) logged %q; want nothing", tt.err, line)
		case tt.level != "" && (strings.Count(line, "\n") != 1 || !strings.Contains(line, "level="+tt.level) ||
			!strings.Contains(line, "method=GET path=/a/b status="+fmt.Sprint(tt.code)+" error=")):
			t.Errorf("Fail(%v) logged %q; want one %s line with method, path, status and error", tt.err, line, tt.level)
		}
	}
	// A nil logger logs nothing and still answers.
	w := httptest.NewRecorder()
	Fail(w, httptest.NewRequest("GET", "/", nil), nil, errors.New("x"))
	if w.Code != 500 {
		t.Errorf("Fail with no logger: %d; want 500", w.Code)
	}
}

func TestWriter(t *testing.T) {
	for _, tt := range []struct {
		name     string
		h        http.HandlerFunc
		code     int
		wantPage bool
		body     string
	}{
		{"http.Error", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "secret detail", 416) }, 416, true, ""},
		{"untyped status", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404); w.Write([]byte("x")) }, 404, true, ""},
		{"typed error body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(409)
			w.Write([]byte(`{"error":"conflict"}`))
		}, 409, false, `{"error":"conflict"}`},
		{"success", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }, 200, false, "ok"},
		{"ReadFrom after an error", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			w.(io.ReaderFrom).ReadFrom(strings.NewReader("leak"))
		}, 500, true, ""},
		{"ReadFrom passes through", func(w http.ResponseWriter, r *http.Request) {
			w.(io.ReaderFrom).ReadFrom(strings.NewReader("file"))
		}, 200, false, "file"},
	} {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/", nil)
		tt.h(NewWriter(rec, r, nil), r)
		if rec.Code != tt.code {
			t.Errorf("%s: status = %d; want %d", tt.name, rec.Code, tt.code)
		}
		body := rec.Body.String()
		if tt.wantPage {
			if !strings.Contains(body, "<h1>Error response</h1>") || strings.Contains(body, "secret") || strings.Contains(body, "leak") {
				t.Errorf("%s: body = %q; want only the page", tt.name, body)
			}
		} else if body != tt.body {
			t.Errorf("%s: body = %q; want %q", tt.name, body, tt.body)
		}
	}
	rec := httptest.NewRecorder()
	w := NewWriter(rec, httptest.NewRequest("GET", "/", nil), nil)
	if http.NewResponseController(w).Flush() != nil || !rec.Flushed {
		t.Error("Flush did not reach the recorder through Unwrap")
	}
}

// TestReport checks the first half of Fail on its own: status, message,
// the Note for the access log, and one log line for a cause worth it.
func TestReport(t *testing.T) {
	for _, tt := range []struct {
		err           error
		code          int
		message, note string
		logged        bool
	}{
		{Errorf(404, "File not found", fs.ErrNotExist), 404, "File not found", "File not found", false},
		{Errorf(404, "File not found", syscall.ELOOP), 404, "File not found", "File not found", true},
		{Errorf(403, "", nil), 403, "", "Forbidden", false},
		{errors.New("disk on fire"), 500, "", "Internal Server Error", true},
	} {
		var log bytes.Buffer
		var n Note
		r := httptest.NewRequest("GET", "/a", nil)
		r = r.WithContext(WithNote(r.Context(), &n))
		code, message := Report(r, slog.New(slog.NewTextHandler(&log, nil)), tt.err)
		if code != tt.code || message != tt.message || n.Code != tt.code || n.Message != tt.note {
			t.Errorf("Report(%v) = %d %q, note %+v; want %d %q, note %q", tt.err, code, message, n, tt.code, tt.message, tt.note)
		}
		if got := strings.Count(log.String(), "\n"); got != map[bool]int{false: 0, true: 1}[tt.logged] {
			t.Errorf("Report(%v) logged %q", tt.err, log.String())
		}
	}
}
