//go:build !linux

package cork

import "syscall"

// set does nothing where TCP_CORK is not known.
func set(syscall.RawConn, bool) {}
