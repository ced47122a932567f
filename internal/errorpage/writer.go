package errorpage

import (
	"bufio"
	"io"
	"net"
	"net/http"
)

// Writer stands between a handler and the client and answers with the
// error page any error status (400 and up) that the handler sends bare:
// with no Content-Type at all, or as http.Error sends it (text/plain;
// charset=utf-8 with X-Content-Type-Options: nosniff). The handler's own
// text is dropped, as it may hold internals. A response with an HTML,
// JSON or any other typed body is passed on untouched. The choice is made
// at WriteHeader, from the headers, so nothing is buffered.
//
// Writer keeps io.ReaderFrom (a file still leaves by sendfile),
// http.Flusher and http.Hijacker, and Unwrap reaches the writer beneath
// for http.ResponseController.
type Writer struct {
	http.ResponseWriter
	r       *http.Request
	page    *Page
	discard bool // the handler's own error body is being dropped
}

var (
	_ io.ReaderFrom                             = (*Writer)(nil)
	_ http.Flusher                              = (*Writer)(nil)
	_ http.Hijacker                             = (*Writer)(nil)
	_ interface{ Unwrap() http.ResponseWriter } = (*Writer)(nil)
)

// NewWriter returns w wrapped so that bare error responses to r get page
// (nil: Python's).
func NewWriter(w http.ResponseWriter, r *http.Request, page *Page) *Writer {
	return &Writer{ResponseWriter: w, r: r, page: page}
}

func (w *Writer) WriteHeader(code int) {
	if w.discard {
		return
	}
	if code >= 400 && bare(w.Header()) {
		w.discard = true
		w.page.Write(w.ResponseWriter, w.r, code, "")
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

// bare reports whether a response with header h carries no body of its
// own worth keeping.
func bare(h http.Header) bool {
	ct := h["Content-Type"]
	if len(ct) == 0 {
		return true
	}
	return len(ct) == 1 && ct[0] == "text/plain; charset=utf-8" && h.Get("X-Content-Type-Options") == "nosniff"
}

func (w *Writer) Write(p []byte) (int, error) {
	if w.discard {
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

// ReadFrom hands src to the inner writer's ReadFrom, the sendfile path.
func (w *Writer) ReadFrom(src io.Reader) (int64, error) {
	if w.discard {
		return io.Copy(io.Discard, src)
	}
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(w.ResponseWriter, src)
}

// Flush implements http.Flusher; http.ResponseController reports errors.
func (w *Writer) Flush() { http.NewResponseController(w.ResponseWriter).Flush() }

// Hijack hands over the connection when the inner writer can.
func (w *Writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Unwrap gives http.ResponseController the writer underneath.
func (w *Writer) Unwrap() http.ResponseWriter { return w.ResponseWriter }
