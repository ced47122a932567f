package middleware

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/pyhttp/httpserver/internal/encoding"
	"github.com/pyhttp/httpserver/internal/errorpage"
)

// CompressOptions configure [NewCompress]. The zero value compresses
// bodies of 1 KiB and more.
type CompressOptions struct {
	// MinBytes is the smallest body compressed: below it, the encoding's
	// own overhead eats most of the gain. A body whose length is not
	// declared (no Content-Length) is held back until MinBytes of it
	// have been written, or the handler flushes or returns, and then
	// judged. Default (0): 1024.
	MinBytes int
}

// Compress compresses responses on the fly with the content coding the
// client prefers among zstd, br and gzip (RFC 9110 §12.5.3; on a tie in
// that order). zstd comes first here, where sidecars and
// fileserver.Options.Compress put br first: at the fast levels a stream
// is compressed with, zstd's output is smaller than brotli's and made two
// and a half to three times faster (bench/README.md, "Compression
// levels"), while at the strong levels of bytes compressed once, brotli's
// is the smaller.
//
// A response is compressed only when all of these hold:
//   - its status is 2xx, other than 204, 205 and 206: error pages and
//     redirects are left alone;
//   - its Content-Type is one that gains from compression: text, JSON,
//     JavaScript, XML, SVG, WASM and the like, never images, audio,
//     video, archives or WOFF fonts, nor a body without a type (when
//     the handler sets none, it is sniffed from the first bytes as
//     net/http would);
//   - its body is at least MinBytes long, by its Content-Length or, when
//     it has none, by what the handler writes;
//   - it has no Content-Encoding already, and neither it nor the request
//     says Cache-Control: no-transform;
//   - the request has no Range header: a range is a slice of the
//     identity body, and answering it from a compressed one would be
//     wrong (Express sent such slices with a wrong Content-Range).
//
// A compressed response loses its Content-Length (it is sent chunked or,
// in HTTP/2, framed) and its Accept-Ranges, and its strong ETag becomes
// one for the encoding: "abc" is sent as "abc-br" (RFC 9110 §8.8.3.3). A
// client may send either form back in If-None-Match or If-Match: before
// next runs, each tag in the encoded form is followed in the request's
// field by the tag it was made from, so the handler, which knows only
// "abc", still matches it. A 304 answering a client that sent the
// encoded form carries that form.
//
// Every 2xx response of a type that could be compressed says "Vary:
// Accept-Encoding", whether it was compressed or not (an answer to a
// client that asked for no coding, a small body, a 206), and so does
// every 304, whose type is not known: a cache must not hand a compressed
// body to a client that did not ask for one. A HEAD request gets the
// headers a GET would get, and no body; when its handler neither
// declares a length nor writes the body, it is judged as an empty body.
//
// A request that refuses identity ("identity;q=0" or "*;q=0") and
// accepts none of the three codings is answered 406 with the error page.
// One that refuses identity but accepts one of them gets it whatever the
// type and size, within the rules above.
//
// Flush reaches the client at once: the encoder is flushed, then the
// connection, so a stream (server-sent events, a CGI script that
// flushes) is compressed and still arrives as it is written. A response
// whose length is unknown is judged at its first Flush if it has not
// been already, and compressed if its type allows, since a stream is
// rarely short. Responses that are not compressed keep io.ReaderFrom,
// so a file that goes out as it is (an image, a range) still leaves by
// sendfile(2). Hijack passes through, and Unwrap gives
// http.ResponseController the writer underneath.
//
// # Where it goes
//
// Put Compress inside [AccessLog.Handler], which then logs the bytes
// actually sent, and inside [Recover], which then also catches a panic
// in the encoders. Its 406 uses the page of the nearest [ErrorPages]
// around it.
//
// # Security
//
// Compressing a response that holds both a secret (a CSRF token, a
// session identifier) and text an attacker can make the page reflect
// lets the attacker guess the secret from the compressed length: BREACH.
// Static files and directory listings hold no such secret; for an
// application's own pages that do, leave them out of Compress or mask
// the secret per response.
type Compress struct {
	minBytes int
	offered  []string
}

