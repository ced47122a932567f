package cgihandler

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/pyhttp/httpserver/internal/errorpage"
)

// input is how the request body reaches the script's stdin.
type input struct {
	file   *os.File  // a spooled body, handed over as stdin
	stream io.Reader // a body of known length, copied through a pipe
	length int64     // CONTENT_LENGTH; -1 when there is no body
}

// input prepares the request body. A body with a Content-Length is
// streamed to the script as it arrives. A chunked body is spooled to an
// unlinked temporary file first, because RFC 3875 §4.1.2 wants its
// length in CONTENT_LENGTH, and scripts (Python's cgi module among them)
// read exactly that many bytes; net/http/cgi answers such requests 400.
//
// The spooling is bounded by ctx, the request's timeout: a client that
// trickles its body cannot hold the handler longer than a script could.
func (h *Handler) input(ctx context.Context, rc *http.ResponseController, r *http.Request) (input, error) {
	tooLarge := errorpage.Errorf(http.StatusRequestEntityTooLarge, "", nil)
	switch {
	case r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0:
		if _, ok := r.Header["Content-Length"]; ok {
			return input{length: 0}, nil
		}
		return input{length: -1}, nil
	case r.ContentLength > 0:
		if h.maxBody > 0 && r.ContentLength > h.maxBody {
			return input{}, tooLarge
		}
		return input{stream: r.Body, length: r.ContentLength}, nil
	}
	f, err := os.CreateTemp("", "cgihandler-body-")
	if err != nil {
		return input{}, errorpage.Errorf(http.StatusInternalServerError, "", err)
	}
	os.Remove(f.Name()) // gone when closed, even if the server dies
	body := &bodyReader{r: r.Body}
	src := io.Reader(body)
	if h.maxBody > 0 {
		src = io.LimitReader(body, h.maxBody+1)
	}
	stop := context.AfterFunc(ctx, func() { rc.SetReadDeadline(time.Now()) })
	n, err := io.Copy(f, src)
	stop()
	switch {
	case err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		f.Close()
		return input{}, errorpage.Errorf(http.StatusRequestTimeout, "", err)
	case err != nil && body.err == nil:
		// Writing the spool failed (ENOSPC, EFBIG, EIO): our fault,
		// not the client's.
		f.Close()
		return input{}, errorpage.Errorf(http.StatusInternalServerError, "", err)
	case err != nil:
		f.Close()
		return input{}, errorpage.Errorf(http.StatusBadRequest, "", err)
	case h.maxBody > 0 && n > h.maxBody:
		f.Close()
		return input{}, tooLarge
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return input{}, errorpage.Errorf(http.StatusInternalServerError, "", err)
	}
	return input{file: f, length: n}, nil
}

// pipes are the parent's ends of the script's stdio.
type pipes struct {
	stdout, stderr *os.File // read ends
	stdin          *os.File // write end, nil unless the body is streamed
	child          []*os.File
}

func (h *Handler) pipes(cmd *exec.Cmd, in input) (*pipes, error) {
	p := new(pipes)
	var err error
	var ow, ew, ir *os.File
	if p.stdout, ow, err = pipe(true); err != nil {
		return nil, err
	}
	p.child = append(p.child, ow)
	if p.stderr, ew, err = pipe(true); err != nil {
		p.stdout.Close()
		p.closeChild()
		return nil, err
	}
	p.child = append(p.child, ew)
	cmd.Stdout, cmd.Stderr = ow, ew
	switch {
	case in.file != nil:
		cmd.Stdin = in.file
	case in.stream != nil:
		if p.stdin, ir, err = pipe(false); err != nil {
			p.stdout.Close()
			p.stderr.Close()
			p.closeChild()
			return nil, err
		}
		p.child = append(p.child, ir)
		cmd.Stdin = ir
	default:
		if f := devNull(); f != nil {
			cmd.Stdin = f
		}
	}
	return p, nil
}

// closeChild closes the child's ends in the parent, so that EOF and EPIPE
// arrive when the script's side closes.
func (p *pipes) closeChild() {
	for _, f := range p.child {
		f.Close()
	}
	p.child = nil
}

