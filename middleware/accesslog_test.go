package middleware

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pyhttp/httpserver/internal/errorpage"
)

// fixedNow is 18:53 at UTC+1, so that a test shows which formats print
// the zone and that none converts the time to UTC.
func fixedNow() time.Time {
	return time.Date(2026, time.November, 23, 18, 53, 0, 0, time.FixedZone("CET", 3600))
}

// hostile is a request target no real parser would let through, set on the
// request by hand: ESC, CR, LF, NUL, DEL, a backslash, quotes, a C1 CSI
// (U+009B), a byte that is not UTF-8 and a harmless é.
const hostile = "/a\x1b[31m\r\nb\x00\x7f\\\"q'\u009b\xffé"

type logCase struct {
	name    string
	method  string
	target  string // set as RequestURI verbatim
	remote  string
	header  http.Header
	handler http.HandlerFunc
	want    string
}

func ok(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") }

func fileNotFound(w http.ResponseWriter, r *http.Request) {
	errorpage.New(nil, "").Write(w, r, http.StatusNotFound, "File not found")
}

func runLog(t *testing.T, f LogFormat, c logCase) string {
	t.Helper()
	var buf bytes.Buffer
	a := NewAccessLog(&buf, AccessLogOptions{Format: f, Now: fixedNow})
	r := httptest.NewRequest("GET", "/", nil)
	r.Method = cmp(c.method, "GET")
	r.RequestURI = cmp(c.target, "/")
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil {
		r.URL = u
	}
	r.RemoteAddr = cmp(c.remote, "192.0.2.1:1234")
	for k, v := range c.header {
		r.Header[k] = v
	}
	a.Handler(c.handler).ServeHTTP(httptest.NewRecorder(), r)
	return buf.String()
}

func cmp(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func TestAccessLogPython(t *testing.T) {
	for _, c := range []logCase{
		{name: "ok", target: "/path?q=1", handler: ok,
			want: `192.0.2.1 - - [23/Nov/2026 18:53:00] "GET /path?q=1 HTTP/1.1" 200 -` + "\n"},
		{name: "implicit 200", handler: func(http.ResponseWriter, *http.Request) {},
			want: `192.0.2.1 - - [23/Nov/2026 18:53:00] "GET / HTTP/1.1" 200 -` + "\n"},
		{name: "http.NotFound has no error line", handler: http.NotFound,
			want: `192.0.2.1 - - [23/Nov/2026 18:53:00] "GET / HTTP/1.1" 404 -` + "\n"},
		{name: "error page logs first", target: "/missing", handler: fileNotFound,
			want: "192.0.2.1 - - [23/Nov/2026 18:53:00] code 404, message File not found\n" +
				`192.0.2.1 - - [23/Nov/2026 18:53:00] "GET /missing HTTP/1.1" 404 -` + "\n"},
		{name: "ipv6", remote: "[::1]:5555", method: "HEAD", handler: ok,
			want: `::1 - - [23/Nov/2026 18:53:00] "HEAD / HTTP/1.1" 200 -` + "\n"},
		{name: "no port", remote: "@", handler: ok,
			want: `@ - - [23/Nov/2026 18:53:00] "GET / HTTP/1.1" 200 -` + "\n"},
		{name: "hostile path", target: hostile, handler: ok,
			// Python escapes no quotes: this is its line exactly.
			want: `192.0.2.1 - - [23/Nov/2026 18:53:00] "GET /a\x1b[31m\x0d\x0ab\x00\x7f\\"q'\x9b\xffé HTTP/1.1" 200 -` + "\n"},
		{name: "hostile method and message", method: "G\x1bT", handler: func(w http.ResponseWriter, r *http.Request) {
			errorpage.New(nil, "").Write(w, r, 501, "Unsupported method ('G\x1bT\n')")
		},
			want: "192.0.2.1 - - [23/Nov/2026 18:53:00] code 501, message Unsupported method ('G\\x1bT\\x0a')\n" +
				`192.0.2.1 - - [23/Nov/2026 18:53:00] "G\x1bT / HTTP/1.1" 501 -` + "\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := runLog(t, Python, c); got != c.want {
				t.Errorf("log = %q\nwant  %q", got, c.want)
			}
		})
	}
}

