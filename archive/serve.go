package archive

import (
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/pyhttp/httpserver/internal/walk"
)

// Serve answers r with the directory dir of fsys as an archive of format
// f, written as [Write] writes it, named name plus the format's extension
// ("photos" gives photos.zip).
//
// The response has Content-Type, Content-Disposition: attachment with
// the name as filename*=UTF-8”… and an ASCII fallback, Cache-Control:
// no-store, and no Content-Length, ETag or Accept-Ranges: it is made as
// it is sent, and a Range header is ignored. A HEAD request gets the
// headers, and nothing is read. If dir cannot be read, the answer is 404
// (403 for a permission error) and nothing is streamed.
//
// When the archive cannot be finished (a cap reached, a read failed, the
// client went, or read nothing for [StalledWrite]), the cause goes to log (nil means slog.Default()), except
// for a client that went away, and Serve aborts the response by
// panicking with [http.ErrAbortHandler], as net/http's contract
// provides: the client sees the connection cut, not an archive that
// merely ends early.
func Serve(w http.ResponseWriter, r *http.Request, fsys fs.FS, dir, name string, f Format, opts Options, log *slog.Logger) {
	if log == nil {
		log = slog.Default()
	}
	h := w.Header()
	h.Del("Content-Length")
	h.Del("Accept-Ranges")
	h.Set("Content-Type", f.ContentType())
	h.Set("Content-Disposition", ContentDisposition(name+"."+f.String()))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	if err := walk.CheckDir(fsys, dir); err != nil {
		for _, k := range []string{"Content-Type", "Content-Disposition", "Cache-Control", "X-Content-Type-Options"} {
			h.Del(k)
		}
		code := http.StatusNotFound
		if errors.Is(err, fs.ErrPermission) {
			code = http.StatusForbidden
		}
		log.DebugContext(r.Context(), "archive", "dir", dir, "err", err)
		http.Error(w, http.StatusText(code), code)
		return
	}
	// Send the headers now: the response is chunked whatever its size
	// (a small archive would otherwise get a Content-Length once
	// complete), the client sees the download start, and a cap reached
	// later cuts a response that has begun.
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	rc.Flush()
	cw := &countingWriter{w: w, rc: rc}
	err := Write(r.Context(), cw, fsys, dir, f, opts)
	if cw.deadline {
		rc.SetWriteDeadline(time.Time{}) // the connection may serve more requests
	}
	if err == nil {
		return
	}
	if r.Context().Err() == nil && !cw.failed {
		log.ErrorContext(r.Context(), "archive cut short", "dir", dir, "format", f.String(), "sent", cw.n, "err", err)
	}
	panic(http.ErrAbortHandler)
}

// StalledWrite is how long a write of an archive may wait for a client
// that reads nothing before the archive is given up, so that a stalled
// client cannot hold one of the server's archive slots for ever.
const StalledWrite = time.Minute

// countingWriter counts what reaches the client, remembers a failed
// write (the client gone), and keeps a write deadline StalledWrite
// ahead, renewed at most once a second.
type countingWriter struct {
	w        http.ResponseWriter
	rc       *http.ResponseController
	n        int64
	failed   bool
	deadline bool      // a deadline was set
	renewed  time.Time // when it was last set
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if now := time.Now(); now.Sub(c.renewed) >= time.Second {
		c.renewed = now
		if c.rc.SetWriteDeadline(now.Add(StalledWrite)) == nil {
			c.deadline = true
		}
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	if err != nil {
		c.failed = true
	}
	return n, err
}

// ContentDisposition returns an attachment Content-Disposition for the
// file name: filename*=UTF-8”name, percent-encoded (RFC 6266, RFC 8187),
// after a quoted ASCII fallback in which every other character is "_".
func ContentDisposition(name string) string {
	var ascii strings.Builder
	for _, r := range name {
		if r < 0x20 || r >= 0x7f || r == '"' || r == '\\' || r == '/' || r == '%' {
			ascii.WriteByte('_')
			continue
		}
		ascii.WriteRune(r)
	}
	return `attachment; filename="` + ascii.String() + `"; filename*=UTF-8''` + pathEscape(name)
}

// pathEscape percent-encodes everything but RFC 8187's attr-char.
func pathEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
