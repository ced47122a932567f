//go:build unix

package listing

import "syscall"

// mkfifo makes a named pipe, for the tests of what must never be opened.
func mkfifo(name string) error { return syscall.Mkfifo(name, 0o644) }