func TestAccessLogCommonCombined(t *testing.T) {
	ua := http.Header{"User-Agent": {"curl/8.5 \"x\"\x1b"}, "Referer": {"http://ex.com/\\"}}
	for _, c := range []struct {
		logCase
		common, combined string
	}{
		{logCase: logCase{name: "ok", target: "/p?q", handler: ok},
			common:   `192.0.2.1 - - [23/Nov/2026:18:53:00 +0100] "GET /p?q HTTP/1.1" 200 5` + "\n",
			combined: `192.0.2.1 - - [23/Nov/2026:18:53:00 +0100] "GET /p?q HTTP/1.1" 200 5 "-" "-"` + "\n"},
		{logCase: logCase{name: "no body", handler: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }},
			common:   `192.0.2.1 - - [23/Nov/2026:18:53:00 +0100] "GET / HTTP/1.1" 204 -` + "\n",
			combined: `192.0.2.1 - - [23/Nov/2026:18:53:00 +0100] "GET / HTTP/1.1" 204 - "-" "-"` + "\n"},
		{logCase: logCase{name: "error page has no extra line", handler: fileNotFound},
			common:   `192.0.2.1 - - [23/Nov/2026:18:53:00 +0100] "GET / HTTP/1.1" 404 460` + "\n",
			combined: `192.0.2.1 - - [23/Nov/2026:18:53:00 +0100] "GET / HTTP/1.1" 404 460 "-" "-"` + "\n"},
		{logCase: logCase{name: "hostile", target: hostile, header: ua, handler: ok},
			common:   `192.0.2.1 - - [23/Nov/2026:18:53:00 +0100] "GET /a\x1b[31m\x0d\x0ab\x00\x7f\\\"q'\x9b\xffé HTTP/1.1" 200 5` + "\n",
			combined: `192.0.2.1 - - [23/Nov/2026:18:53:00 +0100] "GET /a\x1b[31m\x0d\x0ab\x00\x7f\\\"q'\x9b\xffé HTTP/1.1" 200 5 "http://ex.com/\\" "curl/8.5 \"x\"\x1b"` + "\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := runLog(t, Common, c.logCase); got != c.common {
				t.Errorf("common = %q\nwant     %q", got, c.common)
			}
			if got := runLog(t, Combined, c.logCase); got != c.combined {
				t.Errorf("combined = %q\nwant       %q", got, c.combined)
			}
		})
	}
}

func TestAccessLogJSON(t *testing.T) {
	for _, c := range []logCase{
		{name: "ok", target: "/p?q=1", handler: ok,
			header: http.Header{"User-Agent": {"curl/8"}},
			want: `{"time":"2026-11-23T18:53:00+01:00","level":"INFO","msg":"request","method":"GET","path":"/p","query":"q=1",` +
				`"proto":"HTTP/1.1","status":200,"bytes":5,"duration":0,"remote_addr":"192.0.2.1:1234","user_agent":"curl/8"}` + "\n"},
		{name: "error and hostile headers", handler: fileNotFound,
			header: http.Header{"User-Agent": {"a\x1b\r\n\"b\\"}, "Referer": {"r\x00"}},
			want: `{"time":"2026-11-23T18:53:00+01:00","level":"INFO","msg":"request","method":"GET","path":"/",` +
				`"proto":"HTTP/1.1","status":404,"bytes":460,"duration":0,"remote_addr":"192.0.2.1:1234","user_agent":"a\u001b\r\n\"b\\",` +
				`"referer":"r\u0000","error":"code 404, message File not found"}` + "\n"},
		{name: "DEL and C1", handler: ok,
			header: http.Header{"User-Agent": {"a\x7f\u009b[2J"}},
			want: `{"time":"2026-11-23T18:53:00+01:00","level":"INFO","msg":"request","method":"GET","path":"/",` +
				`"proto":"HTTP/1.1","status":200,"bytes":5,"duration":0,"remote_addr":"192.0.2.1:1234","user_agent":"a\u007f\u009b[2J"}` + "\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := runLog(t, JSON, c)
			if got != c.want {
				t.Errorf("log = %s\nwant  %s", got, c.want)
			}
		})
	}
}

