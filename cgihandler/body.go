package cgihandler

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/pyhttp/httpserver/internal/errorpage"
)

// input is how the request body reaches the script's stdin.
type input struct {
	file   *os.File  // a spooled body, handed over as stdin
	stream io.Reader // a body of known length, copied through a pipe
	length int64     // CONTENT_LENGTH; -1 when there is no body
}

func (in input) close() {
	if in.file != nil {
		in.file.Close()
	}
}

var errTooLarge = errorpage.Errorf(http.StatusRequestEntityTooLarge, "", nil)

// input prepares the request body. A body with a Content-Length is
// streamed to the script as it arrives. A chunked body is spooled first
// (see spool).
func (h *Handler) input(ctx context.Context, rc *http.ResponseController, r *http.Request) (input, error) {
	switch {
	case r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0:
		if _, ok := r.Header["Content-Length"]; ok {
			return input{length: 0}, nil
		}
		return input{length: -1}, nil
	case h.maxBody > 0 && r.ContentLength > h.maxBody:
		return input{}, errTooLarge
	case r.ContentLength > 0:
		return input{stream: r.Body, length: r.ContentLength}, nil
	}
	f, n, err := h.spool(ctx, rc, r.Body)
	if err != nil {
		return input{}, err
	}
	return input{file: f, length: n}, nil
}

// spool copies a chunked body to an unlinked temporary file and returns
// the file, rewound, and the body's length. RFC 3875 §4.1.2 wants that
// length in CONTENT_LENGTH, and scripts (Python's cgi module among them)
// read exactly that many bytes; net/http/cgi answers such requests 400.
//
// The copy is bounded by ctx, the request's timeout: a client that
// trickles its body cannot hold the handler longer than a script could.
func (h *Handler) spool(ctx context.Context, rc *http.ResponseController, body io.Reader) (*os.File, int64, error) {
	f, err := os.CreateTemp("", "cgihandler-body-")
	if err != nil {
		return nil, 0, errorpage.Errorf(http.StatusInternalServerError, "", err)
	}
	os.Remove(f.Name()) // gone when closed, even if the server dies

	src := &bodyReader{r: body}
	limited := io.Reader(src)
	if h.maxBody > 0 {
		limited = io.LimitReader(src, h.maxBody+1)
	}
	stop := context.AfterFunc(ctx, func() { rc.SetReadDeadline(time.Now()) })
	n, err := io.Copy(f, limited)
	stop()
	switch {
	case err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		err = errorpage.Errorf(http.StatusRequestTimeout, "", err)
	case err != nil && src.err == nil:
		// Writing the spool failed (ENOSPC, EFBIG, EIO): our fault,
		// not the client's.
		err = errorpage.Errorf(http.StatusInternalServerError, "", err)
	case err != nil:
		err = errorpage.Errorf(http.StatusBadRequest, "", err)
	case h.maxBody > 0 && n > h.maxBody:
		err = errTooLarge
	default:
		if _, err = f.Seek(0, io.SeekStart); err != nil {
			err = errorpage.Errorf(http.StatusInternalServerError, "", err)
		}
	}
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, n, nil
}

// bodyReader remembers a failed read of the request body, to tell it
// from a failed write to the script.
type bodyReader struct {
	r   io.Reader
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		b.err = err
	}
	return n, err
}

// feeder copies a streamed request body to the script's stdin, as the
// body arrives and while the script may already answer.
type feeder struct {
	stdin *os.File
	done  chan struct{}
	err   error // the body's read error, if it got the script killed; set before done closes
}

// feed starts copying body to p's stdin. A script that ignores its stdin
// and exits makes the copy fail with EPIPE; one that ignores it and runs
// on is bounded by the timeout. Either way no deadlock.
func feed(p *process, body io.Reader) *feeder {
	f := &feeder{stdin: p.stdin, done: make(chan struct{})}
	go func() {
		defer close(f.done)
		b := &bodyReader{r: body}
		io.Copy(f.stdin, b)
		// The client's body broke off (it went away, or sent less than
		// its Content-Length). Kill the script before its stdin closes,
		// so that it can never take a truncated body for a whole one.
		if b.err != nil && p.kill() {
			f.err = b.err
		}
		f.stdin.Close()
	}()
	return f
}

// end ends the copy, if it still runs, and returns the body's read error
// if that got the script killed.
func (f *feeder) end(rc *http.ResponseController) error {
	select {
	case <-f.done:
		return f.err
	default:
	}
	// Closing stdin ends a copy that is blocked writing to a script that
	// stopped reading (the usual case); net/http then drains the rest of
	// the body and the connection stays usable.
	f.stdin.Close()
	select {
	case <-f.done:
	case <-time.After(100 * time.Millisecond):
		// Blocked reading a body the client is still trickling: cut the
		// read. Only here, because a read deadline left in the past
		// upsets net/http's next read on this keep-alive connection (the
		// next request's context is cancelled).
		rc.SetReadDeadline(time.Now())
		<-f.done
	}
	return f.err
}
