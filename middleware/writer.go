package middleware

import (
	"bufio"
	"io"
	"net"
	"net/http"

	"github.com/pyhttp/httpserver/internal/errorpage"
)

// responseWriter is the package's one ResponseWriter wrapper. It records
// what the access log and the recovery need: the final status, the body
// bytes, whether the connection was hijacked, and Python's error line
// (the [errorpage.Note] that error pages fill in through the request's
// context). Chi's wrap_writer needs five combinatorial types to keep the
// optional interfaces; since Go 1.20 one type that implements them all and
// delegates through [http.ResponseController] is enough: a method whose
// inner writer lacks the feature returns http.ErrNotSupported, which is
// what ResponseController callers expect anyway.
type responseWriter struct {
	http.ResponseWriter

	status   int   // final status; 0 until WriteHeader or the first Write
	bytes    int64 // body bytes accepted by the inner writer
	hijacked bool
	note     errorpage.Note // for Python's "code N, message M" line
}

// The claims made in the type's doc, pinned at compile time.
var (
	_ http.Flusher                              = (*responseWriter)(nil)
	_ http.Hijacker                             = (*responseWriter)(nil)
	_ io.ReaderFrom                             = (*responseWriter)(nil)
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
	if w.status != 0 || w.hijacked || (code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols) {
		// A superfluous call goes on so that net/http reports it.
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Write counts the bytes the inner writer accepted.
func (w *responseWriter) Write(p []byte) (int, error) {
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
	if w.status == 0 {
		w.status = http.StatusOK
	}
	var n int64
	var err error
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(src)
	} else {
		n, err = io.Copy(w.ResponseWriter, src)
	}
	w.bytes += n
	return n, err
}

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
