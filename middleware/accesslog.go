package middleware

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pyhttp/httpserver/access"
	"github.com/pyhttp/httpserver/internal/errorpage"
)

// LogFormat selects the shape of an access-log line.
type LogFormat int

const (
	// Python is BaseHTTPRequestHandler.log_request's line, byte for byte:
	//
	//	127.0.0.1 - - [23/Nov/2026 18:53:00] "GET /path HTTP/1.1" 200 -
	//
	// in local time, with the size always "-" as in Python, and a
	// "code 404, message File not found" line of its own before the
	// request line when the response was an error page (log_error).
	Python LogFormat = iota
	// Common is the Common Log Format of Apache and nginx:
	//
	//	127.0.0.1 - ann [23/Nov/2026:18:53:00 +0000] "GET /path HTTP/1.1" 200 1234
	//
	// stamped with the time the request arrived, the user being the one
	// authenticated (access.User) or "-", and the size being the body
	// bytes sent or "-" for none (Apache's %b).
	Common
	// Combined is Common followed by the quoted Referer and User-Agent
	// ("-" when absent), Apache's and nginx's "combined".
	Combined
	// JSON writes one log/slog JSON object per request, with the keys
	// time, level, msg ("request"), method, path, query (when present),
	// proto, status, bytes, duration (nanoseconds), remote_addr,
	// user_agent, referer (when present), user (when authenticated) and,
	// after an error page, error.
	JSON
)

var formatNames = [...]string{Python: "python", Common: "common", Combined: "combined", JSON: "json"}

// String returns the format's name: "python", "common", "combined" or
// "json".
func (f LogFormat) String() string {
	if f >= 0 && int(f) < len(formatNames) {
		return formatNames[f]
	}
	return "LogFormat(" + strconv.Itoa(int(f)) + ")"
}

// MarshalText returns the format's name, as [LogFormat.UnmarshalText]
// takes it.
func (f LogFormat) MarshalText() ([]byte, error) {
	if f < 0 || int(f) >= len(formatNames) {
		return nil, fmt.Errorf("middleware: unknown log format %d", int(f))
	}
	return []byte(formatNames[f]), nil
}

// UnmarshalText sets f to the format named text: "python", "common",
// "combined" or "json", as the command's --log-format takes them. With
// MarshalText, a LogFormat works with flag.TextVar.
func (f *LogFormat) UnmarshalText(text []byte) error {
	for i, name := range formatNames {
		if string(text) == name {
			*f = LogFormat(i)
			return nil
		}
	}
	return fmt.Errorf("middleware: unknown log format %q (want python, common, combined or json)", text)
}

// AccessLogOptions configure an AccessLog. The zero value writes Python's
// lines in local time.
type AccessLogOptions struct {
	// Format is the line format. Default: Python.
	Format LogFormat
	// Now returns the current time; lines are written in its location.
	// Default: time.Now, that is local time, as Python logs.
	Now func() time.Time
}

// AccessLog writes one line per request, when the response is done. It is
// safe for concurrent use and immutable after NewAccessLog.
//
// Everything taken from the request (request line, address, Referer,
// User-Agent) and the error message are escaped as CPython does since
// gh-100001, so a client cannot write a raw ESC, CR or LF into the log.
// Each line is formatted into a pooled buffer and handed to the writer in
// one Write call; an *os.File (such as os.Stderr) is written without a
// lock, since the kernel keeps one write(2) whole, while other writers are
// called under a mutex held only for that one call, as io.Writer does not
// promise to be safe for concurrent use. An error from the writer is
// ignored: a full disk or a closed terminal must not stop the serving.
type AccessLog struct {
	w      io.Writer
	mu     *sync.Mutex // nil for an *os.File
	format LogFormat
	now    func() time.Time
	json   slog.Handler // for JSON only
	stamp  atomic.Pointer[stamp]
}

// stamp is the time field of the lines stamped within one second: under
// load, thousands of lines share it, and copying it costs less than
// working out the date, the clock and the zone for each.
type stamp struct {
	sec  int64          // t.Unix()
	loc  *time.Location // t.Location(): the same second elsewhere is another text
	text []byte
}

