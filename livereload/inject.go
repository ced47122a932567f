package livereload

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Inject returns middleware that adds the script element
// <script src=".httpserver/live.js"></script> to the HTML pages next
// serves: before the first </body> end tag, or at the end of a page that
// has none. The URL is relative, so the page finds the script beside it
// under any mount prefix, provided [Reloader.Routes] (or
// [Reloader.Handler]) is in front of the handler that serves it.
//
// A response gets the script when it answers GET or HEAD with 200 or 404,
// its Content-Type is text/html and it has no Content-Encoding. Its
// Content-Length grows by the element's length; the body streams through,
// with only a few bytes held back at a time. Everything else passes
// through unchanged, and the answer to a request with a Range header is
// never touched at all: a part of a page must match the page that a
// client already has.
//
// # Validators
//
// The injected page is another representation than the file, so it must
// not share its ETag, or a cache holding one would be told, by a 304,
// that it is the other. Every ETag that passes through Inject gets a
// suffix of its own (`"abc"` becomes `"abc-lr…"`), and entity tags in
// If-None-Match and If-Match are read back the same way: one with the
// suffix is compared, without it, by next; one without it was issued
// without live reload, matches nothing, and is dropped. If-Modified-Since
// is dropped as well, so the only validator is the ETag. A client that
// cached a page without the script therefore gets it in full, with the
// script, and a client that cached it with the script gets 304 as long as
// the file is unchanged.
//
// Responses without a Cache-Control get "Cache-Control: no-cache", so
// that a browser revalidates every file when a page reloads instead of
// keeping a stylesheet it considers fresh.
func (l *Reloader) Inject(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		if _, ranged := r.Header["Range"]; ranged {
			next.ServeHTTP(w, r)
			return
		}
		iw := &injectWriter{ResponseWriter: w, l: l, head: r.Method == http.MethodHead}
		next.ServeHTTP(iw, l.ownValidators(r))
		iw.finish()
	})
}

// noMatch is an entity tag no response has: If-Match with it fails.
const noMatch = `"livereload-no-match"`

// ownValidators returns r with the validators rewritten for next (see
// Inject); r itself when it has none.
func (l *Reloader) ownValidators(r *http.Request) *http.Request {
	h := r.Header
	if h["If-None-Match"] == nil && h["If-Match"] == nil && h["If-Modified-Since"] == nil {
		return r
	}
	r = r.Clone(r.Context())
	r.Header.Del("If-Modified-Since")
	for _, k := range [...]string{"If-None-Match", "If-Match"} {
		values := r.Header[k]
		if values == nil {
			continue
		}
		tags, star := l.stripTags(values)
		switch {
		case star:
			r.Header.Set(k, "*")
		case tags != "":
			r.Header.Set(k, tags)
		case k == "If-Match":
			r.Header.Set(k, noMatch)
		default:
			r.Header.Del(k)
		}
	}
	return r
}

// stripTags returns the entity tags of a list header that carry the
// suffix, without it, and whether the list has "*". It stops at the first
// malformed element of each field line.
func (l *Reloader) stripTags(values []string) (tags string, star bool) {
	var b strings.Builder
	for _, v := range values {
		for {
			v = strings.TrimLeft(v, " \t,")
			if v == "" {
				break
			}
			if v[0] == '*' {
				star = true
				v = v[1:]
				continue
			}
			tag, rest, ok := scanETag(v)
			if !ok {
				break
			}
			v = rest
			if t, ok := l.withoutSuffix(tag); ok {
				if b.Len() > 0 {
					b.WriteString(", ")
				}
				b.WriteString(t)
			}
		}
	}
	return b.String(), star
}

// scanETag splits off the entity-tag that s starts with (RFC 9110 §8.8.3:
// an optional W/, then a quoted string of etagc).
func scanETag(s string) (tag, rest string, ok bool) {
	opaque := strings.TrimPrefix(s, "W/")
	if len(opaque) < 2 || opaque[0] != '"' {
		return "", "", false
	}
	for i := 1; i < len(opaque); i++ {
		switch c := opaque[i]; {
		case c == '"':
			n := len(s) - len(opaque) + i + 1
			return s[:n], s[n:], true
		case c == 0x21 || 0x23 <= c && c <= 0x7e || c >= 0x80:
		default:
			return "", "", false
		}
	}
	return "", "", false
}

// withSuffix returns the entity-tag etag with the suffix, or false when
// it is not one.
func (l *Reloader) withSuffix(etag string) (string, bool) {
	if _, rest, ok := scanETag(etag); !ok || rest != "" {
		return "", false
	}
	return etag[:len(etag)-1] + l.etagSuffix + `"`, true
}

// withoutSuffix returns the entity-tag etag without the suffix, or false
// when it has none.
func (l *Reloader) withoutSuffix(etag string) (string, bool) {
	opaque := etag[:len(etag)-1]
	if !strings.HasSuffix(opaque, l.etagSuffix) {
		return "", false
	}
	return strings.TrimSuffix(opaque, l.etagSuffix) + `"`, true
}

