package middleware

import (
	"net/http"

	"github.com/pyhttp/httpserver/internal/errorpage"
)

// LimitsOptions configure [Limits]. The zero value is Python's limits.
type LimitsOptions struct {
	// MaxLineBytes is the longest request line, and the longest header
	// line, CRLF included. Default (0): 65,536, Python's
	// http.client._MAXLINE.
	MaxLineBytes int
	// MaxHeaders is the most header fields a request may have. Default
	// (0): 100, Python's http.client._MAXHEADERS.
	MaxHeaders int
}

// Limits returns middleware that refuses, as Python's
// BaseHTTPRequestHandler does, a request whose request line is too long
// (414), or one with a header line too long ("Line too long") or too many
// header fields ("Too many headers", both 431). The refusal is an error
// page with "Connection: close": the client is not speaking HTTP as
// expected. net/http parses the request before any handler runs, so its
// http.Server.MaxHeaderBytes still bounds the memory a request takes; this
// adds Python's finer limits on top. Lines are measured as net/http hands
// them over ("Name: value" and CRLF), so optional white space around a
// value does not count.
func Limits(opts LimitsOptions) func(http.Handler) http.Handler {
	maxLine, maxHeaders := opts.MaxLineBytes, opts.MaxHeaders
	if maxLine <= 0 {
		maxLine = 65536
	}
	if maxHeaders <= 0 {
		maxHeaders = 100
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if code, message := refusal(r, maxLine, maxHeaders); code != 0 {
				w.Header().Set("Connection", "close")
				errorpage.Write(w, r, code, message)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// refusal is the status and message Python refuses r with, or 0.
func refusal(r *http.Request, maxLine, maxHeaders int) (code int, message string) {
	if len(r.Method)+1+len(requestURI(r))+1+len(r.Proto)+2 > maxLine {
		return http.StatusRequestURITooLong, ""
	}
	n := 0
	for name, values := range r.Header {
		for _, v := range values {
			if len(name)+2+len(v)+2 > maxLine {
				return http.StatusRequestHeaderFieldsTooLarge, "Line too long"
			}
		}
		n += len(values)
	}
	if n > maxHeaders {
		return http.StatusRequestHeaderFieldsTooLarge, "Too many headers"
	}
	return 0, ""
}
