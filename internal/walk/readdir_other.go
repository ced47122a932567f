//go:build !linux

package walk

import "io/fs"

// readDir reads the directory name of fsys: its entries' names and
// types, sorted by name.
func readDir(fsys fs.FS, name string) ([]dirent, error) { return readDirFS(fsys, name) }
