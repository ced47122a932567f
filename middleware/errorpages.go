package middleware

import (
	"html/template"
	"net/http"

	"github.com/pyhttp/httpserver/internal/errorpage"
)

// ErrorPagesOptions configure ErrorPages. The zero value gives Python's
// page.
type ErrorPagesOptions struct {
	// Template renders the page (html/template, so values are escaped)
	// with {{.Code}}, {{.Message}} and {{.Explain}}, as Python's
	// error_message_format. Default: CPython 3.14's page. A template that
	// fails to execute falls back to Python's page.
	Template *template.Template
	// ContentType is sent with the page. Default: Python's
	// "text/html;charset=utf-8".
	ContentType string
}

// ErrorPages gives a uniform page to error responses (status 400 and up)
// that other handlers send without a body of their own: those with no
// Content-Type at all, and those made by http.Error and http.NotFound
// (text/plain; charset=utf-8 with X-Content-Type-Options: nosniff), whose
// text is dropped rather than shown. A response that already carries an
// HTML, JSON or any other typed body is left alone. The choice is made
// when the handler calls WriteHeader, from its headers, so no body is ever
// buffered; a handler that writes an untyped error body gets the page
// instead. The page's message is Python's short text for the status (for
// 404, "Not Found"), never the handler's text, which may hold internals.
//
// The error pages of every handler inside it (fileserver, cgihandler, the
// 500 from [Recover], the refusal from [Expect100]) are this page too: it
// travels in the request's context.
type ErrorPages struct {
	page *errorpage.Page // nil: Python's
}

// NewErrorPages returns an ErrorPages rendering opts' page.
func NewErrorPages(opts ErrorPagesOptions) *ErrorPages {
	e := &ErrorPages{}
	if opts.Template != nil || opts.ContentType != "" {
		e.page = errorpage.New(opts.Template, opts.ContentType)
	}
	return e
}

// Handler returns next wrapped so that its bare error responses get the
// page, and so that the handlers and middleware inside it that write
// error pages themselves (fileserver, cgihandler, [Recover], [Expect100])
// write this one.
func (e *ErrorPages) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if e.page != nil {
			r = r.WithContext(errorpage.WithPage(r.Context(), e.page))
		}
		next.ServeHTTP(errorpage.NewWriter(w, r, e.page), r)
	})
}
