package errorpage

import (
	"context"
	"net/http"
)

type pageKey struct{}

type noteKey struct{}

// WithPage returns ctx carrying p, the page that [Write] and [Fail] answer
// errors with for requests under ctx. middleware.ErrorPages sets it, so
// that the pages of every handler inside it look alike.
func WithPage(ctx context.Context, p *Page) context.Context {
	return context.WithValue(ctx, pageKey{}, p)
}

// PageOf returns the page set by [WithPage] in r's context, or nil, which
// is Python's.
func PageOf(r *http.Request) *Page {
	p, _ := r.Context().Value(pageKey{}).(*Page)
	return p
}

// Note is where [Write] records the error it answered a request with:
// the status and message of Python's log_error line, "code 404, message
// File not found", which the access log prints; and where
// access.WithUser records the authenticated user, for the access log's
// user field.
type Note struct {
	Code    int
	Message string
	User    string
}

// WithNote returns ctx carrying n, which the next error page written for a
// request under ctx fills in.
func WithNote(ctx context.Context, n *Note) context.Context {
	return context.WithValue(ctx, noteKey{}, n)
}

// NoteContext is what [WithNote] returns, as a type a caller can keep
// inside a value of its own: the access log allocates it with its
// response writer, where WithNote would cost a request an allocation
// of its own. Context is the parent and Note the note; use a pointer
// to it as the context.
type NoteContext struct {
	context.Context
	Note *Note
}

// Value returns c.Note for the key [WithNote] uses, and asks the parent
// for any other.
func (c *NoteContext) Value(key any) any {
	if key == (noteKey{}) {
		return c.Note
	}
	return c.Context.Value(key)
}

// note records code and message in r's Note, if it has one.
func note(r *http.Request, code int, message string) {
	if n, ok := r.Context().Value(noteKey{}).(*Note); ok {
		n.Code, n.Message = code, message
	}
}

// NoteUser records user in ctx's Note, if it has one.
func NoteUser(ctx context.Context, user string) {
	if n, ok := ctx.Value(noteKey{}).(*Note); ok {
		n.User = user
	}
}
