package middleware

import (
	"io"
	"sync"
)

// logWriterLimit is how much a LogWriter holds before Write waits for the
// writes under way: a log that cannot keep up slows requests rather than
// growing without bound.
const logWriterLimit = 1 << 20

// LogWriter passes whole lines to an underlying writer without making the
// caller wait for it. Write appends to a buffer and wakes a goroutine that
// writes everything pending in one call, so under load a thousand lines
// cost one system call instead of a thousand, and when the server is idle
// each line still goes out at once: there is no timer to wait for.
//
// An AccessLog writing to a LogWriter costs a request a short critical
// section instead of a write(2). Close writes what is pending and stops the
// goroutine; the command closes its LogWriter when it shuts down. A
// LogWriter is safe for concurrent use.
type LogWriter struct {
	w io.Writer

	mu      sync.Mutex
	pending []byte
	spare   []byte
	wake    *sync.Cond // signalled when pending gets data or drains
	writing bool       // the goroutine is writing a batch
	closed  bool
	done    chan struct{}
}

// NewLogWriter returns a LogWriter writing to w and starts its goroutine.
func NewLogWriter(w io.Writer) *LogWriter {
	l := &LogWriter{w: w, done: make(chan struct{})}
	l.wake = sync.NewCond(&l.mu)
	go l.run()
	return l
}

// Write queues p, which should be whole lines, and returns without
// waiting for w, unless more than 1 MiB is already waiting. It returns
// io.ErrClosedPipe after Close.
func (l *LogWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for len(l.pending) >= logWriterLimit && !l.closed {
		l.wake.Wait()
	}
	if l.closed {
		return 0, io.ErrClosedPipe
	}
	l.pending = append(l.pending, p...)
	l.wake.Broadcast()
	return len(p), nil
}

func (l *LogWriter) run() {
	defer close(l.done)
	l.mu.Lock()
	for {
		for len(l.pending) == 0 && !l.closed {
			l.wake.Wait()
		}
		if len(l.pending) == 0 && l.closed {
			l.mu.Unlock()
			return
		}
		batch := l.pending
		l.pending, l.spare = l.spare[:0], nil
		l.writing = true
		l.mu.Unlock()
		l.w.Write(batch) // errors are the log's own: serving goes on
		l.mu.Lock()
		l.writing = false
		if cap(batch) <= 4*logWriterLimit {
			l.spare = batch[:0]
		}
		l.wake.Broadcast() // writers waiting on the limit, and Flush
	}
}

// Flush waits until everything written so far has reached w.
func (l *LogWriter) Flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for (len(l.pending) > 0 || l.writing) && !l.closed {
		l.wake.Wait()
	}
}

// Close writes what is pending, stops the goroutine and returns once it
// has stopped. Writes after Close fail.
func (l *LogWriter) Close() error {
	l.mu.Lock()
	l.closed = true
	l.wake.Broadcast()
	l.mu.Unlock()
	<-l.done
	return nil
}
