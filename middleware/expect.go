package middleware

import (
	"net/http"

	"github.com/pyhttp/httpserver/internal/errorpage"
)

// Expect100 returns middleware that decides, from the headers alone,
// whether a request carrying "Expect: 100-continue" may send its body:
// Go's equivalent of overriding Python's handle_expect_100.
//
// When policy returns ok, next runs and net/http sends "100 Continue" the
// first time the handler reads the body (RFC 9110 §10.1.1). Otherwise the
// request is answered at once with status (417 Expectation Failed when
// status is 0 or not an error code), using the page of the nearest
// [ErrorPages] or else Python's, and the body is never asked for; net/http
// then closes the connection rather than read an unwanted body. Requests
// without the expectation go straight to next. A nil policy accepts every
// request, which is Python's default.
//
// A typical policy turns away a body that is too large (413) or a request
// without credentials (401) before the client uploads anything.
func Expect100(policy func(r *http.Request) (status int, ok bool)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if policy == nil {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !expectsContinue(r.Header) {
				next.ServeHTTP(w, r)
				return
			}
			status, ok := policy(r)
			if ok {
				next.ServeHTTP(w, r)
				return
			}
			if status < 400 || status > 599 {
				status = http.StatusExpectationFailed
			}
			errorpage.Write(w, r, status, "")
		})
	}
}

// expectsContinue reports whether h asks for 100-continue, matching the
// token case-insensitively as net/http does (RFC 9110 §10.1.1).
func expectsContinue(h http.Header) bool {
	return hasToken(h.Values("Expect"), "100-continue")
}