func TestLogFormatText(t *testing.T) {
	for _, f := range []LogFormat{Python, Common, Combined, JSON} {
		text, err := f.MarshalText()
		var got LogFormat
		if err == nil {
			err = got.UnmarshalText(text)
		}
		if err != nil || got != f || string(text) != f.String() {
			t.Errorf("%v: MarshalText %q, UnmarshalText %v, %v; want the round trip", f, text, got, err)
		}
	}
	for _, s := range []string{"", "Python", "apache", "json "} {
		f := Combined
		if err := f.UnmarshalText([]byte(s)); err == nil || f != Combined {
			t.Errorf("UnmarshalText(%q): %v, format %v; want an error and no change", s, err, f)
		}
	}
	if _, err := LogFormat(9).MarshalText(); err == nil {
		t.Error("LogFormat(9).MarshalText(): no error")
	}
	if s := LogFormat(9).String(); s != "LogFormat(9)" {
		t.Errorf("LogFormat(9).String() = %q", s)
	}
}

// TestAccessLogPanic shows that a panic passing through the log (here
// net/http's ErrAbortHandler) still leaves a line, with no status.
func TestAccessLogPanic(t *testing.T) {
	var buf bytes.Buffer
	h := NewAccessLog(&buf, AccessLogOptions{Now: fixedNow}).Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	}))
	func() {
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("recovered %v; want http.ErrAbortHandler", v)
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	}()
	want := `192.0.2.1 - - [23/Nov/2026 18:53:00] "GET / HTTP/1.1" - -` + "\n"
	if buf.String() != want {
		t.Errorf("log = %q; want %q", buf.String(), want)
	}
}

// TestAccessLogDefaults checks that the zero options log Python lines in
// local time, to os.Stderr when w is nil, and that a hand-built request
// without RequestURI is logged from its URL.
func TestAccessLogDefaults(t *testing.T) {
	if a := NewAccessLog(nil, AccessLogOptions{}); a.w != os.Stderr || a.mu != nil {
		t.Errorf("NewAccessLog(nil): w = %v, mu = %v; want os.Stderr without a lock", a.w, a.mu)
	}
	var buf bytes.Buffer
	before := time.Now()
	r := httptest.NewRequest("GET", "/x?y", nil)
	r.RequestURI = ""
	NewAccessLog(&buf, AccessLogOptions{}).Handler(http.HandlerFunc(ok)).ServeHTTP(httptest.NewRecorder(), r)
	after := time.Now()
	line := buf.String()
	okTime := false
	for _, tm := range []time.Time{before, after} {
		want := fmt.Sprintf(`192.0.2.1 - - [%s] "GET /x?y HTTP/1.1" 200 -`+"\n", tm.Format("02/Jan/2006 15:04:05"))
		okTime = okTime || line == want
	}
	if !okTime {
		t.Errorf("log = %q; want a local-time Python line for GET /x?y", line)
	}
	if strings.Count(line, "\n") != 1 {
		t.Errorf("log = %q; want one line", line)
	}
}

