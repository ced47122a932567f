package middleware

import (
	"net/http"
	"net/netip"
	"strings"

	"github.com/pyhttp/httpserver/internal/errorpage"
)

// AllowedHostsOptions configure [AllowedHosts]. The zero value allows
// only what is always loopback: localhost and its subdomains, and the
// loopback addresses.
type AllowedHostsOptions struct {
	// Names are the hosts allowed besides localhost, *.localhost, 127.0.0.0/8
	// and ::1. A name matches itself in any letter case, with any port and
	// with or without one trailing dot; ".example.test" matches
	// example.test and every name below it; an IP address, with or without
	// IPv6 brackets, matches that address. "*" allows every host, which
	// turns the check off. A name that is none of these matches nothing.
	// Default: none.
	Names []string
	// Message returns the message of the 403 page for a refused request,
	// given its host name as the check saw it: lower case, without port,
	// brackets or trailing dot, and empty when the request had no Host or
	// one that is not a host name. The name holds only letters, digits,
	// '-', '_', '.' and ':' (an IPv6 address). Default: "Host NAME is not
	// allowed", or "Missing or malformed Host".
	Message func(name string) string
}

// AllowedHosts returns middleware that guards a server bound to loopback
// against DNS rebinding: a request whose Host is not localhost, a
// subdomain of localhost, a loopback IP address or one of opts.Names is
// refused with 403 and the error page. net/http gives the Host of an
// absolute-form request target ("GET http://host/ HTTP/1.1") precedence
// over the Host header, as RFC 9112 requires, and so does the check. A
// request without a Host (HTTP/1.0 allows that) passes, as in Python: a
// browser always sends one, so such a request cannot come from a
// rebinding page.
//
// # Why
//
// A page on a hostile site, say http://evil.example:8000/, can make its
// own name resolve to 127.0.0.1 once the browser has loaded it. Its
// scripts then reach the local server under the page's own origin, so the
// same-origin policy lets them read every response, and neither CORS nor
// [http.CrossOriginProtection] stands in the way: the requests are not
// cross-origin. What still names the hostile site is the Host header,
// which the browser sets from the URL and scripts cannot change. Names
// under .localhost never leave the machine (RFC 6761), and an IP
// address cannot be rebound, so those are always allowed.
//
// Put it in front of every handler that serves something private, before
// CORS: a refused request gets nothing else.
func AllowedHosts(opts AllowedHostsOptions) func(http.Handler) http.Handler {
	g := hostGuard{names: make(map[string]bool), message: opts.Message}
	for _, n := range opts.Names {
		if !g.add(n) {
			// "*": every host is allowed.
			return func(next http.Handler) http.Handler { return next }
		}
	}
	if g.message == nil {
		g.message = defaultHostMessage
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// No browser sends a request without a Host, so one
			// cannot be a rebinding page's; HTTP/1.0 clients may.
			if name, ok := g.check(r.Host); !ok && r.Host != "" {
				errorpage.Write(w, r, http.StatusForbidden, g.message(name))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func defaultHostMessage(name string) string {
	if name == "" {
		return "Missing or malformed Host"
	}
	return "Host " + name + " is not allowed"
}

// hostGuard holds the allowed names, normalised once.
type hostGuard struct {
	names   map[string]bool // exact names and IP addresses (in netip's form)
	domains []string        // ".example.test": the name and every name below it
	message func(name string) string
}

// add records the allowed name n; it returns false for "*".
func (g *hostGuard) add(n string) bool {
	n = strings.TrimSpace(n)
	if n == "*" {
		return false
	}
	if ip, err := netip.ParseAddr(strings.Trim(n, "[]")); err == nil && ip.Zone() == "" {
		g.names[ip.Unmap().String()] = true
		return true
	}
	domain := strings.HasPrefix(n, ".")
	name, ip, ok := parseHost(strings.TrimPrefix(n, "."))
	switch {
	case !ok:
	case ip.IsValid():
		g.names[ip.String()] = true
	case domain:
		g.domains = append(g.domains, name)
	default:
		g.names[name] = true
	}
	return true
}

// check returns the host name of host and whether it is allowed.
func (g *hostGuard) check(host string) (name string, ok bool) {
	name, ip, ok := parseHost(host)
	switch {
	case !ok:
		return "", false
	case ip.IsValid():
		if ip.IsLoopback() {
			return name, true
		}
		if name == "" {
			name = ip.String()
		}
		return name, g.names[name]
	case name == "localhost" || strings.HasSuffix(name, ".localhost") || g.names[name]:
		return name, true
	}
	for _, d := range g.domains {
		if name == d || strings.HasSuffix(name, "."+d) {
			return name, true
		}
	}
	return name, false
}

// maxHostLen bounds the Host values parsed: a DNS name is at most 253
// bytes, and a port and brackets add a few.
const maxHostLen = 300

// parseHost splits a Host value, uri-host [":" port] (RFC 9110 §7.2,
// RFC 3986 §3.2.2), into its host name, lower case and without brackets or
// one trailing dot, and the IP address it is, if it is one; the name of
// an IPv6 address is left empty, for the caller to spell when it needs
// to. It is strict:
// an IPv6 address must be bracketed and have no zone, a port must be
// digits, and a name may hold only letters, digits, '-' and '_' in
// non-empty dot-separated labels. Anything else, percent-encoding
// included, is not ok.
func parseHost(host string) (name string, ip netip.Addr, ok bool) {
	if host == "" || len(host) > maxHostLen {
		return "", ip, false
	}
	var port string
	if host[0] == '[' {
		end := strings.IndexByte(host, ']')
		if end < 0 {
			return "", ip, false
		}
		a, err := netip.ParseAddr(host[1:end])
		if err != nil || !a.Is6() || a.Zone() != "" {
			return "", ip, false
		}
		rest := host[end+1:]
		if rest != "" && rest[0] != ':' {
			return "", ip, false
		}
		ip, port = a.Unmap(), strings.TrimPrefix(rest, ":")
	} else {
		name = host
		if i := strings.LastIndexByte(host, ':'); i >= 0 {
			name, port = host[:i], host[i+1:]
		}
		name = strings.ToLower(strings.TrimSuffix(name, "."))
		if !validName(name) {
			return "", ip, false
		}
		if name == "127.0.0.1" {
			// What a local server is asked for most: the address
			// without netip's parse.
			ip = loopback4
		} else if dotted(name) {
			if a, err := netip.ParseAddr(name); err == nil {
				ip = a
			}
		}
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return "", netip.Addr{}, false
		}
	}
	return name, ip, true
}

// dotted reports whether name has only digits and dots, the only names
// that may be IPv4 addresses (a failed netip.ParseAddr costs an
// allocation).
func dotted(name string) bool {
	for i := 0; i < len(name); i++ {
		if c := name[i]; c != '.' && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

var loopback4 = netip.AddrFrom4([4]byte{127, 0, 0, 1})

// validName reports whether name, in lower case, is non-empty
// dot-separated labels of letters, digits, '-' and '_'.
func validName(name string) bool {
	prev := byte('.') // as if a dot came first: no empty label at the start
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '.':
			if prev == '.' {
				return false // an empty label
			}
		case !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'):
			return false
		}
		prev = c
	}
	return prev != '.' // not empty, and no empty label at the end
}
