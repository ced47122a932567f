package fileserver

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"strconv"
	"sync"
	"time"
)

// etagCacheLimit bounds the number of content hashes kept. Past it the
// cache starts over, which costs a re-hash, never a wrong answer.
const etagCacheLimit = 8192

// etagCache computes strong ETags. By default an ETag is the file's
// modification time and size, like nginx's and Caddy's; a file with no
// modification time (embed.FS), or every file when content hashes are
// asked for, gets a hash of its bytes, remembered per name until the
// file's size or modification time changes.
type etagCache struct {
	onlyUndated bool // hash only files without a modification time

	mu     sync.RWMutex
	hashes map[string]cachedETag
}

type cachedETag struct {
	size    int64
	modtime time.Time
	etag    string
}

func newETagCache() *etagCache {
	return &etagCache{hashes: make(map[string]cachedETag)}
}

// etag returns the ETag for the file name with the given info. content is
// read only to hash it, and is then seeked back to the start.
func (c *etagCache) etag(name string, info fs.FileInfo, content io.ReadSeeker) (string, error) {
	size, modtime := info.Size(), info.ModTime()
	if c.onlyUndated && !isUnixEpochOrZero(modtime) {
		return modtimeETag(size, modtime), nil
	}
	c.mu.RLock()
	e, ok := c.hashes[name]
	c.mu.RUnlock()
	if ok && e.size == size && e.modtime.Equal(modtime) {
		return e.etag, nil
	}
	hash := sha256.New()
	if _, err := io.Copy(hash, content); err != nil {
		return "", err
	}
	if _, err := content.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	etag := `"` + hex.EncodeToString(hash.Sum(nil)[:16]) + `"`
	c.mu.Lock()
	if len(c.hashes) >= etagCacheLimit {
		clear(c.hashes)
	}
	c.hashes[name] = cachedETag{size, modtime, etag}
	c.mu.Unlock()
	return etag, nil
}

// modtimeETag is `"<mtime in ns, hex>-<size, hex>"`: strong, because two
// versions of a file with the same size and nanosecond timestamp are, for
// any file system in use, the same bytes.
func modtimeETag(size int64, modtime time.Time) string {
	b := make([]byte, 0, 36)
	b = append(b, '"')
	b = strconv.AppendInt(b, modtime.UnixNano(), 16)
	b = append(b, '-')
	b = strconv.AppendInt(b, size, 16)
	b = append(b, '"')
	return string(b)
}
