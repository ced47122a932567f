package fileserver

import (
	"io/fs"
	"net/http"
	"sync"

	"github.com/pyhttp/httpserver/internal/encoding"
	"github.com/pyhttp/httpserver/internal/errorpage"
)

// Limits of Options.Compress: files outside [compressMinBytes,
// compressMaxFileBytes] are sent as they are, and the compressed forms
// kept take compressMaxBytes at most; past that the store starts over.
const (
	compressMinBytes     = 1 << 10
	compressMaxFileBytes = 1 << 20
	compressMaxBytes     = 64 << 20
)

// compressOffered are the codings Options.Compress makes, ties in order.
var compressOffered = []string{encoding.Brotli, encoding.Zstd, encoding.Gzip}

// compressedStore keeps the compressed forms of files, per name and
// coding, each for the file version it was made from.
type compressedStore struct {
	mu       sync.Mutex
	entries  map[compressedKey]*compressedFile
	bytes    int64
	inflight map[compressedKey]*compressCall
	made     int // forms compressed or sidecars read, for tests
}

// compressCall is one compression under way: requests for the same form
// of the same version wait for it rather than compress again.
type compressCall struct {
	v    version
	done chan struct{}
	c    *compressedFile
	err  error
}

type compressedKey struct{ name, coding string }

type compressedFile struct {
	version
	data []byte // nil: compressing did not make the file smaller
}

// do returns the coding form of version v of name: the one kept, the one
// another request is making, or a new one from make, which also says
// whether the file stayed put while it was read (only then is the form
// kept).
func (s *compressedStore) do(name, coding string, v version, compress func() (c *compressedFile, stable bool, err error)) (*compressedFile, error) {
	k := compressedKey{name, coding}
	s.mu.Lock()
	if c := s.entries[k]; c != nil && c.same(v) {
		s.mu.Unlock()
		return c, nil
	}
	if call := s.inflight[k]; call != nil && call.v.same(v) {
		s.mu.Unlock()
		<-call.done
		return call.c, call.err
	}
	call := &compressCall{v: v, done: make(chan struct{})}
	if s.inflight == nil {
		s.inflight = map[compressedKey]*compressCall{}
	}
	s.inflight[k] = call
	s.made++
	s.mu.Unlock()

	c, stable, err := compress()
	call.c, call.err = c, err
	s.mu.Lock()
	if s.inflight[k] == call {
		delete(s.inflight, k)
	}
	if err == nil && stable {
		s.put(k, c)
	}
	s.mu.Unlock()
	close(call.done)
	return c, err
}

// put keeps c under k; s.mu is held.
func (s *compressedStore) put(k compressedKey, c *compressedFile) {
	if old := s.entries[k]; old != nil {
		s.bytes -= int64(len(old.data))
	}
	if s.entries == nil || s.bytes+int64(len(c.data)) > compressMaxBytes || len(s.entries) >= cacheMaxEntries {
		s.entries = make(map[compressedKey]*compressedFile)
		s.bytes = 0
	}
	s.entries[k] = c
	s.bytes += int64(len(c.data))
}

// serveCompressed answers r with the compressed form of name (stat info,
// cache entry e or nil) when Options.Compress applies to it and the client
// accepts a coding; served is false when the file is to be sent as it is.
func (h *Handler) serveCompressed(w http.ResponseWriter, r *http.Request, name string, info fs.FileInfo, e *cachedFile) (served bool, err error) {
	if info.Size() < compressMinBytes || info.Size() > compressMaxFileBytes {
		return false, nil
	}
	if e == nil {
		if e, err = h.entry(name, info); err != nil {
			return false, err
		}
	}
	if !encoding.Compressible(e.ctype) {
		return false, nil
	}
	addVary(w.Header())
	coding, ok := encoding.Negotiate(r.Header["Accept-Encoding"], compressOffered)
	if !ok {
		// RFC 9110 §15.5.7: identity refused and nothing else fits.
		return false, errorpage.Errorf(http.StatusNotAcceptable, "", nil)
	}
	if coding == encoding.Identity {
		return false, nil
	}
	v := versionOf(info)
	c, err := h.compressed.do(name, coding, v, func() (*compressedFile, bool, error) {
		src, stable, err := h.bytesOf(name, info, e)
		if err != nil {
			return nil, false, err
		}
		data, err := encoding.Encode(coding, src)
		if err != nil {
			return nil, false, err
		}
		if len(data) >= len(src) {
			data = nil // not worth it: sent as it is
		}
		return &compressedFile{version: v, data: data}, stable, nil
	})
	if err != nil {
		return false, err
	}
	if c.data == nil {
		return false, nil
	}
	setEncoded(w.Header(), e.ctype, encoding.ETag(e.etag, coding), coding, int64(len(c.data)))
	h.send(w, r, name, sizedInfo{info, int64(len(c.data))}, e, newMemReader(c.data), true, 1)
	return true, nil
}

// entry returns the cache entry of name (stat info), describing the file
// when the cache has none for this version.
func (h *Handler) entry(name string, info fs.FileInfo) (*cachedFile, error) {
	if e := h.cache.get(name, info); e != nil {
		return e, nil
	}
	f, _, e, err := h.content(name, info, nil)
	if f != nil {
		f.Close()
	}
	return e, err
}

// bytesOf returns the bytes of name (stat info, cache entry e), from e
// when it holds them, and whether the file stayed that version while it
// was read.
func (h *Handler) bytesOf(name string, info fs.FileInfo, e *cachedFile) (src []byte, stable bool, err error) {
	if e.content != nil {
		return e.content, true, nil
	}
	f, err := h.fsys.Open(name)
	if err != nil {
		return nil, false, openError(err)
	}
	defer f.Close()
	return readSmall(f, info)
}

// sizedInfo is a FileInfo with another size: that of a compressed form.
type sizedInfo struct {
	fs.FileInfo
	size int64
}

func (i sizedInfo) Size() int64 { return i.size }
