//go:build unix

package walk

import (
	"io/fs"
	"syscall"
)

type fileID struct{ dev, ino uint64 }

// idOf returns the device and inode of info, when the FS has them.
func idOf(info fs.FileInfo) (fileID, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, false
	}
	return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, true
}
