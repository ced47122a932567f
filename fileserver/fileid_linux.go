//go:build linux

package fileserver

import (
	"io/fs"
	"syscall"
)

// fileID is what identifies a file's version beyond its size and
// modification time: which inode it is, and when it last changed in any
// way (contents, owner, mode, links).
type fileID struct {
	dev, ino     uint64
	ctime, ctimN int64
}

func idOf(info fs.FileInfo) fileID {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}
	}
	sec, nsec := st.Ctim.Unix()
	return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino), ctime: sec, ctimN: nsec}
}