// run executes s for r and streams its response to w.
func (h *Handler) run(w http.ResponseWriter, r *http.Request, s *script) error {
	rc := http.NewResponseController(w)
	ctx, cancel := r.Context(), context.CancelFunc(func() {})
	if h.timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, h.timeout)
	}
	defer cancel()

	in, err := h.input(ctx, rc, r)
	if err != nil {
		return err
	}
	if in.file != nil {
		defer in.file.Close()
	}
	attr, err := h.proc.sysProcAttr()
	if err != nil {
		return errorpage.Errorf(http.StatusInternalServerError, "", err)
	}
	path := s.argv[0]
	if len(s.argv) > 1 { // an interpreter, found in the server's PATH
		if path, err = h.proc.lookPath(path); err != nil {
			return errorpage.Errorf(http.StatusInternalServerError, "", err)
		}
	}
	cmd := &exec.Cmd{
		Path: path,
		Args: s.argv,
		// RFC 3875 §7.2: the script's own directory.
		Dir:         filepath.Dir(s.file),
		Env:         h.env(r, s, in.length),
		SysProcAttr: attr,
	}
	p, err := h.pipes(cmd, in)
	if err != nil {
		return errorpage.Errorf(http.StatusInternalServerError, "", err)
	}
	err = cmd.Start()
	p.closeChild()
	if err != nil {
		p.stdout.Close()
		p.stderr.Close()
		if p.stdin != nil {
			p.stdin.Close()
		}
		if errors.Is(err, fs.ErrPermission) && len(s.argv) > 1 {
			// The script is fine; its interpreter is out of the script
			// user's reach (say, python3 under root's home). That is the
			// server's configuration, not the client's fault.
			return errorpage.Errorf(http.StatusInternalServerError, "", fmt.Errorf("CGI interpreter %s cannot be run by the script user: %w", path, err))
		}
		if errors.Is(err, fs.ErrPermission) {
			// The script user may not execute it (or reach it).
			return errorpage.Errorf(http.StatusForbidden, msgNotExecutable, err)
		}
		return errorpage.Errorf(http.StatusInternalServerError, "", err)
	}
	return h.supervise(ctx, w, rc, r, s, cmd, p)
}

