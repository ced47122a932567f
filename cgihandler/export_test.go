package cgihandler

import "time"

// SetFlushDelay sets how long a script's output may pause before it is
// flushed, for the test's duration.
func SetFlushDelay(d time.Duration) (restore func()) {
	old := flushDelay
	flushDelay = d
	return func() { flushDelay = old }
}
