package livereload

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pyhttp/httpserver/fileserver"
)

// quiet is the error log of tests that expect nothing worth reading.
var quiet = slog.New(slog.DiscardHandler)

// newReloader returns a Reloader over dir, closed when the test ends.
func newReloader(t testing.TB, dir string, opts Options) *Reloader {
	t.Helper()
	if opts.ErrorLog == nil {
		opts.ErrorLog = quiet
	}
	l, err := New(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// writeFiles creates the files of m (name → content) under dir.
func writeFiles(t testing.TB, dir string, m map[string]string) {
	t.Helper()
	for name, data := range m {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// served writes files into a new directory and returns it with a file
// server of it, through an os.Root closed when the test ends.
func served(t testing.TB, files map[string]string) (dir string, h http.Handler) {
	t.Helper()
	dir = t.TempDir()
	writeFiles(t, dir, files)
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	return dir, fileserver.New(fileserver.RootFS(root), fileserver.Options{ErrorLog: quiet})
}

// stream is a client of an event stream.
type stream struct {
	events chan string // the event names, "" for a comment
	resp   *http.Response
	cancel context.CancelFunc
	ended  chan struct{} // closed when the stream ends
}

// openStream connects to the event stream at url and reads its events in
// the background until the stream ends or the test does.
func openStream(t testing.TB, url string) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		cancel()
		resp.Body.Close()
		t.Fatalf("GET %s: %s, %q", url, resp.Status, resp.Header.Get("Content-Type"))
	}
	s := &stream{events: make(chan string, 1024), resp: resp, cancel: cancel, ended: make(chan struct{})}
	go func() {
		defer close(s.ended)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				s.events <- strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, ":"):
				s.events <- ""
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-s.ended })
	return s
}

// next returns the next event that is not a comment, or "" when none
// comes within d.
func (s *stream) next(d time.Duration) string {
	deadline := time.After(d)
	for {
		select {
		case ev := <-s.events:
			if ev != "" {
				return ev
			}
		case <-deadline:
			return ""
		}
	}
}

// server serves h on loopback until the test ends.
func server(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// get fetches url with the header fields given as name, value pairs,
// without following redirects, within the time a test waits.
func get(t testing.TB, method, url string, header ...string) (*http.Response, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// settleGoroutines waits, at most d, for the goroutine count to fall to
// want, and returns the count it saw last.
func settleGoroutines(want int, d time.Duration) int {
	deadline := time.Now().Add(d)
	n := runtime.NumGoroutine()
	for n > want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}
