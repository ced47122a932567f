package fileserver

import (
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pyhttp/httpserver/internal/encoding"
	"github.com/pyhttp/httpserver/internal/errorpage"
)

// sidecarCodings are the precompressed forms looked for next to a file,
// in the order that breaks ties between equally acceptable codings.
var sidecarCodings = [...]struct{ coding, suffix string }{
	{encoding.Brotli, ".br"},
	{encoding.Zstd, ".zst"},
	{encoding.Gzip, ".gz"},
}

// sidecarRecheck is how long a file's list of sidecars is trusted before
// it is looked up again: a sidecar added next to a file is noticed within
// this time, and a file without sidecars costs three stats a second at
// most, not three a request.
const sidecarRecheck = time.Second

// sidecarSet is what a lookup found next to a file: the codings whose
// sidecar was a regular file, in sidecarCodings' order.
type sidecarSet struct {
	codings []string
	at      time.Time
}

// isSidecarName reports whether name has a suffix of a precompressed
// form. Such a file is served as itself (app.js.gz as application/gzip),
// and nothing is looked for next to it.
func isSidecarName(name string) bool {
	for _, c := range sidecarCodings {
		if strings.HasSuffix(name, c.suffix) {
			return true
		}
	}
	return false
}

// sidecarsOf returns the codings of the sidecars next to name, from e,
// the file's cache entry, while its lookup is recent, else from a new
// lookup, which e then remembers. e may be nil. With WatchFiles the
// stats are in memory and kept true by inotify, so every request looks
// and a sidecar added is served to the next one.
func (h *Handler) sidecarsOf(name string, e *cachedFile) []string {
	if e != nil && h.stats == nil {
		if s := e.sidecars.Load(); s != nil && time.Since(s.at) < sidecarRecheck {
			return s.codings
		}
	}
	var codings []string
	for _, c := range sidecarCodings {
		if info, err := h.stat(name + c.suffix); err == nil && info.Mode().IsRegular() {
			codings = append(codings, c.coding)
		}
	}
	if e != nil && h.stats == nil {
		e.sidecars.Store(&sidecarSet{codings: codings, at: time.Now()})
	}
	return codings
}

// servePrecompressed answers r with a sidecar of name, whose stat is
// info and cache entry e (nil when the cache has none for this version),
// when the client accepts one; served is false when the original is to be
// sent instead. Every response for a file with sidecars says
// "Vary: Accept-Encoding", identity answers included.
func (h *Handler) servePrecompressed(w http.ResponseWriter, r *http.Request, name string, info fs.FileInfo, e *cachedFile) (served bool, err error) {
	codings := h.sidecarsOf(name, e)
	if len(codings) == 0 {
		return false, nil
	}
	addVary(w.Header())
	var buf [len(sidecarCodings)]string
	offered := append(buf[:0], codings...)
	for {
		coding, ok := encoding.Negotiate(r.Header["Accept-Encoding"], offered)
		if !ok && h.compress {
			return false, nil // Options.Compress may have a coding that fits
		}
		if !ok {
			// RFC 9110 §15.5.7: identity refused and nothing else fits.
			return false, errorpage.Errorf(http.StatusNotAcceptable, "", nil)
		}
		if coding == encoding.Identity {
			return false, nil
		}
		if h.serveSidecar(w, r, name, info, e, coding) {
			return true, nil
		}
		// Gone, stale or unreadable: try the next acceptable coding.
		for i, c := range offered {
			if c == coding {
				offered = append(offered[:i], offered[i+1:]...)
				break
			}
		}
	}
}

