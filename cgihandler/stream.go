package cgihandler

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"sync"
	"time"
)

// flushDelay is how long the script's output may pause before what it has
// written so far is flushed to the client. Output that comes together, as
// all of a short script's does, goes out in one write (with a
// Content-Length, when it fits net/http's buffer); a script that prints
// progress and works on is still seen as it goes.
const flushDelay = 2 * time.Millisecond

// streamer sends a script's response to the client as the script writes
// it; it is never held whole in memory.
type streamer struct {
	// ctx is the request's, with the timeout. Its end kills the script
	// and sets stdout's read deadline, which ends a blocked read.
	ctx    context.Context
	w      http.ResponseWriter
	rc     *http.ResponseController
	stdout *os.File
	br     *bufio.Reader // reads stdout
	pause  time.Duration // the Handler's flushDelay

	mu      sync.Mutex
	writing bool // the body is being sent
}

// relayed is what became of the script's output.
type relayed struct {
	resp      *response // the parsed header, if headerErr is nil
	headerErr error     // the output held no valid header
	local     bool      // a local redirect: the body was read and dropped
	sent      bool      // the header was sent to the client
	clientErr error     // writing to the client failed
}

// relay reads the script's header from stdout and relays the response to
// the client, body and all, as the script writes it; a local redirect's
// body is read and dropped instead, letting the script finish its work
// (the POST-then-redirect pattern).
func (s *streamer) relay(method string) relayed {
	resp, err := readHeader(s.br)
	switch {
	case err != nil:
		return relayed{headerErr: err}
	case resp.localRedirect():
		io.Copy(io.Discard, s.br)
		return relayed{resp: resp, local: true}
	}
	sent, err := s.send(resp, bodyAllowed(method, resp.status))
	return relayed{resp: resp, sent: sent, clientErr: err}
}

// unwanted reports whether the script is to be killed rather than let
// exit: its output is no longer wanted, and it may block forever on a
// full pipe. A script that closed its output before finishing its header
// is let exit, so that its exit code is logged as Python did; the timeout
// still bounds it.
func (o relayed) unwanted() bool {
	switch {
	case o.clientErr != nil:
		return true
	case o.headerErr != nil:
		return !errors.Is(o.headerErr, errNoHeader)
	}
	return !o.sent && !o.local // the request's time ran out before the header
}

// cut is called when ctx ends, before the script is killed. If the body
// is being sent, it cuts the connection: a blocked write returns, and the
// client sees a truncated body as truncated, not as complete. The
// decision is taken under mu, so that it cannot interleave with sending
// the header, and before the kill, so that the stream cannot end from the
// kill and clear writing first.
func (s *streamer) cut(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.writing {
		s.rc.SetWriteDeadline(now)
	}
}

// send sends resp's header, unless ctx has ended, and then the body that
// follows it on stdout, unless bodyOK is false. It reports whether the
// header was sent, and the error writing to the client, if any.
func (s *streamer) send(resp *response, bodyOK bool) (sent bool, err error) {
	s.mu.Lock()
	if s.ctx.Err() == nil {
		for k, vv := range resp.header {
			s.w.Header()[k] = vv
		}
		s.w.WriteHeader(resp.status)
		sent, s.writing = true, true
	}
	s.mu.Unlock()
	if !sent {
		return false, nil
	}
	if bodyOK {
		err = s.copyBody()
	} else {
		io.Copy(io.Discard, s.br)
	}
	s.mu.Lock()
	s.writing = false
	s.mu.Unlock()
	return true, err
}

// copyBody copies the body from stdout to the client as it comes,
// flushing whenever the script pauses so that a line printed is a line
// seen. It returns the client's write error, if any; a read error only
// means the script is done or was killed.
func (s *streamer) copyBody() error {
	unflushed := false
	for {
		if s.br.Buffered() == 0 {
			err := s.fill(unflushed)
			if errors.Is(err, os.ErrDeadlineExceeded) && s.ctx.Err() == nil {
				if ferr := s.rc.Flush(); ferr != nil && !errors.Is(ferr, http.ErrNotSupported) {
					return ferr
				}
				unflushed = false
				continue
			}
			if err != nil {
				return nil // net/http flushes what is left
			}
		}
		// Write straight from the reader's buffer: no second copy.
		b, _ := s.br.Peek(s.br.Buffered())
		if _, err := s.w.Write(b); err != nil {
			return err
		}
		s.br.Discard(len(b))
		unflushed = true
	}
}

// fill makes one read of the script's output, however much it is. If
// some output waits to be flushed, the read waits at most s.pause and
// then fails with os.ErrDeadlineExceeded.
func (s *streamer) fill(unflushed bool) error {
	if !unflushed {
		_, err := s.br.Peek(1)
		return err
	}
	s.stdout.SetReadDeadline(time.Now().Add(s.pause))
	_, err := s.br.Peek(1)
	s.stdout.SetReadDeadline(time.Time{})
	if s.ctx.Err() != nil {
		// The kill's deadline must stand: it may have come between the
		// read and the reset.
		s.stdout.SetReadDeadline(time.Now())
	}
	return err
}

// abort ends a response whose script died after its header: what it
// wrote, which may still wait in net/http's buffer, is sent, then the
// connection is cut as a timeout does, so that the final chunk is never
// sent and the client does not take the truncated body for a whole one.
func (s *streamer) abort() {
	s.rc.Flush()
	s.rc.SetWriteDeadline(time.Now())
}

// bodyAllowed reports whether a response may carry the script's body:
// not for HEAD, 204 or 304 (RFC 9110 §6.4.1).
func bodyAllowed(method string, status int) bool {
	return method != http.MethodHead && status != http.StatusNoContent && status != http.StatusNotModified
}
