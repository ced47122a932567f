package cgihandler

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/pyhttp/httpserver/internal/errorpage"
)

// run executes s for r and streams its response to w.
func (h *Handler) run(w http.ResponseWriter, r *http.Request, s *script) error {
	ctx, cancel := r.Context(), context.CancelFunc(func() {})
	if h.timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, h.timeout)
	}
	defer cancel()
	rc := http.NewResponseController(w)

	in, err := h.input(ctx, rc, r)
	if err != nil {
		return err
	}
	defer in.close()
	cmd, err := h.command(r, s, in.length)
	if err != nil {
		return err
	}
	p, err := start(cmd, in)
	if err != nil {
		return startError(s, cmd.Path, err)
	}
	return h.exchange(ctx, w, rc, r, s, p)
}

// command returns the command that runs s: in the script's own directory
// (RFC 3875 §7.2), with the CGI environment, in a process group of its
// own and, when the server is root, as the script user.
func (h *Handler) command(r *http.Request, s *script, contentLength int64) (*exec.Cmd, error) {
	attr, err := h.proc.sysProcAttr()
	if err != nil {
		return nil, errorpage.Errorf(http.StatusInternalServerError, "", err)
	}
	path := s.argv[0]
	if len(s.argv) > 1 { // an interpreter, found in the server's PATH
		if path, err = h.proc.lookPath(path); err != nil {
			return nil, errorpage.Errorf(http.StatusInternalServerError, "", err)
		}
	}
	return &exec.Cmd{
		Path:        path,
		Args:        s.argv,
		Dir:         filepath.Dir(s.file),
		Env:         h.env(r, s, contentLength),
		SysProcAttr: attr,
	}, nil
}

// startError is the answer to a script that could not be started by path.
func startError(s *script, path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrPermission) && len(s.argv) > 1:
		// The script is fine; its interpreter is out of the script
		// user's reach (say, python3 under root's home). That is the
		// server's configuration, not the client's fault.
		return errorpage.Errorf(http.StatusInternalServerError, "",
			fmt.Errorf("CGI interpreter %s cannot be run by the script user: %w", path, err))
	case errors.Is(err, fs.ErrPermission):
		// The script user may not execute it (or reach it).
		return errorpage.Errorf(http.StatusForbidden, msgNotExecutable, err)
	}
	return errorpage.Errorf(http.StatusInternalServerError, "", err)
}

// exchange sends the response of the started script p to w, then ends the
// script and whatever it left running in its group. ctx is the request's
// context with the timeout: when it ends, a response under way is cut and
// the group is killed.
func (h *Handler) exchange(ctx context.Context, w http.ResponseWriter, rc *http.ResponseController, r *http.Request, s *script, p *process) error {
	br := bufio.NewReaderSize(p.stdout, 32<<10)
	out := &streamer{ctx: ctx, w: w, rc: rc, stdout: p.stdout, br: br, pause: h.flushDelay}
	stop := afterFunc(ctx, func() {
		now := time.Now()
		out.cut(now)
		p.kill()
		p.stdout.SetReadDeadline(now) // ends a blocked read
	})
	stderrDone := make(chan struct{})
	go func() {
		defer close(stderrDone)
		h.logStderr(r.Context(), p.stderr, s.name)
	}()
	var body *feeder
	if p.stdin != nil {
		// net/http stops reading an HTTP/1 body at the first write of
		// the response unless told otherwise; a script may well answer
		// while it still reads (an echo, a progress page).
		rc.EnableFullDuplex()
		body = feed(p, r.Body)
	}

	res := out.relay(r.Method)
	if res.unwanted() {
		p.kill()
	}
	waitErr := p.wait()
	stop()
	cause := exitCause{
		relayed:  res,
		timedOut: errors.Is(ctx.Err(), context.DeadlineExceeded) && r.Context().Err() == nil,
		gone:     r.Context().Err() != nil,
	}
	if body != nil {
		cause.bodyErr = body.end(rc)
	}
	p.drain(stderrDone)
	h.logExit(r.Context(), s, waitErr, cause)

	var ee *exec.ExitError
	switch {
	case res.sent && res.clientErr == nil && errors.As(waitErr, &ee) && ee.ExitCode() == -1:
		// The script died of a signal (a crash, the OOM killer) after
		// its header: its body is most likely incomplete.
		out.abort()
	case res.sent:
	case cause.timedOut:
		return errorpage.Errorf(http.StatusGatewayTimeout, "", nil)
	case cause.bodyErr != nil || cause.gone:
		// Most likely no one is listening, but the status is what the
		// access log records, and net/http would otherwise send 200.
		return errorpage.Errorf(http.StatusBadRequest, "", nil)
	case res.headerErr != nil:
		return errorpage.Errorf(http.StatusInternalServerError, "", nil)
	case res.local:
		return h.redirect(w, r, res.resp.location)
	}
	return nil
}

// afterFunc arranges to call f when ctx ends, as context.AfterFunc does.
// Its stop function also waits for a call of f already under way, so
// that f never runs after stop returns.
func afterFunc(ctx context.Context, f func()) (stop func()) {
	done := make(chan struct{})
	stopped := context.AfterFunc(ctx, func() {
		defer close(done)
		f()
	})
	return func() {
		if !stopped() {
			<-done
		}
	}
}