// NewAccessLog returns an AccessLog writing to w (nil means os.Stderr, as
// Python writes).
func NewAccessLog(w io.Writer, opts AccessLogOptions) *AccessLog {
	if w == nil {
		w = os.Stderr
	}
	a := &AccessLog{w: w, format: opts.Format, now: opts.Now}
	if a.now == nil {
		a.now = time.Now
	}
	if _, ok := w.(*os.File); !ok {
		a.mu = new(sync.Mutex)
	}
	if a.format == JSON {
		// slog's handler has its own lock around its one Write per record.
		a.json = slog.NewJSONHandler(jsonEscaper{w}, nil)
	}
	return a
}

// Handler returns next wrapped so that each request is logged once it has
// been answered. Use it with chi's Router.Use or around any http.Handler.
func (a *AccessLog) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Python stamps the line when it is written and needs no start
		// time; reading the clock is a good part of the log's cost.
		var start time.Time
		if a.format != Python {
			start = a.now()
		}
		// Error pages written inside note the error line (Python, JSON),
		// and authentication inside notes the user (the others), through
		// the context; the writer and the context are one allocation.
		l := &logged{rw: responseWriter{ResponseWriter: w}}
		l.ctx = errorpage.NoteContext{Context: r.Context(), Note: &l.rw.note}
		rw := &l.rw
		r = r.WithContext(&l.ctx)
		// Deferred, so that a panic passing through (http.ErrAbortHandler,
		// or any panic when Recover is not inside) still leaves its line.
		defer a.log(rw, r, start)
		next.ServeHTTP(rw, r)
		if rw.status == 0 && !rw.hijacked {
			rw.status = http.StatusOK // what net/http sends for a handler that wrote nothing
		}
	})
}

