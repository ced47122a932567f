//go:build !linux

package listing

import "io/fs"

// readFast is the getdents fast path of [read] on Linux; elsewhere read
// uses readDir.
func readFast(fs.File, ReadOptions, bool) ([]Entry, error) {
	return nil, errNoFastPath
}