// NewCompress returns a Compress configured by opts.
func NewCompress(opts CompressOptions) *Compress {
	c := &Compress{minBytes: opts.MinBytes, offered: []string{encoding.Zstd, encoding.Brotli, encoding.Gzip}}
	if c.minBytes <= 0 {
		c.minBytes = 1024
	}
	return c
}

// Handler returns next with its responses compressed as the type's
// documentation says.
func (c *Compress) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		coding, ok := encoding.Negotiate(r.Header["Accept-Encoding"], c.offered)
		if !ok {
			// RFC 9110 §15.5.7: nothing acceptable to the client.
			addVary(w.Header())
			errorpage.Write(w, r, http.StatusNotAcceptable, "")
			return
		}
		cw := &compressWriter{ResponseWriter: w, c: c, r: r, coding: coding}
		if coding != encoding.Identity {
			r = withBaseETags(r, coding)
		}
		next.ServeHTTP(cw, r)
		// Not deferred: after a panic the response is not finished as if
		// it were whole. Recover, outside, then either sends its 500 (if
		// nothing was sent) or aborts the connection.
		cw.close()
	})
}

// withBaseETags returns r, or a copy of it whose If-None-Match and
// If-Match also list, after each tag in coding's form, the tag it was
// made from (see [encoding.AddBaseETags]). The copy has its own Header,
// so what the middleware around sees is unchanged.
func withBaseETags(r *http.Request, coding string) *http.Request {
	var h http.Header
	for _, name := range [...]string{"If-None-Match", "If-Match"} {
		for i, v := range r.Header[name] {
			v, added := encoding.AddBaseETags(v, coding)
			if !added {
				continue
			}
			if h == nil {
				h = r.Header.Clone()
			}
			h[name][i] = v
		}
	}
	if h == nil {
		return r
	}
	r2 := r.WithContext(r.Context())
	r2.Header = h
	return r2
}

// The states of a compressWriter.
const (
	undecided = iota // the header is held back
	identity         // the response goes out as it is
	encoded          // the body goes through the encoder
	hijacked
)

// The moments a compressWriter judges a response at.
const (
	atHeader = iota // the status is known; the body may be needed to decide
	atBody          // MinBytes of the body have been written
	atFlush         // the handler flushed
	atClose         // the handler returned
)

// compressWriter holds a response's header back until it can tell
// whether to compress the body, then sends it either as it is or through
// an encoder. It is a ResponseWriter wrapper of its own, rather than part
// of responseWriter, because it changes what is sent where that one only
// records it.
type compressWriter struct {
	http.ResponseWriter
	c      *Compress
	r      *http.Request // as the client sent it
	coding string        // the negotiated coding, or encoding.Identity

	state  int
	status int    // held while undecided; 0 until WriteHeader or Write
	buf    []byte // the body's first bytes, held while undecided
	enc    *encoding.Encoder
}

// The claims made in the Compress doc, pinned at compile time.
var (
	_ http.Flusher                              = (*compressWriter)(nil)
	_ http.Hijacker                             = (*compressWriter)(nil)
	_ io.ReaderFrom                             = (*compressWriter)(nil)
	_ interface{ FlushError() error }           = (*compressWriter)(nil)
	_ interface{ Unwrap() http.ResponseWriter } = (*compressWriter)(nil)
)

