package fileserver

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"strconv"
	"time"
)

// etag returns a strong ETag for the file with the given info. By default
// it is the modification time and size, like nginx's and Caddy's; a file
// with no modification time (embed.FS), or every file when content hashes
// are asked for, gets a hash of its bytes. content is read only to hash
// it, and is then seeked back to the start.
func (h *Handler) etag(info fs.FileInfo, content io.ReadSeeker) (string, error) {
	if !h.hashETags && !isUnixEpochOrZero(info.ModTime()) {
		return modtimeETag(info.Size(), info.ModTime()), nil
	}
	hash := sha256.New()
	if _, err := io.Copy(hash, content); err != nil {
		return "", err
	}
	if _, err := content.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	return `"` + hex.EncodeToString(hash.Sum(nil)[:16]) + `"`, nil
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
