//go:build !linux

package listing

import "io/fs"

// readOpen is the fast path of [read] on Linux; elsewhere read falls back
// to fs.ReadDir.
func readOpen(fs.File, fs.FileInfo, string, bool, ReadOptions, *dirCache) ([]Entry, error) {
	return nil, errNoFastPath
}

// dirCache keeps directories' names on Linux only.
type dirCache struct{}

func newDirCache() *dirCache { return nil }
