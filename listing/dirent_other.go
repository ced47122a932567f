//go:build !linux

package listing

import "io/fs"

// readOpen is the fast path of [read] on Linux; elsewhere read falls back
// to fs.ReadDir.
func readOpen(fs.File, bool, bool) ([]Entry, error) { return nil, errNoFastPath }
