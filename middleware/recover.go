package middleware

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/pyhttp/httpserver/internal/errorpage"
)

// Recover returns middleware that turns a panic in next into a logged 500
// with the error page (that of the nearest [ErrorPages] around it, else
// Python's), instead of the dropped connection net/http gives. The panic
// value and stack go to log at level Error (nil means slog.Default()).
//
// Two panics are not turned into a 500. http.ErrAbortHandler is panicked
// again, since net/http's contract is that it aborts the response
// silently. And when the handler had already sent a status (or hijacked
// the connection), a 500 can no longer be sent honestly: rather than let a
// truncated body pass as complete, Recover logs the panic and aborts the
// connection with http.ErrAbortHandler.
//
// Put Recover inside [AccessLog.Handler], so that the 500 is logged with
// Python's "code 500, message Internal Server Error" line.
//
// We do not use chi's middleware.Recoverer: it prints its own stack format
// to os.Stderr rather than to a logger, writes a bare 500 with no page,
// and writes that 500 even after a status was sent.
func Recover(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rw := wrap(w)
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler {
					panic(v)
				}
				l := log
				if l == nil {
					l = slog.Default()
				}
				sent := rw.status != 0 || rw.hijacked
				l.ErrorContext(r.Context(), "panic serving request",
					"method", r.Method,
					"uri", requestURI(r),
					"remote_addr", r.RemoteAddr,
					"panic", fmt.Sprint(v),
					"response_started", sent,
					"stack", string(debug.Stack()),
				)
				if sent {
					panic(http.ErrAbortHandler)
				}
				errorpage.Write(rw, r, http.StatusInternalServerError, "")
			}()
			next.ServeHTTP(rw, r)
		})
	}
}