// supervise streams a started script's output and cleans up after it.
// ctx is the request's context with the timeout.
func (h *Handler) supervise(ctx context.Context, w http.ResponseWriter, rc *http.ResponseController, r *http.Request, s *script, cmd *exec.Cmd, p *pipes) error {
	// On timeout or client disconnect: if the response is under way,
	// cut the connection (a blocked write returns, and the client sees
	// a truncated body as truncated, not as complete); then kill the
	// group and unblock our read of its stdout. writing is guarded by mu
	// so that this decision and the one to send the header cannot
	// interleave, and it is taken before the kill, so that the stream
	// cannot end from the kill and clear writing first.
	var (
		mu      sync.Mutex
		writing bool  // the response is being streamed
		reaped  bool  // the script is (about to be) reaped: its pid may be reused
		bodyErr error // reading the request body failed
	)
	killed := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(killed)
		now := time.Now()
		mu.Lock()
		if writing {
			rc.SetWriteDeadline(now)
		}
		mu.Unlock()
		killGroup(cmd.Process)
		p.stdout.SetReadDeadline(now)
	})

	stderrDone := make(chan struct{})
	go func() {
		defer close(stderrDone)
		h.logStderr(r.Context(), p.stderr, s.name)
	}()
	stdinDone := make(chan struct{})
	if p.stdin != nil {
		// net/http stops reading an HTTP/1 body at the first write of
		// the response unless told otherwise; a script may well answer
		// while it still reads (an echo, a progress page).
		rc.EnableFullDuplex()
		go func() {
			defer close(stdinDone)
			// A script that ignores its stdin and exits makes this
			// write fail with EPIPE; one that ignores it and runs on
			// is bounded by the timeout. Either way no deadlock.
			body := &bodyReader{r: r.Body}
			io.Copy(p.stdin, body)
			if body.err != nil {
				// The client's body broke off (it went away, or sent
				// less than its Content-Length). Kill the script
				// before its stdin closes, so that it can never take
				// a truncated body for a whole one.
				mu.Lock()
				if !reaped {
					killGroup(cmd.Process)
					bodyErr = body.err
				}
				mu.Unlock()
			}
			p.stdin.Close()
		}()
	} else {
		close(stdinDone)
	}

	br := h.reader(p.stdout)
	defer h.readers.Put(br)
	resp, headerErr := readHeader(br)
	sent, local := false, false
	var clientErr error
	switch {
	case headerErr != nil:
	case resp.localRedirect():
		// Let the script finish its work (the POST-then-redirect
		// pattern), then serve the new path; the body is not sent.
		local = true
		io.Copy(io.Discard, br)
	default:
		mu.Lock()
		if ctx.Err() == nil {
			for k, vv := range resp.header {
				w.Header()[k] = vv
			}
			w.WriteHeader(resp.status)
			sent, writing = true, true
		}
		mu.Unlock()
		if sent {
			clientErr = stream(ctx, w, rc, p.stdout, br, bodyAllowed(r.Method, resp.status))
			mu.Lock()
			writing = false
			mu.Unlock()
		}
	}

	// Kill first when the script's output is no longer wanted, or it may
	// block forever on a full pipe. A script that closed its output
	// before finishing its header is let exit, so that its exit code is
	// logged as Python did; the timeout still bounds it.
	switch {
	case clientErr != nil,
		headerErr != nil && !errors.Is(headerErr, errNoHeader),
		headerErr == nil && !sent && !local:
		killGroup(cmd.Process)
	}
	// Then the rest of the group, killed once the script has exited:
	// background children it left would otherwise outlive the request
	// as orphans. Finally the script is reaped: no zombie.
	var waitErr error
	if waitExited(cmd.Process) {
		killGroup(cmd.Process)
		if !stop() {
			<-killed
		}
		mu.Lock()
		reaped = true
		mu.Unlock()
		waitErr = cmd.Wait()
	} else {
		mu.Lock()
		reaped = true
		mu.Unlock()
		waitErr = cmd.Wait() // bounded by the timeout until stop
		killGroup(cmd.Process)
		if !stop() {
			<-killed
		}
	}
	timedOut := errors.Is(ctx.Err(), context.DeadlineExceeded) && r.Context().Err() == nil
	gone := r.Context().Err() != nil
	mu.Lock()
	bodyFailed := bodyErr
	mu.Unlock()

	select {
	case <-stdinDone:
	default:
		// Still copying the body. Closing stdin ends a copy that is
		// blocked writing to a script that stopped reading (the usual
		// case); net/http then drains the rest of the body and the
		// connection stays usable.
		p.stdin.Close()
		select {
		case <-stdinDone:
		case <-time.After(100 * time.Millisecond):
			// Blocked reading a body the client is still trickling:
			// cut the read. Only here, because a read deadline left in
			// the past upsets net/http's next read on this keep-alive
			// connection (the next request's context is cancelled).
			rc.SetReadDeadline(time.Now())
			<-stdinDone
		}
	}
	p.stdout.Close()
	// The group is dead, so stderr is at EOF unless a process escaped it
	// (setsid); bound the wait for such a one.
	p.stderr.SetReadDeadline(time.Now().Add(time.Second))
	<-stderrDone
	p.stderr.Close()

	h.logExit(r.Context(), s, waitErr, exitCause{timedOut, gone, bodyFailed, headerErr, clientErr})

	switch {
	case sent:
		var ee *exec.ExitError
		if clientErr == nil && errors.As(waitErr, &ee) && ee.ExitCode() == -1 {
			// The script died of a signal (a crash, the OOM killer)
			// after its header: its body is most likely incomplete.
			// Send what it wrote, which may still wait in net/http's
			// buffer, then cut the connection as a timeout does, so
			// that the final chunk is never sent and the client does
			// not take the truncated body for a whole one.
			rc.Flush()
			rc.SetWriteDeadline(time.Now())
		}
	case timedOut:
		return errorpage.Errorf(http.StatusGatewayTimeout, "", nil)
	case bodyFailed != nil || gone:
		// Most likely no one is listening, but the status is what the
		// access log records, and net/http would otherwise send 200.
		return errorpage.Errorf(http.StatusBadRequest, "", nil)
	case headerErr != nil:
		return errorpage.Errorf(http.StatusInternalServerError, "", nil)
	case local:
		return h.redirect(w, r, resp.location)
	}
	return nil
}

// flushDelay is how long the script's output may pause before what it has
// written so far is flushed to the client. Output that comes together, as
// all of a short script's does, goes out in one write (with a
// Content-Length, when it fits net/http's buffer); a script that prints
// progress and works on is still seen as it goes.
var flushDelay = 2 * time.Millisecond // a variable for tests

