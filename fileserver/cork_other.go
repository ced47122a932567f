//go:build !linux

package fileserver

import "syscall"

// setCork does nothing where TCP_CORK is not known.
func setCork(syscall.RawConn, bool) {}