// logged is what the log keeps for a request while it is served.
type logged struct {
	rw  responseWriter
	ctx errorpage.NoteContext // r's context, carrying &rw.note
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// maxPooled keeps a rare huge line (a request URI may be up to net/http's
// 1 MB header limit) from pinning its buffer in the pool.
const maxPooled = 16 << 10

func (a *AccessLog) log(rw *responseWriter, r *http.Request, start time.Time) {
	if a.format == JSON {
		now := a.now()
		a.logJSON(rw, r, now, now.Sub(start))
		return
	}
	bp := bufPool.Get().(*[]byte)
	b := (*bp)[:0]
	switch a.format {
	case Common, Combined:
		b = a.appendCommon(b, rw, r, start)
	default:
		b = a.appendPython(b, rw, r, a.now())
	}
	if a.mu != nil {
		a.mu.Lock()
		a.w.Write(b)
		a.mu.Unlock()
	} else {
		a.w.Write(b)
	}
	if cap(b) <= maxPooled {
		*bp = b
		bufPool.Put(bp)
	}
}

// appendPython appends log_message's "%s - - [%s] %s\n", once for
// log_error when there was one and once for log_request.
func (a *AccessLog) appendPython(b []byte, rw *responseWriter, r *http.Request, now time.Time) []byte {
	if rw.note.Code != 0 {
		b = a.appendPythonPrefix(b, r, now)
		b = append(b, "code "...)
		b = strconv.AppendInt(b, int64(rw.note.Code), 10)
		b = append(b, ", message "...)
		b = appendEscaped(b, rw.note.Message, false)
		b = append(b, '\n')
	}
	b = a.appendPythonPrefix(b, r, now)
	b = append(b, '"')
	b = appendRequestLine(b, r, false)
	b = append(b, "\" "...)
	b = appendStatus(b, rw)
	return append(b, " -\n"...)
}

func (a *AccessLog) appendPythonPrefix(b []byte, r *http.Request, now time.Time) []byte {
	b = appendEscaped(b, host(r.RemoteAddr), false)
	b = append(b, " - - ["...)
	b = a.appendStamp(b, now)
	return append(b, "] "...)
}

// appendStamp appends the time field of a's lines for t: for Python,
// "%02d/%3s/%04d %02d:%02d:%02d" of time.localtime(), "23/Nov/2026
// 18:53:00"; for Common and Combined, "23/Nov/2026:18:53:00 +0100". The
// text is made once per second and location.
func (a *AccessLog) appendStamp(b []byte, t time.Time) []byte {
	sec, loc := t.Unix(), t.Location()
	if s := a.stamp.Load(); s != nil && s.sec == sec && s.loc == loc {
		return append(b, s.text...)
	}
	s := &stamp{sec: sec, loc: loc}
	if a.format == Python {
		s.text = appendDate(nil, t, ' ')
	} else {
		s.text = appendZone(append(appendDate(nil, t, ':'), ' '), t)
	}
	a.stamp.Store(s)
	return append(b, s.text...)
}

func (a *AccessLog) appendCommon(b []byte, rw *responseWriter, r *http.Request, start time.Time) []byte {
	b = appendEscaped(b, host(r.RemoteAddr), true)
	b = append(b, " - "...)
	if u := user(rw, r); u != "" {
		b = appendEscaped(b, u, true)
	} else {
		b = append(b, '-')
	}
	b = append(b, " ["...)
	b = a.appendStamp(b, start)
	b = append(b, "] \""...)
	b = appendRequestLine(b, r, true)
	b = append(b, "\" "...)
	b = appendStatus(b, rw)
	b = append(b, ' ')
	if rw.bytes == 0 {
		b = append(b, '-')
	} else {
		b = strconv.AppendInt(b, rw.bytes, 10)
	}
	if a.format == Combined {
		b = appendQuotedHeader(b, r.Header.Get("Referer"))
		b = appendQuotedHeader(b, r.Header.Get("User-Agent"))
	}
	return append(b, '\n')
}

func appendQuotedHeader(b []byte, v string) []byte {
	if v == "" {
		return append(b, ` "-"`...)
	}
	b = append(b, " \""...)
	b = appendEscaped(b, v, true)
	return append(b, '"')
}

// appendRequestLine rebuilds the request line as the client sent it
// (Python logs its raw requestline): r.RequestURI is the unmodified target,
// even after StripPrefix or chi's Mount have rewritten r.URL.
func appendRequestLine(b []byte, r *http.Request, quote bool) []byte {
	b = appendEscaped(b, r.Method, quote)
	b = append(b, ' ')
	b = appendEscaped(b, requestURI(r), quote)
	b = append(b, ' ')
	return appendEscaped(b, r.Proto, quote)
}

func requestURI(r *http.Request) string {
	if r.RequestURI != "" || r.URL == nil {
		return r.RequestURI
	}
	// A request built by hand for ServeHTTP has no RequestURI.
	return r.URL.RequestURI()
}

// appendStatus writes the final status, or "-" when none was sent (the
// connection was hijacked, or a panic went past the log).
func appendStatus(b []byte, rw *responseWriter) []byte {
	if rw.status == 0 {
		return append(b, '-')
	}
	return strconv.AppendInt(b, int64(rw.status), 10)
}

// user is the authenticated user of r: the one that access.WithUser
// noted, when the authentication ran inside the log, or the one r's
// context carries, when it ran outside. Never the Authorization header,
// which is not logged, whatever it holds.
func user(rw *responseWriter, r *http.Request) string {
	if rw.note.User != "" {
		return rw.note.User
	}
	return access.User(r.Context())
}

// host is Python's address_string(): the client's IP without the port.
func host(remoteAddr string) string {
	if h, _, err := net.SplitHostPort(remoteAddr); err == nil {
		return h
	}
	if remoteAddr == "" {
		return "-"
	}
	return remoteAddr
}

// logJSON hands a record to slog's JSON handler, whose string encoding
// escapes every control character (as \u001b and so on) by itself.
func (a *AccessLog) logJSON(rw *responseWriter, r *http.Request, now time.Time, d time.Duration) {
	rec := slog.NewRecord(now, slog.LevelInfo, "request", 0)
	rec.AddAttrs(
		slog.String("method", r.Method),
		slog.String("path", urlPath(r)),
	)
	if r.URL != nil && r.URL.RawQuery != "" {
		rec.AddAttrs(slog.String("query", r.URL.RawQuery))
	}
	rec.AddAttrs(
		slog.String("proto", r.Proto),
		slog.Int("status", rw.status),
		slog.Int64("bytes", rw.bytes),
		slog.Duration("duration", d),
		slog.String("remote_addr", r.RemoteAddr),
		slog.String("user_agent", r.Header.Get("User-Agent")),
	)
	if ref := r.Header.Get("Referer"); ref != "" {
		rec.AddAttrs(slog.String("referer", ref))
	}
	if u := user(rw, r); u != "" {
		rec.AddAttrs(slog.String("user", u))
	}
	if rw.note.Code != 0 {
		rec.AddAttrs(slog.String("error", "code "+strconv.Itoa(rw.note.Code)+", message "+rw.note.Message))
	}
	a.json.Handle(context.Background(), rec)
}

func urlPath(r *http.Request) string {
	if r.URL == nil {
		return ""
	}
	return r.URL.Path
}

// jsonEscaper passes slog's JSON through, rewriting DEL and the C1
// controls U+0080–U+009F as \u007f–\u009f: slog escapes the C0 controls
// but not these, and some terminals obey C1 (U+009B is CSI). In slog's
// output, which is valid UTF-8, the byte 7F and the pairs C2 80–C2 9F can
// only stand for such a character inside a JSON string, where the \u
// escape means the same thing, so decoders see the same value. One Write
// in gives one Write out.
type jsonEscaper struct{ w io.Writer }

func (e jsonEscaper) Write(p []byte) (int, error) {
	i := 0
	for i < len(p) && !isJSONControl(p, i) {
		i++
	}
	if i == len(p) {
		return e.w.Write(p)
	}
	bp := bufPool.Get().(*[]byte)
	b := append((*bp)[:0], p[:i]...)
	for ; i < len(p); i++ {
		if !isJSONControl(p, i) {
			b = append(b, p[i])
			continue
		}
		c := p[i]
		if c == 0xc2 {
			i++
			c = p[i]
		}
		b = append(b, '\\', 'u', '0', '0', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xf])
	}
	_, err := e.w.Write(b)
	if cap(b) <= maxPooled {
		*bp = b
		bufPool.Put(bp)
	}
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// isJSONControl reports whether p[i] starts DEL or a UTF-8 encoded C1
// control.
func isJSONControl(p []byte, i int) bool {
	return p[i] == 0x7f || (p[i] == 0xc2 && i+1 < len(p) && p[i+1] >= 0x80 && p[i+1] <= 0x9f)
}

// appendDate appends t as "23/Nov/2026" sep "18:53:00", which is what
// t.AppendFormat("02/Jan/2006 15:04:05") gives at a third of its cost.
func appendDate(b []byte, t time.Time, sep byte) []byte {
	year, month, day := t.Date()
	hh, mm, ss := t.Clock()
	b = append2(b, day)
	b = append(b, '/')
	b = append(b, month.String()[:3]...)
	b = append(b, '/')
	if year >= 1000 && year <= 9999 {
		b = strconv.AppendInt(b, int64(year), 10)
	} else {
		b = t.AppendFormat(b, "2006") // padded or signed, as time formats it
	}
	b = append(b, sep)
	b = append2(b, hh)
	b = append(b, ':')
	b = append2(b, mm)
	b = append(b, ':')
	return append2(b, ss)
}

// appendZone appends t's offset from UTC as CLF's "+0100".
func appendZone(b []byte, t time.Time) []byte {
	_, off := t.Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	off /= 60 // minutes; a zone's seconds are dropped, as "-0700" does
	b = append(b, sign)
	b = append2(b, off/60)
	return append2(b, off%60)
}

// append2 appends 0 <= n < 100 as two digits.
func append2(b []byte, n int) []byte {
	return append(b, byte('0'+n/10), byte('0'+n%10))
}
