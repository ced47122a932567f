//go:build !linux

package walk

import "io/fs"

// readDir reads the directory name of fsys: its entries' names and
// types, sorted by name, and its own FileInfo.
func readDir(fsys fs.FS, name string) ([]dirent, fs.FileInfo, error) { return readDirFS(fsys, name) }