// serveSidecar sends the coding sidecar of name (stat info, cache entry e
// or nil) and reports whether it did. It does not when the sidecar is not
// a regular file, cannot be opened, or is older than name: a stale sidecar
// would send the last version's bytes. Times are compared to the second:
// brotli and zstd give the file they write the original's modification
// time cut to whole seconds, so a sidecar made with `brotli -k app.js` is
// as old as app.js, not older. (A sidecar made and then overtaken by an
// edit within the same second is taken for fresh.)
func (h *Handler) serveSidecar(w http.ResponseWriter, r *http.Request, name string, info fs.FileInfo, e *cachedFile, coding string) bool {
	sname := name + suffixOf(coding)
	sinfo, err := h.stat(sname)
	if err != nil || !sinfo.Mode().IsRegular() || sinfo.ModTime().Before(info.ModTime().Truncate(time.Second)) {
		return false
	}
	if e == nil {
		// The original's Content-Type is needed, and its entry is made
		// the usual way.
		var err error
		if e, err = h.entry(name, info); err != nil {
			return false
		}
	}
	// Ranges apply to the encoded bytes (RFC 9110 §14.1.2); one range at
	// most, since a multipart/byteranges body cannot carry the
	// Content-Encoding of its parts.
	if se, data := h.sidecarBytes(sname, sinfo, coding); data != nil {
		setEncoded(w.Header(), e.ctype, encoding.ETag(se.etag, coding), coding, int64(len(data)))
		h.send(w, r, sname, sizedInfo{sinfo, int64(len(data))}, se, newMemReader(data), true, 1)
		return true
	}
	f, content, se, err := h.content(sname, sinfo, nil)
	if err != nil {
		return false
	}
	if f != nil {
		defer f.Close()
	}
	setEncoded(w.Header(), e.ctype, encoding.ETag(se.etag, coding), coding, sinfo.Size())
	h.send(w, r, sname, sinfo, se, content, se.content != nil, 1)
	return true
}

// sidecarBytes returns the cache entry and the bytes of the coding
// sidecar sname (stat sinfo) when they are to be sent from memory, or a
// nil slice when the sidecar is to be sent from the file. A sidecar no
// larger than a compressed form may be (compressMaxFileBytes) is read once
// per version and kept with the compressed forms, under their bound: like
// them it goes to every client that accepts its coding, and from memory a
// response costs no open, read, sendfile or close. A sidecar that changed
// while it was read is sent as read, and not kept.
func (h *Handler) sidecarBytes(sname string, sinfo fs.FileInfo, coding string) (*cachedFile, []byte) {
	if sinfo.Size() > compressMaxFileBytes {
		return nil, nil
	}
	se, err := h.entry(sname, sinfo)
	if err != nil {
		return nil, nil
	}
	if se.content != nil {
		return se, se.content
	}
	v := versionOf(sinfo)
	c, err := h.compressed.do(sname, coding, v, func() (*compressedFile, bool, error) {
		data, stable, err := h.bytesOf(sname, sinfo, se)
		return &compressedFile{version: v, data: data}, stable, err
	})
	if err != nil || c.data == nil {
		return nil, nil
	}
	return se, c.data
}

// setEncoded sets the fields of a response whose body is the coding
// form of a file of type ctype, size bytes long, with the given ETag.
// etag is the encoded form's own (encoding.ETag): two encodings, or an
// encoded form and its original, never share a strong ETag (RFC 9110
// §8.8.3.3; Caddy #5849), even when their sizes and times agree.
func setEncoded(hdr http.Header, ctype, etag, coding string, size int64) {
	hdr["Content-Type"] = []string{ctype}
	hdr["Etag"] = []string{etag}
	hdr["Content-Encoding"] = []string{coding}
	// http.ServeContent leaves Content-Length out of a whole response
	// that has a Content-Encoding (Caddy #7040 had the same gap). It
	// overwrites this for a 206 and removes it for a 304 or an error.
	hdr["Content-Length"] = []string{strconv.FormatInt(size, 10)}
}

// suffixOf returns the file suffix of a sidecar coding.
func suffixOf(coding string) string {
	for _, c := range sidecarCodings {
		if c.coding == coding {
			return c.suffix
		}
	}
	return ""
}

// addVary adds Accept-Encoding to h's Vary unless it is listed already.
func addVary(h http.Header) {
	for _, v := range h["Vary"] {
		for tok := range strings.SplitSeq(v, ",") {
			if t := strings.TrimSpace(tok); t == "*" || strings.EqualFold(t, "Accept-Encoding") {
				return
			}
		}
	}
	h.Add("Vary", "Accept-Encoding")
}
