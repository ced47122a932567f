package middleware

import (
	"bufio"
	"io"
	"net"
	"net/http"

	"github.com/pyhttp/httpserver/internal/errorpage"
)

// responseWriter is the package's one ResponseWriter wrapper. It records
// what the access log and the recovery need (final status, body bytes,
// Python's error message) and, for [ErrorPages], swaps a bare error
// response for a page. Chi's wrap_writer needs five combinatorial types to
// keep the optional interfaces; since Go 1.20 one type that implements them
// all and delegates through [http.ResponseController] is enough: a method
// whose inner writer lacks the feature returns http.ErrNotSupported, which
// is what ResponseController callers expect anyway.
type responseWriter struct {
	http.ResponseWriter

	status   int   // final status; 0 until WriteHeader or the first Write
	bytes    int64 // body bytes accepted by the inner writer
	errCode  int   // from LogError, for Python's "code N, message M" line
	errMsg   string
	hijacked bool

	// Set by ErrorPages only.
	pages   *errorpage.Page
	req     *http.Request
	discard bool // the handler's own error body is being dropped
}

// The claims made in the type's doc, pinned at compile time.
var (
	_ http.Flusher                              = (*responseWriter)(nil)
	_ http.Hijacker                             = (*responseWriter)(nil)
	_ io.ReaderFrom                             = (*responseWriter)(nil)
	_ errorpage.Logger                          = (*responseWriter)(nil)
	_ interface{ FlushError() error }           = (*responseWriter)(nil)
	_ interface{ Unwrap() http.ResponseWriter } = (*responseWriter)(nil)
)

// wrap returns w as a *responseWriter, reusing it when it already is one:
// everything the inner handler writes passes through it, so its state is
// exact and no second wrapper is needed.
func wrap(w http.ResponseWriter) *responseWriter {
	if rw, ok := w.(*responseWriter); ok {
		return rw
	}
	return &responseWriter{ResponseWriter: w}
}

// Unwrap gives http.ResponseController the inner writer, so deadlines and
// full-duplex mode reach the connection.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// WriteHeader records the final status. Informational codes other than 101
// pass straight through, as net/http sends them at once and still expects
// a final status afterwards (Go 1.19+).
func (w *responseWriter) WriteHeader(code int) {
	if w.discard {
		return
	}
	if w.status != 0 || w.hijacked || (code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols) {
		// A superfluous call goes on so that net/http reports it.
		w.ResponseWriter.WriteHeader(code)
		return
	}
	if w.pages != nil && code >= 400 && bareError(w.Header()) {
		page := w.pages
		w.pages = nil // the page itself goes through the plain path below
		page.Write(w, w.req, code, "")
		w.discard = true
		return
	}
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// bareError reports whether a response with header h carries no body of
// its own worth keeping: no Content-Type at all, or exactly what
// http.Error sets (text/plain; charset=utf-8 plus nosniff). An HTML or
// JSON error body set by the handler is left alone. The decision is made
// at WriteHeader time, from the headers only, so nothing is buffered.
func bareError(h http.Header) bool {
	ct := h["Content-Type"]
	if len(ct) == 0 {
		return true
	}
	return len(ct) == 1 && ct[0] == "text/plain; charset=utf-8" && h.Get("X-Content-Type-Options") == "nosniff"
}

// Write counts the bytes the inner writer accepted.
func (w *responseWriter) Write(p []byte) (int, error) {
	if w.discard {
		return len(p), nil
	}
	if w.status == 0 {
		// net/http sends an implicit 200 (and sniffs the type itself).
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// ReadFrom hands src to the inner writer's ReadFrom, so that a file served
// through the middleware still leaves by sendfile(2) from net/http's
// response, and counts what it sent.
func (w *responseWriter) ReadFrom(src io.Reader) (int64, error) {
	if w.discard {
		return io.Copy(io.Discard, src)
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	var n int64
	var err error
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(src)
	} else {
		// Hide our own ReadFrom from io.Copy, which would loop back here.
		n, err = io.Copy(writerOnly{w.ResponseWriter}, src)
	}
	w.bytes += n
	return n, err
}

type writerOnly struct{ io.Writer }

// Flush implements http.Flusher for callers that type-assert; the error is
// dropped as that interface requires. Use http.ResponseController to see it.
func (w *responseWriter) Flush() { w.FlushError() }

// FlushError is what http.ResponseController.Flush calls.
func (w *responseWriter) FlushError() error {
	if w.status == 0 && !w.hijacked {
		w.status = http.StatusOK // a flush sends the header
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack hands over the connection when the inner writer can (HTTP/1.x),
// and returns an error wrapping http.ErrNotSupported when it cannot.
func (w *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil {
		w.hijacked = true
	}
	return c, rw, err
}

// LogError keeps Python's error line for the access log and passes it on
// to the next errorpage.Logger further out, since errorpage stops at the
// first one it finds and that may be an ErrorPages wrapper, not the log's.
func (w *responseWriter) LogError(code int, message string) {
	w.errCode, w.errMsg = code, message
	var inner http.ResponseWriter = w.ResponseWriter
	for {
		if l, ok := inner.(errorpage.Logger); ok {
			l.LogError(code, message)
			return
		}
		u, ok := inner.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return
		}
		inner = u.Unwrap()
	}
}

// pageFor returns the page of the nearest ErrorPages around w, or nil
// (Python's page), so that the 500 from Recover and the 417 from Expect100
// look like every other error in the app.
func pageFor(w http.ResponseWriter) *errorpage.Page {
	for {
		if rw, ok := w.(*responseWriter); ok && rw.pages != nil {
			return rw.pages
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return nil
		}
		w = u.Unwrap()
	}
}
