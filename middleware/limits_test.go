package middleware

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestLimits(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	many := http.Header{}
	for i := range 101 {
		many.Add("X-H", strings.Repeat("v", i%3))
	}
	hundred := http.Header{}
	for i := range 100 {
		hundred.Add("X-H", strings.Repeat("v", i%3))
	}
	// "GET " + target + " HTTP/1.1\r\n" is the request line.
	lineOf := func(n int) string { return "/" + strings.Repeat("a", n-len("GET / HTTP/1.1\r\n")) }
	headerOf := func(n int) http.Header {
		return http.Header{"X-Big": {strings.Repeat("b", n-len("X-Big: \r\n"))}}
	}
	for _, tt := range []struct {
		name    string
		opts    LimitsOptions
		target  string
		header  http.Header
		code    int
		message string
	}{
		{"plain", LimitsOptions{}, "/", nil, 200, ""},
		{"request line of 64 KiB", LimitsOptions{}, lineOf(65536), nil, 200, ""},
		{"request line one byte over", LimitsOptions{}, lineOf(65537), nil, 414, "Request-URI Too Long"},
		{"header line of 64 KiB", LimitsOptions{}, "/", headerOf(65536), 200, ""},
		{"header line one byte over", LimitsOptions{}, "/", headerOf(65537), 431, "Line too long"},
		{"100 header fields", LimitsOptions{}, "/", hundred, 200, ""},
		{"101 header fields", LimitsOptions{}, "/", many, 431, "Too many headers"},
		{"a smaller line limit", LimitsOptions{MaxLineBytes: 100}, lineOf(101), nil, 414, ""},
		{"a smaller header limit", LimitsOptions{MaxHeaders: 2}, "/", http.Header{"A": {"1"}, "B": {"2", "3"}}, 431, "Too many headers"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RequestURI = tt.target
		for k, v := range tt.header {
			r.Header[k] = v
		}
		w := httptest.NewRecorder()
		Limits(tt.opts)(ok).ServeHTTP(w, r)
		if w.Code != tt.code || !strings.Contains(w.Body.String(), tt.message) {
			t.Errorf("%s: %d %.80q; want %d %q", tt.name, w.Code, w.Body.String(), tt.code, tt.message)
		}
		if closed := w.Header().Get("Connection") == "close"; closed != (tt.code != 200) {
			t.Errorf("%s: Connection: close is %v; want it on refusals only", tt.name, closed)
		}
	}
}

// FuzzLimits checks that Limits refuses exactly what is over a limit,
// whatever the request's shape.
func FuzzLimits(f *testing.F) {
	f.Add("GET", "/", "X-A", "v", 3)
	f.Add("BREW", "/"+strings.Repeat("a", 70), "X-Big", strings.Repeat("b", 90), 1)
	f.Fuzz(func(t *testing.T, method, target, name, value string, fields int) {
		fields = fields % 8
		if fields < 0 {
			fields = -fields
		}
		r := &http.Request{Method: method, RequestURI: target, Proto: "HTTP/1.1", Header: http.Header{}}
		for range fields {
			r.Header.Add(name, value)
		}
		w := httptest.NewRecorder()
		served := false
		Limits(LimitsOptions{MaxLineBytes: 100, MaxHeaders: 4})(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { served = true })).ServeHTTP(w, r)
		lineOver := len(method)+len(target)+len(" HTTP/1.1\r\n")+1 > 100
		headerOver := fields > 0 && len(name)+len(value)+4 > 100 || fields > 4
		if served == (lineOver || headerOver) {
			t.Fatalf("%s %q with %d×%q: served %v; line over %v, headers over %v", method, target, fields, name+": "+value, served, lineOver, headerOver)
		}
	})
}
