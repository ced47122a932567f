//go:build windows

package upload

import (
	"errors"
	"syscall"
)

// diskFull reports whether err says the file system is full:
// ERROR_HANDLE_DISK_FULL (39) and ERROR_DISK_FULL (112) on Windows.
func diskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.Errno(39)) || errors.Is(err, syscall.Errno(112))
}
