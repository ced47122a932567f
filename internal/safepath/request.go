package safepath

import (
	"net/http"
	"net/url"
	"path"
	"strings"
)

// WithoutFragment drops from p, a decoded path that ends as r's URL path
// does, the fragment the client sent in the request target ("GET
// /a.txt#top"), as Python's translate_path drops it; an escaped "%23" is
// part of the name. net/http keeps a raw "#" in the path, and then RawPath
// holds the path as sent; escapes never straddle the "#", so the decoded
// fragment is the decoded path's tail.
func WithoutFragment(r *http.Request, p string) string {
	if i := strings.IndexByte(r.URL.RawPath, '#'); i >= 0 {
		if frag, err := url.PathUnescape(r.URL.RawPath[i:]); err == nil {
			return strings.TrimSuffix(p, frag)
		}
	}
	return p
}

// RedirectToDir answers a request for a directory without its trailing
// slash with 301 to the same URL plus "/", query kept, like Python. The
// Location is relative ("name/") so it is right under any mount prefix,
// and it can never start with "//" or "/\", which browsers would read as
// another host (CVE-2021-28861): url.URL escapes a backslash, and "./" is
// put before a segment that looks like a scheme.
func RedirectToDir(w http.ResponseWriter, r *http.Request) {
	p := WithoutFragment(r, r.URL.Path)
	if p == "" {
		// The mount point itself, its prefix stripped by StripPrefix:
		// the last segment the client sent is in the request URI.
		if u, err := url.ParseRequestURI(r.RequestURI); err == nil {
			p = u.Path
		}
	}
	base := path.Base(p) // "." or ".." for /dir/. or /dir/x/..
	if base == "/" {
		base = "."
	}
	redirect(w, r, base+"/")
}

// RedirectToSibling answers r with 301 to name, a file in the directory
// r's URL path ends in, query kept: "about" for /site/about.html, or "./",
// the directory itself, for an empty name. name is one path segment. The
// Location is relative and as safe as [RedirectToDir]'s.
func RedirectToSibling(w http.ResponseWriter, r *http.Request, name string) {
	redirect(w, r, name)
}

// redirect answers r with 301 to ref, one path segment with or without a
// trailing slash, relative to r's URL, query kept.
func redirect(w http.ResponseWriter, r *http.Request, ref string) {
	target := (&url.URL{Path: ref}).EscapedPath()
	if target == "" || strings.HasPrefix(target, "/") || strings.Contains(ref, ":") {
		target = "./" + target
	}
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	h := w.Header()
	h.Set("Location", target)
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusMovedPermanently)
}