// injectWriter is Inject's ResponseWriter: it decides at WriteHeader
// whether the response gets the script, and if so inserts it in the body
// as it streams through. It keeps io.ReaderFrom (a response that gets no
// script still leaves by sendfile), http.Flusher, and Unwrap for
// http.ResponseController.
type injectWriter struct {
	http.ResponseWriter
	l           *Reloader
	head        bool // a HEAD request: headers only
	wroteHeader bool
	inject      bool   // this response gets the script
	injected    bool   // and has it
	held        []byte // the end of what was written, which may begin "</body"
	heldBuf     [len(endBody)]byte
}

var (
	_ io.ReaderFrom                             = (*injectWriter)(nil)
	_ http.Flusher                              = (*injectWriter)(nil)
	_ interface{ FlushError() error }           = (*injectWriter)(nil)
	_ interface{ Unwrap() http.ResponseWriter } = (*injectWriter)(nil)
)

// Unwrap gives http.ResponseController the writer underneath.
func (w *injectWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// WriteHeader gives the ETag its suffix and decides on the script.
func (w *injectWriter) WriteHeader(code int) {
	if w.wroteHeader || code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.wroteHeader = true
	h := w.Header()
	if etag := h.Get("Etag"); etag != "" {
		if own, ok := w.l.withSuffix(etag); ok {
			h.Set("Etag", own)
		} else {
			h.Del("Etag")
		}
	}
	if _, ok := h["Cache-Control"]; !ok {
		h.Set("Cache-Control", "no-cache")
	}
	if (code == http.StatusOK || code == http.StatusNotFound) && isHTML(h.Get("Content-Type")) && unencoded(h) {
		w.inject = true
		if cl := h.Get("Content-Length"); cl != "" {
			n, err := strconv.ParseInt(cl, 10, 64)
			if err != nil || n < 0 {
				w.inject = false
			} else {
				h.Set("Content-Length", strconv.FormatInt(n+int64(len(w.l.tag)), 10))
			}
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func isHTML(contentType string) bool {
	mediaType, _, _ := strings.Cut(contentType, ";")
	return strings.EqualFold(strings.TrimSpace(mediaType), "text/html")
}

func unencoded(h http.Header) bool {
	ce := h.Get("Content-Encoding")
	return ce == "" || strings.EqualFold(ce, "identity")
}

// Write passes p on, with the script inserted before the first </body>.
func (w *injectWriter) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if !w.inject || w.injected || w.head {
		return w.ResponseWriter.Write(p)
	}
	b := p
	if len(w.held) > 0 {
		b = append(w.held, p...)
	}
	i, partial := indexEndBody(b)
	if i >= 0 {
		w.injected = true
		w.held = nil
		if err := w.write(b[:i], w.l.tag, b[i:]); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	keep := b[len(b)-partial:]
	if err := w.write(b[:len(b)-partial]); err != nil {
		return 0, err
	}
	w.held = append(w.heldBuf[:0], keep...)
	return len(p), nil
}

func (w *injectWriter) write(parts ...[]byte) error {
	for _, p := range parts {
		if len(p) == 0 {
			continue
		}
		if _, err := w.ResponseWriter.Write(p); err != nil {
			return err
		}
	}
	return nil
}

// ReadFrom hands src to the inner writer's ReadFrom (sendfile) when the
// response gets no script, and copies it through Write otherwise.
func (w *injectWriter) ReadFrom(src io.Reader) (int64, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if w.inject && !w.injected && !w.head {
		return io.Copy(writerOnly{w}, src)
	}
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(w.ResponseWriter, src)
}

// writerOnly hides ReadFrom, so that io.Copy does not call it again.
type writerOnly struct{ io.Writer }

// Flush implements http.Flusher; http.ResponseController reports errors.
func (w *injectWriter) Flush() { w.FlushError() }

// FlushError sends what was written, but for the few bytes held back
// because they may begin the end tag.
func (w *injectWriter) FlushError() error {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// finish adds the script at the end of a page that had no </body>. A
// handler that wrote nothing gets the 200 net/http would send.
func (w *injectWriter) finish() {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if !w.inject || w.injected || w.head {
		return
	}
	w.injected = true
	w.write(w.held, w.l.tag)
}

// endBody is how the end tag of the body begins; a delimiter follows.
const endBody = "</body"

// indexEndBody returns the index in b of the first </body> end tag (any
// letter case, '>', '/' or white space after the name), or -1 and the
// length of the end of b that may begin one, to be held back until more
// comes.
func indexEndBody(b []byte) (i, partial int) {
	for from := 0; ; {
		j := bytes.IndexByte(b[from:], '<')
		if j < 0 {
			return -1, 0
		}
		j += from
		rest := b[j:]
		if len(rest) <= len(endBody) {
			if lowerEqual(rest, endBody[:len(rest)]) {
				return -1, len(rest)
			}
		} else if lowerEqual(rest[:len(endBody)], endBody) {
			switch rest[len(endBody)] {
			case '>', '/', ' ', '\t', '\n', '\r', '\f':
				return j, 0
			}
		}
		from = j + 1
	}
}

// lowerEqual reports whether b, its ASCII letters in lower case, is s.
func lowerEqual(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
