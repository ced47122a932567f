package fileserver

import (
	"bytes"
	"io"
	"io/fs"
	"sync"
	"sync/atomic"
	"time"
)

// Limits of the file cache. A file's metadata is kept whatever its size;
// its bytes only when it is small, and up to cacheMaxBytes in all. Past
// either limit the cache starts over, which costs re-reads, never a
// wrong answer. Only small files are kept in memory: past a few pages,
// sendfile, which hands the kernel page references, beats a write that
// copies the bytes (bench/README.md has the measurement).
const (
	cacheMaxFileBytes = 16 << 10
	cacheMaxBytes     = 32 << 20
	cacheMaxEntries   = 16384
)

// fileCache remembers, per file version, what serving the file needs:
// its Content-Type and ETag and, for a small file, its bytes. It is what
// nginx's open_file_cache and Caddy's ETag memo do, without their staleness:
// every request still stats the file (the handler must, to refuse FIFOs),
// and an entry is used only while that stat shows the same size,
// modification time and, where the FS says, inode and change time. An edit,
// a rename over the file or a chmod all change one of them.
type fileCache struct {
	mu      sync.RWMutex
	entries map[string]*cachedFile
	bytes   int64
}

// version identifies one state of a file.
type version struct {
	size    int64
	modtime time.Time
	id      fileID // zero when the FS does not say
}

type cachedFile struct {
	version
	ctype, etag  string
	content      []byte   // nil unless the file is small
	lastModified []string // the Last-Modified header's value, shared by responses (cap 1: an Add copies); nil for no time

	// sidecars is the last lookup of the file's precompressed forms;
	// nil until one is made (see Options.Precompressed).
	sidecars atomic.Pointer[sidecarSet]
}

func newFileCache() *fileCache {
	return &fileCache{entries: make(map[string]*cachedFile)}
}

func versionOf(info fs.FileInfo) version {
	return version{size: info.Size(), modtime: info.ModTime(), id: idOf(info)}
}

func (v version) same(w version) bool {
	return v.size == w.size && v.modtime.Equal(w.modtime) && v.id == w.id
}

// get returns the entry for name if it describes the file version info.
func (c *fileCache) get(name string, info fs.FileInfo) *cachedFile {
	c.mu.RLock()
	e := c.entries[name]
	c.mu.RUnlock()
	if e != nil && e.same(versionOf(info)) {
		return e
	}
	return nil
}

func (c *fileCache) put(name string, e *cachedFile) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.entries[name]; old != nil {
		c.bytes -= int64(len(old.content))
	}
	if len(c.entries) >= cacheMaxEntries || c.bytes+int64(len(e.content)) > cacheMaxBytes {
		clear(c.entries)
		c.bytes = 0
	}
	c.entries[name] = e
	c.bytes += int64(len(e.content))
}

// readSmall reads a small file whole and reports whether it stayed the
// version info describes while it was read; a file being written is served
// as read but not remembered.
func readSmall(f fs.File, info fs.FileInfo) (content []byte, stable bool, err error) {
	buf := make([]byte, info.Size()+1) // one byte more: to see a file that grew
	n, err := io.ReadFull(f, buf)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, false, err
	}
	content = buf[:n]
	after, err := f.Stat()
	if err != nil {
		return content, false, nil
	}
	return content, int64(n) == info.Size() && versionOf(after).same(versionOf(info)), nil
}

// reader gives each request its own view of cached bytes.
func (e *cachedFile) reader() io.ReadSeeker { return newMemReader(e.content) }

// memReader reads bytes held in memory, as bytes.Reader does, and lets
// memoryWriter write the bytes still to be read without copying them.
type memReader struct {
	bytes.Reader
	b []byte
}

func newMemReader(b []byte) *memReader {
	m := &memReader{b: b}
	m.Reset(b)
	return m
}

// next returns the bytes still to be read, at most max of them, without
// reading them.
func (m *memReader) next(max int64) []byte {
	off := m.Size() - int64(m.Len())
	return m.b[off : off+min(max, int64(m.Len()))]
}

// advance marks n bytes as read.
func (m *memReader) advance(n int) { m.Seek(int64(n), io.SeekCurrent) }
