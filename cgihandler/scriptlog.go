package cgihandler

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
)

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

// exitCause is what exchange knows about why a script ended.
type exitCause struct {
	relayed
	timedOut bool  // the request's timeout ran out
	gone     bool  // the client went away
	bodyErr  error // reading the request body failed, and the script was killed for it
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
