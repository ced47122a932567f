package fileserver

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/pyhttp/httpserver/internal/safepath"
)

// requestPath returns the decoded URL path the handler serves: the part
// below the route pattern it is mounted on, rooted, when that pattern ends
// in a wildcard (chi's "/static/*", ServeMux's "/static/{path...}") or a
// slash ("/static/"), or is chi's Mount point; otherwise r.URL.Path. A
// fragment the client sent in the request target is dropped, as Python's
// translate_path drops it: "/a.txt#top" serves "a.txt", while "%23" is a
// "#" in the name.
func requestPath(r *http.Request) string {
	return safepath.WithoutFragment(r, mountedPath(r))
}

// mountedPath is requestPath before the fragment is dropped.
func mountedPath(r *http.Request) string {
	pattern := patternPath(r.Pattern)
	if name, ok := trailingWildcard(pattern); ok {
		v := r.PathValue(name)
		if name == "*" && r.URL.RawPath != "" {
			// chi matches against RawPath when the URL has one, so
			// its wildcard value is still escaped; ServeMux's never is.
			if u, err := url.PathUnescape(v); err == nil {
				v = u
			}
		}
		if v == "" && !strings.HasSuffix(r.URL.Path, "/") {
			return "" // the mount point itself, without its slash
		}
		return "/" + v
	}
	if strings.HasSuffix(pattern, "/") {
		if rest, ok := below(pattern, r.URL.Path); ok {
			return rest
		}
	}
	if pattern != "" && chiMountPoint(r) {
		// chi's Mount("/static", h) routes "/static" and "/static/"
		// to h under the exact pattern "/static", with no wildcard to
		// read: the root, asked for with or without its slash.
		if strings.HasSuffix(r.URL.Path, "/") {
			return "/"
		}
		return ""
	}
	return r.URL.Path
}

// chiMountPoint reports whether chi routed r to the mount point of a
// Mount, where chi's own path for the mounted handler is "/". An exact
// chi route ("/favicon.ico") leaves that path empty or its own.
func chiMountPoint(r *http.Request) bool {
	rctx := chi.RouteContext(r.Context())
	return rctx != nil && rctx.RoutePath == "/"
}

// patternPath drops the method and host from a ServeMux pattern
// ("GET example.com/static/" → "/static/"); chi patterns are paths already.
func patternPath(pattern string) string {
	if _, p, ok := strings.Cut(pattern, " "); ok {
		pattern = strings.TrimLeft(p, " \t")
	}
	if i := strings.IndexByte(pattern, '/'); i > 0 {
		pattern = pattern[i:]
	}
	return pattern
}

// trailingWildcard reports the name of the wildcard that ends a route
// pattern path: "*" for chi's "/static/*", "path" for ServeMux's
// "/static/{path...}".
func trailingWildcard(pattern string) (string, bool) {
	switch {
	case strings.HasSuffix(pattern, "/*"):
		return "*", true
	case strings.HasSuffix(pattern, "...}"):
		i := strings.LastIndexByte(pattern, '{')
		if i < 0 {
			return "", false
		}
		return pattern[i+1 : len(pattern)-len("...}")], true
	}
	return "", false
}

// below returns what of p lies below the subtree pattern ("/static/",
// "/{tenant}/static/"), rooted, if p is in that subtree: literal segments
// must match, a {parameter} matches any one segment. A path already
// stripped by http.StripPrefix no longer matches and is left as it is.
func below(pattern, p string) (string, bool) {
	pattern = strings.Trim(pattern, "/")
	rest := strings.TrimPrefix(p, "/")
	for seg := range strings.SplitSeq(pattern, "/") {
		head, tail, _ := strings.Cut(rest, "/")
		isParam := strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}")
		if head == "" || !isParam && head != seg {
			return "", false
		}
		rest = tail
	}
	return "/" + rest, true
}
