// Package logwriter batches the command's log lines (access log, error
// log and net/http's own) into few write(2) calls, in order. It is the
// command's composition, not a library feature: an AccessLog writing to
// an *os.File is already lock-free, one write per line.
package logwriter

import (
	"io"
	"sync"
	"time"
)

// limit is how much a Writer holds before Write waits for the
// writes under way: a log that cannot keep up slows requests rather than
// growing without bound.
const limit = 1 << 20

// delay is how long the goroutine lets lines gather after the
// first of a batch arrives, unless batch bytes arrive first.
// Waking it for every line would cost a write(2) per request: with one
// CPU, the woken goroutine runs as soon as the request's goroutine parks.
const (
	delay = time.Millisecond
	batch = 64 << 10
)

// Writer passes whole lines to an underlying writer without making the
// caller wait for it. Write appends to a buffer and wakes a goroutine that,
// a millisecond later (or sooner, once 64 KiB are waiting), writes
// everything pending in one call. Under load a thousand lines cost one
// system call instead of a thousand; on an idle server a line still goes
// out within about a millisecond.
//
// An AccessLog writing to a Writer costs a request a short critical
// section instead of a write(2). Close writes what is pending and stops the
// goroutine; the command closes its Writer when it shuts down. A
// Writer is safe for concurrent use.
type Writer struct {
	w io.Writer

	mu      sync.Mutex
	pending []byte
	spare   []byte
	wake    *sync.Cond // signalled when pending gets data or drains
	writing bool       // the goroutine is writing a batch
	closed  bool
	done    chan struct{}
}

// New returns a Writer writing to w and starts its goroutine.
func New(w io.Writer) *Writer {
	l := &Writer{w: w, done: make(chan struct{})}
	l.wake = sync.NewCond(&l.mu)
	go l.run()
	return l
}

// Write queues p, which should be whole lines, and returns without
// waiting for w, unless more than 1 MiB is already waiting. It returns
// io.ErrClosedPipe after Close.
func (l *Writer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for len(l.pending) >= limit && !l.closed {
		l.wake.Wait()
	}
	if l.closed {
		return 0, io.ErrClosedPipe
	}
	l.pending = append(l.pending, p...)
	l.wake.Broadcast()
	return len(p), nil
}

func (l *Writer) run() {
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
		if len(l.pending) < batch && !l.closed {
			l.writing = true // for Flush: the batch is under way
			l.mu.Unlock()
			time.Sleep(delay)
			l.mu.Lock()
		}
		batch := l.pending
		l.pending, l.spare = l.spare[:0], nil
		l.writing = true
		l.mu.Unlock()
		l.w.Write(batch) // errors are the log's own: serving goes on
		l.mu.Lock()
		l.writing = false
		if cap(batch) <= 4*limit {
			l.spare = batch[:0]
		}
		l.wake.Broadcast() // writers waiting on the limit, and Flush
	}
}

// Flush waits until everything written so far has reached w.
func (l *Writer) Flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for (len(l.pending) > 0 || l.writing) && !l.closed {
		l.wake.Wait()
	}
}

// Close writes what is pending, stops the goroutine and returns once it
// has stopped. Writes after Close fail.
func (l *Writer) Close() error {
	l.mu.Lock()
	l.closed = true
	l.wake.Broadcast()
	l.mu.Unlock()
	<-l.done
	return nil
}