// Unwrap gives http.ResponseController the writer underneath.
func (w *compressWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// WriteHeader holds code back until the body can be judged; a 1xx other
// than 101 goes out at once, as net/http sends it.
func (w *compressWriter) WriteHeader(code int) {
	switch {
	case w.state != undecided:
		w.ResponseWriter.WriteHeader(code) // superfluous: net/http says so
	case code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols:
		w.ResponseWriter.WriteHeader(code)
	case w.status == 0:
		w.status = code
		w.decide(atHeader, nil)
	}
}

// started makes sure a status is known, as net/http's first Write or
// Flush implies 200, and judges the response by it.
func (w *compressWriter) started() {
	if w.state == undecided && w.status == 0 {
		w.status = http.StatusOK
		w.decide(atHeader, nil)
	}
}

func (w *compressWriter) Write(p []byte) (int, error) {
	w.started()
	if w.state == undecided {
		if len(w.buf)+len(p) < w.c.minBytes {
			if w.buf == nil {
				w.buf = make([]byte, 0, w.c.minBytes)
			}
			w.buf = append(w.buf, p...)
			return len(p), nil
		}
		w.decide(atBody, p)
		if err := w.writeHeld(); err != nil {
			return 0, err
		}
	}
	return w.write(p)
}

// writeHeld sends the bytes held while the response was undecided.
func (w *compressWriter) writeHeld() error {
	if len(w.buf) == 0 {
		return nil
	}
	_, err := w.write(w.buf)
	w.buf = nil
	return err
}

// write sends p once the response is decided.
func (w *compressWriter) write(p []byte) (int, error) {
	switch w.state {
	case encoded:
		if w.r.Method == http.MethodHead {
			return len(p), nil // net/http would drop it anyway
		}
		if w.enc == nil {
			w.enc = encoding.NewEncoder(w.coding, w.ResponseWriter)
		}
		return w.enc.Write(p)
	case hijacked:
		return 0, http.ErrHijacked
	}
	return w.ResponseWriter.Write(p)
}

// ReadFrom keeps the sendfile path for a body that goes out as it is,
// and feeds the encoder from src for one that is compressed.
func (w *compressWriter) ReadFrom(src io.Reader) (int64, error) {
	w.started()
	var n int64
	if w.state == undecided {
		// Read just enough to judge the body by.
		if w.buf == nil {
			w.buf = make([]byte, 0, w.c.minBytes)
		}
		k, err := io.ReadFull(src, w.buf[len(w.buf):w.c.minBytes])
		w.buf = w.buf[:len(w.buf)+k]
		n = int64(k)
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			return n, nil // that was all of it; close judges it
		case err != nil:
			return n, err
		}
		w.decide(atBody, nil)
		if err := w.writeHeld(); err != nil {
			return n, err
		}
	}
	switch w.state {
	case identity:
		if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
			m, err := rf.ReadFrom(src)
			return n + m, err
		}
	case hijacked:
		return n, http.ErrHijacked
	}
	buf := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(buf)
	m, err := io.CopyBuffer(writerOnly{w}, src, *buf)
	return n + m, err
}

// copyBufs are the buffers ReadFrom copies through: io.Copy's own would
// be 32 KiB of garbage per response.
var copyBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// writerOnly hides ReadFrom (and anything else but Write) from io.Copy.
type writerOnly struct{ io.Writer }

// Flush implements http.Flusher for callers that type-assert; the error is
// dropped as that interface requires.
func (w *compressWriter) Flush() { w.FlushError() }