// stream copies the script's body from br, which reads stdout, to the
// client as it comes, flushing whenever the script pauses so that a line
// printed is a line seen. It returns the client's write error, if any; a
// read error only means the script is done or was killed. ctx is the one
// whose end kills the script and sets stdout's read deadline to unblock
// this.
func stream(ctx context.Context, w http.ResponseWriter, rc *http.ResponseController, stdout *os.File, br *bufio.Reader, bodyOK bool) error {
	if !bodyOK {
		io.Copy(io.Discard, br)
		return nil
	}
	unflushed := false
	for {
		if br.Buffered() == 0 {
			// One read of the script's output, however much it is; if
			// some is waiting to be flushed, a read with a deadline.
			if unflushed {
				stdout.SetReadDeadline(time.Now().Add(flushDelay))
			}
			_, err := br.Peek(1)
			if unflushed {
				stdout.SetReadDeadline(time.Time{})
				if ctx.Err() != nil {
					// The kill's deadline must stand: it may have
					// come between the read and the reset.
					stdout.SetReadDeadline(time.Now())
				}
			}
			if errors.Is(err, os.ErrDeadlineExceeded) && ctx.Err() == nil {
				if ferr := rc.Flush(); ferr != nil && !errors.Is(ferr, http.ErrNotSupported) {
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
		b, _ := br.Peek(br.Buffered())
		if _, werr := w.Write(b); werr != nil {
			return werr
		}
		br.Discard(len(b))
		unflushed = true
	}
}

// reader returns a 32 KiB reader of the script's output from the
// handler's pool: a CGI request then allocates no buffer of its own.
func (h *Handler) reader(stdout io.Reader) *bufio.Reader {
	if br, ok := h.readers.Get().(*bufio.Reader); ok {
		br.Reset(stdout)
		return br
	}
	return bufio.NewReaderSize(stdout, 32<<10)
}

// bodyAllowed reports whether a response may carry the script's body:
// not for HEAD, 204 or 304 (RFC 9110 §6.4.1).
func bodyAllowed(method string, status int) bool {
	return method != http.MethodHead && status != http.StatusNoContent && status != http.StatusNotModified
}

// logStderr logs each line the script writes to stderr, with its name.
// A line longer than the buffer is logged in pieces.
func (h *Handler) logStderr(ctx context.Context, f *os.File, name string) {
	br := bufio.NewReaderSize(f, 4096)
	for {
		line, err := br.ReadSlice('\n')
		if n := len(line); n > 0 {
			if line[n-1] == '\n' {
				line = line[:n-1]
				if n > 1 && line[n-2] == '\r' {
					line = line[:n-2]
				}
			}
			h.log.LogAttrs(ctx, slog.LevelWarn, "CGI script stderr",
				slog.String("script", name), slog.String("line", string(line)))
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return
		}
	}
}

// exitCause is what supervise knows about why a script ended.
type exitCause struct {
	timedOut, gone bool
	bodyErr        error
	headerErr      error
	clientErr      error
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

// logExit logs how the script ended, if that is worth a line: our reason
// when we cut it short, and Python's "CGI script exit code N" for a
// non-zero exit.
func (h *Handler) logExit(ctx context.Context, s *script, waitErr error, c exitCause) {
	name := slog.String("script", s.name)
	switch {
	case c.timedOut:
		h.log.LogAttrs(ctx, slog.LevelError, "CGI script timed out", name)
		return
	case c.bodyErr != nil:
		h.log.LogAttrs(ctx, slog.LevelInfo, "CGI script killed: reading the request body failed", name, slog.Any("error", c.bodyErr))
		return
	case c.gone:
		h.log.LogAttrs(ctx, slog.LevelInfo, "CGI script killed: client went away", name)
		return
	case c.headerErr != nil:
		h.log.LogAttrs(ctx, slog.LevelError, "CGI script sent no valid header", name, slog.Any("error", c.headerErr))
	case c.clientErr != nil:
		h.log.LogAttrs(ctx, slog.LevelInfo, "CGI script killed: writing to the client failed", name, slog.Any("error", c.clientErr))
		return
	}
	var ee *exec.ExitError
	switch {
	case waitErr == nil:
	case errors.As(waitErr, &ee) && ee.ExitCode() > 0:
		h.log.LogAttrs(ctx, slog.LevelError, fmt.Sprintf("CGI script exit code %d", ee.ExitCode()), name)
	case errors.As(waitErr, &ee) && c.headerErr != nil:
		// Killed by us for its bad header: already said.
	default:
		h.log.LogAttrs(ctx, slog.LevelError, "CGI script failed", name, slog.Any("error", waitErr))
	}
}
