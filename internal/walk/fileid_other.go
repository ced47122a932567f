//go:build !unix

package walk

import "io/fs"

type fileID struct{ dev, ino uint64 }

// idOf reports no identity: loops are bounded by HardMaxDepth alone.
func idOf(fs.FileInfo) (fileID, bool) { return fileID{}, false }
