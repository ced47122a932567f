//go:build !linux

package fileserver

import "io/fs"

// statCache validates stats by file-system notifications on Linux only
// (statcache_linux.go); elsewhere every request stats.
type statCache struct{}

func newStatCache(fs.FS) *statCache { return nil }

func (*statCache) sync() {}

func (*statCache) stat(string) (fs.FileInfo, error) { panic("unreachable") }

func (*statCache) lstat(string) (fs.FileInfo, bool) { return nil, false }