// FlushError sends what the handler wrote so far, compressed or not, to
// the client now. A response still undecided is decided: compressed if
// its type allows, as the handler is streaming.
func (w *compressWriter) FlushError() error {
	w.started()
	if w.state == undecided {
		w.decide(atFlush, nil)
		if err := w.writeHeld(); err != nil {
			return err
		}
	}
	switch w.state {
	case encoded:
		if w.enc != nil {
			if err := w.enc.Flush(); err != nil {
				return err
			}
		}
	case hijacked:
		return http.ErrHijacked
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack hands over the connection when the writer underneath can.
func (w *compressWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil {
		w.state = hijacked
	}
	return c, rw, err
}

// close finishes the response once the handler has returned: it decides
// a response still undecided, by the bytes held, and ends the compressed
// stream. Errors are the client's going away, which net/http sees too.
func (w *compressWriter) close() {
	if w.state == undecided {
		w.started()
		if w.state == undecided {
			w.decide(atClose, nil)
		}
		w.writeHeld()
	}
	if w.state != encoded || w.r.Method == http.MethodHead {
		return
	}
	if w.enc == nil {
		// An empty body is still a whole stream.
		w.enc = encoding.NewEncoder(w.coding, w.ResponseWriter)
	}
	w.enc.Close()
	w.enc = nil
}

// decide judges the response at the moment given, with next the bytes
// about to be written (at atBody), and sends the header unless the
// response must wait for its body. The rules are in the Compress doc.
func (w *compressWriter) decide(at int, next []byte) {
	h := w.Header()
	switch {
	case w.status == http.StatusNotModified:
		// A 304 stands for a response that may have been compressed, and
		// has lost the Content-Type that would tell (ServeContent drops
		// it): Caddy #5849.
		addVary(h)
		w.notModifiedETag(h)
		w.sendHeader(identity)
		return
	case w.status < 200 || w.status > 299 || w.status == http.StatusNoContent || w.status == http.StatusResetContent,
		h.Get("Content-Encoding") != "",
		hasToken(h["Cache-Control"], "no-transform"):
		w.sendHeader(identity)
		return
	}

	ctype, typed := h["Content-Type"]
	if !typed {
		sample := sniffSample(w.buf, next)
		if len(sample) == 0 && at == atHeader {
			return // wait for bytes to sniff, as net/http would
		}
		if len(sample) > 0 {
			// What net/http would send; it cannot sniff a compressed body.
			ctype = []string{http.DetectContentType(sample)}
			h["Content-Type"] = ctype
		}
	}
	if len(ctype) == 0 || ctype[0] == "" {
		// No type, and none to sniff: a body net/http would not label
		// is not labelled compressed either.
		w.sendHeader(identity)
		return
	}
	var force bool // the client refuses identity: compress what can be
	if !encoding.Compressible(ctype[0]) {
		if force = w.identityRefused(); !force {
			w.sendHeader(identity)
			return
		}
	}

	// The response could have been compressed: it varies.
	addVary(h)
	if w.coding == encoding.Identity || w.status == http.StatusPartialContent ||
		w.r.Header.Get("Range") != "" || h.Get("Content-Range") != "" ||
		hasToken(w.r.Header["Cache-Control"], "no-transform") {
		w.sendHeader(identity)
		return
	}
	size := int64(-1) // unknown
	if n, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64); err == nil {
		size = n
	} else if at == atClose {
		size = int64(len(w.buf))
	}
	switch {
	case size >= int64(w.c.minBytes), at == atBody, at == atFlush, force:
		w.sendHeader(encoded)
	case size < 0:
		// atHeader: wait for MinBytes, a flush or the end.
	case w.identityRefused():
		w.sendHeader(encoded) // small, but the client will have it no other way
	default:
		w.sendHeader(identity)
	}
}

// sendHeader settles the response's state and sends its header, made
// that of a compressed response when state is encoded.
func (w *compressWriter) sendHeader(state int) {
	w.state = state
	if state == encoded {
		h := w.Header()
		h.Del("Content-Length")
		h.Del("Accept-Ranges")
		h.Set("Content-Encoding", w.coding)
		if e := h.Get("Etag"); e != "" {
			h.Set("Etag", encoding.ETag(e, w.coding))
		}
	}
	w.ResponseWriter.WriteHeader(w.status)
}

// notModifiedETag gives a 304 the encoded form of its ETag when that is
// the form the client sent: the form of what the client holds.
func (w *compressWriter) notModifiedETag(h http.Header) {
	if w.coding == encoding.Identity {
		return
	}
	if e := h.Get("Etag"); e != "" {
		if enc := encoding.ETag(e, w.coding); enc != e && encoding.ListsETag(w.r.Header["If-None-Match"], enc) {
			h.Set("Etag", enc)
		}
	}
}

// identityRefused reports whether the request refuses an unencoded
// response, and accepts the negotiated coding instead.
func (w *compressWriter) identityRefused() bool {
	if w.coding == encoding.Identity {
		return false
	}
	_, ok := encoding.Negotiate(w.r.Header["Accept-Encoding"], nil)
	return !ok
}

// sniffSample returns the first 512 bytes of the body, of which held
// were written and next is being written: what http.DetectContentType
// reads.
func sniffSample(held, next []byte) []byte {
	const n = 512
	switch {
	case len(held) >= n || len(next) == 0:
		return held
	case len(held) == 0:
		return next
	}
	s := make([]byte, 0, n)
	s = append(s, held...)
	return append(s, next[:min(len(next), n-len(held))]...)
}

// addVary adds Accept-Encoding to h's Vary unless it is listed already,
// or Vary is "*".
func addVary(h http.Header) {
	if !hasToken(h["Vary"], "Accept-Encoding") && !hasToken(h["Vary"], "*") {
		h.Add("Vary", "Accept-Encoding")
	}
}

// hasToken reports whether the comma-separated field values list token,
// compared case-insensitively.
func hasToken(values []string, token string) bool {
	for _, v := range values {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}