func TestJSONEscaper(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"a":"b"}`, `{"a":"b"}`},
		{"{\"a\":\"\x7f\u0085\u009b\u00a0é\"}", `{"a":"\u007f\u0085\u009b` + "\u00a0é\"}"},
		{"\xc2", "\xc2"}, // cut short: not a control, left as is
	} {
		var buf bytes.Buffer
		n, err := jsonEscaper{&buf}.Write([]byte(c.in))
		if n != len(c.in) || err != nil || buf.String() != c.want {
			t.Errorf("Write(%q) = %d, %v, wrote %q; want %d, nil, %q", c.in, n, err, buf.String(), len(c.in), c.want)
		}
	}
	for _, in := range []string{"plain", "\x7f"} {
		if n, err := (jsonEscaper{errWriter{}}).Write([]byte(in)); n != 0 || err != errBroken {
			t.Errorf("Write(%q) to a broken writer = %d, %v; want 0, %v", in, n, err, errBroken)
		}
	}
}

var errBroken = errors.New("broken pipe")

type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, errBroken }

// TestAccessLogBrokenWriter: a failing log writer must not disturb the
// response.
func TestAccessLogBrokenWriter(t *testing.T) {
	for _, f := range []LogFormat{Python, JSON} {
		rec := httptest.NewRecorder()
		NewAccessLog(errWriter{}, AccessLogOptions{Format: f}).Handler(http.HandlerFunc(ok)).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		if rec.Code != 200 || rec.Body.String() != "hello" {
			t.Errorf("%v: response = %d %q", f, rec.Code, rec.Body.String())
		}
	}
}

// TestAppendDate compares the hand-rolled stamps with time's own layouts.
func TestAppendDate(t *testing.T) {
	for _, tm := range []time.Time{
		fixedNow(),
		time.Date(2026, time.January, 2, 3, 4, 5, 0, time.UTC),
		time.Date(1999, time.December, 31, 23, 59, 59, 0, time.FixedZone("", -(9*3600+30*60))),
		time.Date(12, time.May, 1, 0, 0, 0, 0, time.FixedZone("", 5*3600+45*60+30)),
		time.Date(-1, time.May, 1, 0, 0, 0, 0, time.UTC),
		time.Date(10000, time.May, 1, 0, 0, 0, 0, time.Local),
	} {
		if got, want := string(appendDate(nil, tm, ' ')), tm.Format("02/Jan/2006 15:04:05"); got != want {
			t.Errorf("appendDate(%v, ' ') = %q; want %q", tm, got, want)
		}
		if got, want := string(appendZone(appendDate(nil, tm, ':'), tm)), tm.Format("02/Jan/2006:15:04:05-0700"); got != want {
			t.Errorf("appendDate(%v, ':') + appendZone = %q; want %q", tm, got, want)
		}
	}
}

// TestAppendStamp checks the time field kept from one line to the next
// against time's own layouts, over a sequence that hits and misses the
// kept second: the same second again, later in it, the next one, the
// same instant in other locations, a second before 1970, and back.
func TestAppendStamp(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	india := time.FixedZone("IST", 5*3600+30*60)
	base := time.Date(2026, time.November, 23, 18, 53, 0, 0, cet)
	times := []time.Time{
		base,
		base,
		base.Add(999 * time.Millisecond),
		base.Add(time.Second),
		base.Add(time.Second).UTC(),
		base.Add(time.Second).In(india),
		base.Add(time.Second).In(time.FixedZone("CET", -3600)), // another *Location, same name
		base.Add(time.Second),
		base.Add(time.Second).Local(),
		base.Add(time.Second).Local(),
		time.Date(1969, time.December, 31, 23, 59, 59, 500_000_000, time.UTC),
		time.Date(1969, time.December, 31, 23, 59, 59, 0, time.UTC),
		time.Date(1970, time.January, 1, 0, 0, 0, 0, time.UTC),
		base,
	}
	for _, f := range []LogFormat{Python, Common} {
		a := NewAccessLog(io.Discard, AccessLogOptions{Format: f})
		layout := "02/Jan/2006 15:04:05"
		if f == Common {
			layout = "02/Jan/2006:15:04:05 -0700"
		}
		for i, tm := range times {
			if got, want := string(a.appendStamp([]byte("x"), tm)), "x"+tm.Format(layout); got != want {
				t.Errorf("%v: time %d (%v): appendStamp = %q; want %q", f, i, tm, got, want)
			}
		}
	}
}
