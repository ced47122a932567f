//go:build unix

package fileserver

import (
	"syscall"
	"testing"
)

// mkfifo makes a FIFO at p, which the handler must refuse without opening.
func mkfifo(tb testing.TB, p string) {
	tb.Helper()
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		tb.Fatal(err)
	}
}
