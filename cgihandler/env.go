package cgihandler

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pyhttp/httpserver/access"
)

// env returns the script's whole environment: the RFC 3875 §4.1
// meta-variables, the request header fields as HTTP_*, PATH and the
// InheritEnv allow-list. Nothing else of the server's environment is
// passed (Python copied all of os.environ, secrets included).
// contentLength is the body length the script will read, -1 for none.
func (h *Handler) env(r *http.Request, s *script, contentLength int64) []string {
	e := make(environ, 0, 32+len(r.Header))
	h.requestVars(&e, r, s)
	serverVars(&e, r)
	clientVars(&e, r)
	bodyVars(&e, r, contentLength)
	seen := h.headerVars(&e, r.Header)
	h.serverEnv(&e, seen)
	return e
}

// environ is an environment being built, as "KEY=value" strings.
type environ []string

// add adds k=v, unless v holds a NUL: exec refuses one anywhere in the
// environment. net/http already rejects one in header values, but be
// sure.
func (e *environ) add(k, v string) {
	if !strings.ContainsRune(v, 0) {
		*e = append(*e, k+"="+v)
	}
}

// requestVars adds what the request and the script are.
func (h *Handler) requestVars(e *environ, r *http.Request, s *script) {
	e.add("GATEWAY_INTERFACE", "CGI/1.1")
	e.add("SERVER_SOFTWARE", h.software)
	// The request's protocol, not a fixed HTTP/1.1 as net/http/cgi sends
	// (RFC 3875 §4.1.16).
	e.add("SERVER_PROTOCOL", r.Proto)
	e.add("REQUEST_METHOD", r.Method)
	e.add("SCRIPT_NAME", s.name)
	e.add("PATH_INFO", s.pathInfo)
	if s.pathInfo != "" {
		// §4.1.6: PATH_INFO mapped like a request path, and left out
		// when there is none.
		e.add("PATH_TRANSLATED", filepath.Join(h.dir, filepath.FromSlash(s.pathInfo)))
	}
	e.add("QUERY_STRING", r.URL.RawQuery)
	e.add("REQUEST_URI", r.URL.RequestURI())
	e.add("SCRIPT_FILENAME", s.file)
}

// serverVars adds the name and port the request came to.
func serverVars(e *environ, r *http.Request) {
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
	e.add("SERVER_NAME", host)
	e.add("SERVER_PORT", port)
	e.add("HTTP_HOST", r.Host)
	if r.TLS != nil {
		e.add("HTTPS", "on")
	}
}

// clientVars adds who the client is: its address and, once an
// authentication step verified the password (access.User), AUTH_TYPE
// Basic and REMOTE_USER. Python took the user from the Authorization
// header unverified, so any client could claim any name; here a script
// that trusts REMOTE_USER can, and with no authentication configured it
// is never set.
func clientVars(e *environ, r *http.Request) {
	if ip, p, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		e.add("REMOTE_ADDR", ip)
		e.add("REMOTE_PORT", p)
	} else {
		e.add("REMOTE_ADDR", r.RemoteAddr)
	}
	// Python set these to "" when absent; scripts written for it may
	// index os.environ without a default.
	e.add("REMOTE_HOST", "")
	if user := access.User(r.Context()); user != "" {
		e.add("AUTH_TYPE", "Basic")
		e.add("REMOTE_USER", user)
	}
}

// bodyVars adds the length and type of the body the script will read.
func bodyVars(e *environ, r *http.Request, contentLength int64) {
	if contentLength >= 0 {
		e.add("CONTENT_LENGTH", strconv.FormatInt(contentLength, 10))
	} else {
		e.add("CONTENT_LENGTH", "")
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		e.add("CONTENT_TYPE", ct)
	}
}

// headerVars adds the request's header fields as HTTP_* variables, and
// returns the names it set.
func (h *Handler) headerVars(e *environ, header http.Header) map[string]bool {
	seen := map[string]bool{"HTTP_HOST": true}
	for k, vv := range header {
		name, ok := h.headerVar(k)
		if !ok || seen[name] {
			continue
		}
		seen[name] = true
		sep := ", "
		if name == "HTTP_COOKIE" {
			sep = "; " // RFC 6265 §5.4
		}
		e.add(name, strings.Join(vv, sep))
	}
	// Python set these to "" when absent, too.
	for _, k := range [...]string{"HTTP_USER_AGENT", "HTTP_COOKIE", "HTTP_REFERER"} {
		if !seen[k] {
			e.add(k, "")
		}
	}
	return seen
}

// serverEnv adds PATH and the InheritEnv allow-list from the server's
// environment, except a variable the request already set.
func (h *Handler) serverEnv(e *environ, seen map[string]bool) {
	path := os.Getenv("PATH")
	if path == "" {
		path = "/usr/local/bin:/usr/bin:/bin"
	}
	e.add("PATH", path)
	for _, k := range h.inheritEnv {
		if v, ok := os.LookupEnv(k); ok && k != "" && !strings.Contains(k, "=") && !seen[k] {
			e.add(k, v)
		}
	}
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
