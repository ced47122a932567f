//go:build !unix

package app

import (
	"testing"
	"time"
)

// cpuTime is zero where getrusage is not available: the benchmarks then
// report no cpu-ns/op worth reading.
func cpuTime(*testing.B) time.Duration { return 0 }
