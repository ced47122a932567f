package cgihandler

import (
	"os"
	"testing"
	"time"
)

// SetFlushDelay sets how long a script's output may pause before h
// flushes it. Call it before h serves.
func SetFlushDelay(h *Handler, d time.Duration) { h.flushDelay = d }

// OpenRoot opens dir as a served root, closed when the test ends.
func OpenRoot(tb testing.TB, dir string) *os.Root {
	tb.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { root.Close() })
	return root
}
