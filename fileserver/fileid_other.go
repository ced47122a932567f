//go:build !linux

package fileserver

import "io/fs"

// fileID is empty off Linux, or where the FS has no inode to tell: size and
// modification time alone identify a version.
type fileID struct{}

func idOf(fs.FileInfo) fileID { return fileID{} }
