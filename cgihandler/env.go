package cgihandler

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// env returns the script's whole environment: the RFC 3875 §4.1
// meta-variables, the request header fields as HTTP_*, PATH and the
// InheritEnv allow-list. Nothing else of the server's environment is
// passed (Python copied all of os.environ, secrets included).
// contentLength is the body length the script will read, -1 for none.
func (h *Handler) env(r *http.Request, s *script, contentLength int64) []string {
	env := make([]string, 0, 32+len(r.Header))
	add := func(k, v string) {
		// exec refuses a NUL anywhere in the environment; net/http
		// already rejects one in header values, but be sure.
		if !strings.ContainsRune(v, 0) {
			env = append(env, k+"="+v)
		}
	}

	add("GATEWAY_INTERFACE", "CGI/1.1")
	add("SERVER_SOFTWARE", h.software)
	// The request's protocol, not a fixed HTTP/1.1 as net/http/cgi sends
	// (RFC 3875 §4.1.16).
	add("SERVER_PROTOCOL", r.Proto)
	add("REQUEST_METHOD", r.Method)
	add("SCRIPT_NAME", s.name)
	add("PATH_INFO", s.pathInfo)
	if s.pathInfo != "" {
		// §4.1.6: PATH_INFO mapped like a request path, and left out
		// when there is none.
		add("PATH_TRANSLATED", filepath.Join(h.dir, filepath.FromSlash(s.pathInfo)))
	}
	add("QUERY_STRING", r.URL.RawQuery)
	add("REQUEST_URI", r.URL.RequestURI())
	add("SCRIPT_FILENAME", s.file)

	host, port := r.Host, ""
	if hh, pp, err := net.SplitHostPort(r.Host); err == nil {
		host, port = hh, pp
	}
	// The port the connection came in on beats the Host header's, and
	// its address stands in for a missing Host (HTTP/1.0).
	if la, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if hh, pp, err := net.SplitHostPort(la.String()); err == nil {
			port = pp
			if host == "" {
				host = hh
			}
		}
	}
	if port == "" {
		port = "80"
		if r.TLS != nil {
			port = "443"
		}
	}
	add("SERVER_NAME", host)
	add("SERVER_PORT", port)
	add("HTTP_HOST", r.Host)
	if r.TLS != nil {
		add("HTTPS", "on")
	}

	if ip, p, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		add("REMOTE_ADDR", ip)
		add("REMOTE_PORT", p)
	} else {
		add("REMOTE_ADDR", r.RemoteAddr)
	}
	// Python set these to "" when absent; scripts written for it may
	// index os.environ without a default.
	add("REMOTE_HOST", "")

	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, _, _ := strings.Cut(auth, " ")
		add("AUTH_TYPE", scheme)
		if user, _, ok := r.BasicAuth(); ok {
			add("REMOTE_USER", user)
		}
	}

	if contentLength >= 0 {
		add("CONTENT_LENGTH", strconv.FormatInt(contentLength, 10))
	} else {
		add("CONTENT_LENGTH", "")
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		add("CONTENT_TYPE", ct)
	}

	seen := map[string]bool{"HTTP_HOST": true}
	for k, vv := range r.Header {
		name, ok := h.headerVar(k)
		if !ok || seen[name] {
			continue
		}
		seen[name] = true
		sep := ", "
		if name == "HTTP_COOKIE" {
			sep = "; " // RFC 6265 §5.4
		}
		add(name, strings.Join(vv, sep))
	}
	for _, k := range [...]string{"HTTP_USER_AGENT", "HTTP_COOKIE", "HTTP_REFERER"} {
		if !seen[k] {
			add(k, "")
		}
	}

	path := os.Getenv("PATH")
	if path == "" {
		path = "/usr/local/bin:/usr/bin:/bin"
	}
	add("PATH", path)
	for _, k := range h.inheritEnv {
		if v, ok := os.LookupEnv(k); ok && k != "" && !strings.Contains(k, "=") && !seen[k] {
			add(k, v)
		}
	}
	return env
}

// headerVar returns the HTTP_* variable for a request header field, or
// false for one that must not become a variable:
//   - Proxy: HTTP_PROXY would set the script's HTTP proxy (httpoxy,
//     CVE-2016-5385; Go issue 16405);
//   - Content-Type and Content-Length, already CONTENT_TYPE and
//     CONTENT_LENGTH (RFC 3875 §4.1.18);
//   - Authorization and Proxy-Authorization, credentials, unless
//     PassAuthorization (§4.1.18);
//   - a name with an underscore or any byte but a letter, digit or "-":
//     "X-A_B" and "X-A-B" would both be HTTP_X_A_B, letting a client
//     forge a variable a front proxy set (Apache 2.4 drops these too).
func (h *Handler) headerVar(k string) (string, bool) {
	var b strings.Builder
	b.Grow(len("HTTP_") + len(k))
	b.WriteString("HTTP_")
	for i := 0; i < len(k); i++ {
		switch c := k[i]; {
		case 'a' <= c && c <= 'z':
			b.WriteByte(c - 'a' + 'A')
		case 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			b.WriteByte(c)
		case c == '-':
			b.WriteByte('_')
		default:
			return "", false
		}
	}
	// Decided on the variable name, so that no spelling of the field
	// name ("proxy", "PROXY") slips through.
	name := b.String()
	switch name {
	case "HTTP_PROXY", "HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH", "HTTP_PROXY_AUTHORIZATION":
		return "", false
	case "HTTP_AUTHORIZATION":
		return name, h.passAuth
	}
	return name, true
}
