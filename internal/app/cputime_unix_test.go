//go:build unix

package app

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user and system CPU time so far: per request
// it moves less than ns/op on a machine that other work shares, since
// the time the benchmark waits for a CPU is not in it.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
