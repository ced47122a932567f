package logwriter

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// slowWriter records what it is given and takes its time, like a disk or
// a terminal under load.
type slowWriter struct {
	mu     sync.Mutex
	b      bytes.Buffer
	calls  int
	delay  time.Duration
	closed bool
	wrote  chan struct{} // if not nil, told of every write
}

func (s *slowWriter) Write(p []byte) (int, error) {
	time.Sleep(s.delay)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	n, err := s.b.Write(p)
	if s.wrote != nil {
		s.wrote <- struct{}{}
	}
	return n, err
}

func (s *slowWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLogWriterKeepsEveryLineWhole(t *testing.T) {
	sw := &slowWriter{delay: time.Millisecond}
	l := New(sw)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				fmt.Fprintf(l, "goroutine %d line %d %s\n", g, i, strings.Repeat("x", i%50))
			}
		}()
	}
	wg.Wait()
	l.Close()
	lines := strings.Split(strings.TrimSuffix(sw.String(), "\n"), "\n")
	if len(lines) != 8*500 {
		t.Fatalf("%d lines; want %d", len(lines), 8*500)
	}
	seen := map[string]bool{}
	for _, line := range lines {
		var g, i int
		var xs string
		if n, _ := fmt.Sscanf(line, "goroutine %d line %d %s", &g, &i, &xs); n < 2 || len(xs) != i%50 && i%50 != 0 {
			t.Fatalf("torn line %q", line)
		}
		seen[line] = true
	}
	if len(seen) != 8*500 {
		t.Errorf("%d distinct lines; want %d", len(seen), 8*500)
	}
	if sw.calls >= 8*500 {
		t.Errorf("%d writes for %d lines: no batching", sw.calls, 8*500)
	}
}

func TestLogWriterIdleLinesGoOutAtOnce(t *testing.T) {
	sw := &slowWriter{wrote: make(chan struct{}, 16)}
	l := New(sw)
	defer l.Close()
	io.WriteString(l, "one\n")
	select {
	case <-sw.wrote:
	case <-time.After(5 * time.Second):
		t.Fatal("an idle line did not reach the writer within 5s")
	}
	if sw.String() != "one\n" {
		t.Fatalf("first write: %q", sw.String())
	}
	io.WriteString(l, "two\n")
	l.Flush()
	if sw.String() != "one\ntwo\n" {
		t.Errorf("after Flush: %q", sw.String())
	}
}

// TestLogWriterBatchesWhenRequestsYield is the one-CPU server: each
// request parks its goroutine after its line, which lets the log goroutine
// run. Lines must still go out in batches, not a write(2) each.
func TestLogWriterBatchesWhenRequestsYield(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	sw := &slowWriter{}
	l := New(sw)
	defer l.Close()
	for i := range 200 {
		fmt.Fprintf(l, "line %d\n", i)
		runtime.Gosched()
	}
	l.Flush()
	if n := strings.Count(sw.String(), "\n"); n != 200 {
		t.Fatalf("%d lines written; want 200", n)
	}
	if sw.calls > 20 {
		t.Errorf("%d writes for 200 lines: the log goroutine wrote each line as it came", sw.calls)
	}
}

func TestLogWriterBackpressureAndClose(t *testing.T) {
	block := make(chan struct{})
	entered := make(chan struct{}, 1)
	bw := writerFunc(func(p []byte) (int, error) {
		select {
		case entered <- struct{}{}:
		default:
		}
		<-block
		return len(p), nil
	})
	l := New(bw)
	line := bytes.Repeat([]byte("x"), 64<<10)
	io.WriteString(l, "first\n")
	<-entered // the goroutine took it, and now blocks
	for range limit / len(line) {
		l.Write(line)
	}
	waited := make(chan struct{})
	go func() {
		l.Write(line) // over the limit: waits for the writer
		close(waited)
	}()
	select {
	case <-waited:
		t.Fatal("Write past the limit did not wait")
	case <-time.After(50 * time.Millisecond):
	}
	close(block)
	select {
	case <-waited:
	case <-time.After(5 * time.Second):
		t.Fatal("Write past the limit still waiting after the writer drained")
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Write([]byte("late\n")); err != io.ErrClosedPipe {
		t.Errorf("Write after Close: %v; want io.ErrClosedPipe", err)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func BenchmarkLogWriter(b *testing.B) {
	l := New(io.Discard)
	defer l.Close()
	line := []byte(`127.0.0.1 - - [23/Nov/2026 18:53:00] "GET /static/css/site.css HTTP/1.1" 200 -` + "\n")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			l.Write(line)
		}
	})
}
