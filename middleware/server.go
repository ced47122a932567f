package middleware

import (
	"net/http"
	"runtime"
	"strings"
)

// ServerVersion returns a Server header value shaped like Python's
// version_string(), server_version + " " + sys_version: for example
// ServerVersion("httpserver", "0.1") is "httpserver/0.1 Go/1.26.8" when
// built with Go 1.26.8. An empty version leaves out the slash.
func ServerVersion(name, version string) string {
	if version != "" {
		name += "/" + version
	}
	// runtime.Version is "go1.26.8", or "devel go1.27-abcdef +..." for a
	// toolchain built from source; keep one token either way.
	v := strings.TrimPrefix(runtime.Version(), "go")
	if f := strings.Fields(v); len(f) > 0 {
		v = f[0]
	}
	return name + " Go/" + v
}

// ServerHeader returns middleware that sets the Server header to value on
// every response, as Python's send_response does. It is set before next
// runs, so a handler may still change or delete it. An empty value turns
// the header off (net/http sends none of its own). The Date header is left
// to net/http.
//
// Every response gets the same one-element slice, made once, as rs/cors
// shares its precomputed values: Set, Add and Del leave it alone, and
// only a handler writing into w.Header()["Server"][0] would change it for
// the responses after.
func ServerHeader(value string) func(http.Handler) http.Handler {
	v := []string{value} // cap 1: an Add copies it
	return func(next http.Handler) http.Handler {
		if value == "" {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Server"] = v
			next.ServeHTTP(w, r)
		})
	}
}

// Headers returns middleware that adds the fields of extra to every
// response, as Python 3.15's --header and response_headers do: for CORS
// or caching headers, say. They are added before next runs, so a handler
// may still change or delete them (an error page drops the caching ones).
// extra is copied; an empty one adds nothing. A field the response does
// not have yet gets extra's values as they are, shared by every response
// as [ServerHeader] shares its value.
func Headers(extra http.Header) func(http.Handler) http.Handler {
	extra = extra.Clone() // each value with len == cap: an append copies it
	return func(next http.Handler) http.Handler {
		if len(extra) == 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			for k, v := range extra {
				if old := h[k]; len(old) > 0 {
					h[k] = append(old, v...)
				} else {
					h[k] = v
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}
