package middleware

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// readerFromRecorder is a recorder that, like net/http's connection-backed
// response, implements io.ReaderFrom, and remembers being used.
type readerFromRecorder struct {
	*httptest.ResponseRecorder
	readFrom int
}

func (r *readerFromRecorder) ReadFrom(src io.Reader) (int64, error) {
	r.readFrom++
	return io.Copy(r.ResponseRecorder, src)
}

// stack is every middleware of the package around h, in the order the
// command uses, logging Common lines (with byte counts) to log.
func stack(log io.Writer, h http.Handler) http.Handler {
	a := NewAccessLog(log, AccessLogOptions{Format: Common, Now: fixedNow})
	pages := NewErrorPages(ErrorPagesOptions{})
	return a.Handler(ServerHeader("test/1")(pages.Handler(Recover(nil)(Expect100(accept)(h)))))
}

func accept(*http.Request) (int, bool) { return 0, true }

func TestReadFromReachesInnerWriter(t *testing.T) {
	var log bytes.Buffer
	rec := &readerFromRecorder{ResponseRecorder: httptest.NewRecorder()}
	h := stack(&log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := w.(io.ReaderFrom); !ok {
			t.Error("wrapped writer is not an io.ReaderFrom")
		}
		// ServeContent copies with io.CopyN, which hands w's ReadFrom the
		// body, as it does with an *os.File that net/http then sendfiles.
		http.ServeContent(w, r, "f.txt", time.Time{}, strings.NewReader("0123456789"))
	}))
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/f", nil))
	if rec.readFrom != 1 {
		t.Errorf("inner ReadFrom called %d times; want 1", rec.readFrom)
	}
	if got := rec.Body.String(); got != "0123456789" {
		t.Errorf("body = %q", got)
	}
	if want := `"GET /f HTTP/1.1" 200 10` + "\n"; !strings.HasSuffix(log.String(), want) {
		t.Errorf("log = %q; want suffix %q", log.String(), want)
	}
}

// TestReadFromError: a failing source is reported, with what was sent
// before it counted, on both paths.
func TestReadFromError(t *testing.T) {
	for name, inner := range map[string]http.ResponseWriter{
		"ReaderFrom": &readerFromRecorder{ResponseRecorder: httptest.NewRecorder()},
		"Writer":     struct{ http.ResponseWriter }{httptest.NewRecorder()},
	} {
		rw := &responseWriter{ResponseWriter: inner}
		src := io.MultiReader(strings.NewReader("ab"), iotest.ErrReader(errBroken))
		if n, err := rw.ReadFrom(src); n != 2 || err != errBroken || rw.bytes != 2 {
			t.Errorf("%s: ReadFrom = %d, %v (bytes %d); want 2, %v", name, n, err, rw.bytes, errBroken)
		}
	}
}

// TestReadFromFallback covers an inner writer without ReadFrom: the copy
// must still happen, be counted, and not loop back into our ReadFrom.
func TestReadFromFallback(t *testing.T) {
	rec := httptest.NewRecorder()
	rw := &responseWriter{ResponseWriter: struct{ http.ResponseWriter }{rec}}
	n, err := rw.ReadFrom(strings.NewReader("abc"))
	if n != 3 || err != nil || rec.Body.String() != "abc" || rw.bytes != 3 || rw.status != 200 {
		t.Errorf("ReadFrom = %d, %v; body %q, bytes %d, status %d", n, err, rec.Body.String(), rw.bytes, rw.status)
	}
}

func TestFlushThroughStack(t *testing.T) {
	rec := httptest.NewRecorder()
	h := stack(io.Discard, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("x"))
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("ResponseController.Flush: %v", err)
		}
		w.(http.Flusher).Flush()
	}))
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if !rec.Flushed {
		t.Error("inner recorder was not flushed")
	}
}

func TestFlushAndHijackNotSupported(t *testing.T) {
	rw := &responseWriter{ResponseWriter: struct{ http.ResponseWriter }{httptest.NewRecorder()}}
	if err := rw.FlushError(); !errors.Is(err, http.ErrNotSupported) {
		t.Errorf("FlushError = %v; want http.ErrNotSupported", err)
	}
	if _, _, err := rw.Hijack(); !errors.Is(err, http.ErrNotSupported) {
		t.Errorf("Hijack = %v; want http.ErrNotSupported", err)
	}
	if rw.hijacked {
		t.Error("failed Hijack marked the writer hijacked")
	}
}

// TestHijackThroughStack hijacks over a real connection through every
// middleware, and uses ResponseController (via Unwrap) for a deadline.
func TestHijackThroughStack(t *testing.T) {
	var log bytes.Buffer
	done := make(chan struct{})
	h := stack(&log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		if err := rc.SetWriteDeadline(time.Now().Add(10 * time.Second)); err != nil {
			t.Errorf("SetWriteDeadline through Unwrap: %v", err)
		}
		conn, brw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Errorf("Hijack: %v", err)
			return
		}
		defer conn.Close()
		brw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nhijacked")
		brw.Flush()
	}))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(done) // after the access log has written its line
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/ws")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "hijacked" {
		t.Errorf("body = %q; want %q", body, "hijacked")
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("handler did not return")
	}
	if want := `"GET /ws HTTP/1.1" - -` + "\n"; !strings.HasSuffix(log.String(), want) {
		t.Errorf("log = %q; want suffix %q", log.String(), want)
	}
}

func TestWriteHeaderStatus(t *testing.T) {
	for _, c := range []struct {
		name string
		h    http.HandlerFunc
		want int
	}{
		{"informational then final", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusCreated)
		}, 201},
		{"superfluous", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusAccepted)
			w.WriteHeader(http.StatusTeapot)
		}, 202},
		{"switching protocols is final", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusSwitchingProtocols)
		}, 101},
		{"flush sends 200", func(w http.ResponseWriter, r *http.Request) {
			w.(http.Flusher).Flush()
		}, 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			rw := &responseWriter{ResponseWriter: httptest.NewRecorder()}
			c.h(rw, httptest.NewRequest("GET", "/", nil))
			if rw.status != c.want {
				t.Errorf("status = %d; want %d", rw.status, c.want)
			}
		})
	}
}
