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
func ServerHeader(value string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if value == "" {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Server", value)
			next.ServeHTTP(w, r)
		})
	}
}
