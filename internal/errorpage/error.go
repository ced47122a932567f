package errorpage

import (
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
)

// Error is an error answered with Code and Message. Err, its cause, goes
// to the error log and is never shown to the client.
type Error struct {
	Code    int    // the HTTP status
	Message string // shown on the page; empty means Python's short text for Code
	Err     error  // the cause, or nil
}

// Errorf is shorthand for &Error{code, message, cause}.
func Errorf(code int, message string, cause error) error {
	return &Error{Code: code, Message: message, Err: cause}
}

func (e *Error) Error() string {
	s := strconv.Itoa(e.Code) + " " + e.Message
	if e.Message == "" {
		s += http.StatusText(e.Code)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Status maps err to the status and message the client is answered with,
// as net/http's toHTTPError does: an [*Error] in err's chain gives its
// own; otherwise fs.ErrNotExist is 404, fs.ErrPermission 403, and
// anything else 500. An empty message means Python's short text.
func Status(err error) (code int, message string) {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e.Code, e.Message
	case errors.Is(err, fs.ErrNotExist):
		return http.StatusNotFound, "File not found"
	case errors.Is(err, fs.ErrPermission):
		return http.StatusForbidden, ""
	}
	return http.StatusInternalServerError, ""
}

// Fail answers r with the status and page for err (see [Status] and
// [Write]), once [Report] has logged err's cause.
func Fail(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	code, message := Report(r, log, err)
	Write(w, r, code, message)
}

// Report is the first half of [Fail], for a handler that answers err with
// a body of its own (fileserver's custom 404 page): it returns the status
// and message for err ([Status]), records them in r's [Note] as [Write]
// does, and logs err's cause to log, once: at level Error for a 5xx
// status, Warn otherwise, with the keys method, path, status and error. A
// cause that is only fs.ErrNotExist, and an [*Error] without a cause, are
// the client's business and are not logged. A nil log logs nothing.
func Report(r *http.Request, log *slog.Logger, err error) (code int, message string) {
	code, message = Status(err)
	if log != nil && logged(err) {
		level := slog.LevelWarn
		if code >= 500 {
			level = slog.LevelError
		}
		log.LogAttrs(r.Context(), level, "cannot serve request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", code),
			slog.Any("error", err))
	}
	noted := message
	if noted == "" {
		noted, _ = Text(code)
	}
	note(r, code, noted)
	return code, message
}

// logged reports whether err carries a cause worth the error log.
func logged(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		err = e.Err
	}
	return err != nil && !errors.Is(err, fs.ErrNotExist)
}
