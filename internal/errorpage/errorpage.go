// Package errorpage is the one error path of every handler in this module
// (fileserver, cgihandler, the middleware and the command): it maps an
// error to a status ([Status], [Error]), logs its cause once with the same
// keys everywhere ([Fail]), and answers with the short HTML page of
// Python's BaseHTTPRequestHandler.send_error ([Write], [Page]).
//
// Two request-scoped values travel in the request's context rather than in
// any wrapper of the ResponseWriter, so a handler finds them whatever
// middleware, its own or an app's, stands between: the [Page] to render
// (set by middleware.ErrorPages with [WithPage]; default Python's), and
// the [Note] that records Python's log_error line for the access log
// ([WithNote]).
package errorpage

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"

	"github.com/pyhttp/httpserver/internal/htmlesc"
)

// DefaultContentType is Python's error_content_type (note: no space).
const DefaultContentType = "text/html;charset=utf-8"

// Data is what a custom error template is executed with: {{.Code}},
// {{.Message}} and {{.Explain}}, as in Python's error_message_format.
type Data struct {
	Code    int    // the HTTP status code
	Message string // the short message, e.g. "File not found"
	Explain string // the longer explanation, e.g. "Nothing matches the given URI"
}

// Page writes error responses. The zero value and a nil *Page write
// Python's page with Python's content type. A Page is safe for concurrent
// use.
type Page struct {
	tmpl        *template.Template
	contentType string
}

// New returns a Page that renders tmpl (html/template, so values are
// escaped) with a [Data], sent as contentType. A nil tmpl means Python's
// page; an empty contentType means [DefaultContentType].
func New(tmpl *template.Template, contentType string) *Page {
	return &Page{tmpl: tmpl, contentType: contentType}
}

// Text returns Python's short message and explanation for code, or "???"
// for both when Python has no entry for it.
func Text(code int) (message, explain string) {
	if r, ok := pythonResponses[code]; ok {
		return r[0], r[1]
	}
	return "???", "???"
}

// Write answers r with code and the page of r's context ([WithPage];
// Python's by default). An empty message means Python's short message for
// code. See [Page.Write].
func Write(w http.ResponseWriter, r *http.Request, code int, message string) {
	PageOf(r).Write(w, r, code, message)
}

// Write answers r with code and p's page, and records code and message in
// r's [Note]. An empty message means Python's short message for code.
// Caching and validator headers that an earlier step may have set are
// removed, as net/http's serveError does, so that an error is never cached
// as the resource. Like send_error, no body is sent for HEAD requests,
// 1xx, 204, 205 and 304.
func (p *Page) Write(w http.ResponseWriter, r *http.Request, code int, message string) {
	short, explain := Text(code)
	if message == "" {
		message = short
	}
	note(r, code, message)

	h := w.Header()
	for _, k := range [...]string{"Cache-Control", "Content-Encoding", "ETag", "Last-Modified", "Content-Disposition"} {
		h.Del(k)
	}
	if !bodyAllowed(code) {
		h.Del("Content-Type")
		h.Del("Content-Length")
		w.WriteHeader(code)
		return
	}
	body := p.render(Data{Code: code, Message: message, Explain: explain})
	ct := DefaultContentType
	if p != nil && p.contentType != "" {
		ct = p.contentType
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func bodyAllowed(code int) bool {
	return code >= 200 && code != http.StatusNoContent && code != http.StatusResetContent && code != http.StatusNotModified
}

// render executes the custom template, falling back to Python's page if it
// fails: an error page must never itself fail.
func (p *Page) render(d Data) []byte {
	if p != nil && p.tmpl != nil {
		var b bytes.Buffer
		if err := p.tmpl.Execute(&b, d); err == nil {
			return b.Bytes()
		}
	}
	return pythonPage(d)
}

// pythonPage is CPython 3.14's DEFAULT_ERROR_MESSAGE filled in the way
// send_error fills it: message and explanation pass through
// html.escape(quote=False), which escapes only &, < and >.
func pythonPage(d Data) []byte {
	code := strconv.Itoa(d.Code)
	b := make([]byte, 0, len(pageHead)+len(pageTail)+128)
	b = append(b, pageHead...)
	b = append(b, "        <p>Error code: "...)
	b = append(b, code...)
	b = append(b, "</p>\n        <p>Message: "...)
	b = htmlesc.Append(b, d.Message)
	b = append(b, ".</p>\n        <p>Error code explanation: "...)
	b = append(b, code...)
	b = append(b, " - "...)
	b = htmlesc.Append(b, d.Explain)
	b = append(b, ".</p>\n"...)
	return append(b, pageTail...)
}

const pageHead = `<!DOCTYPE HTML>
<html lang="en">
    <head>
        <meta charset="utf-8">
        <style type="text/css">
            :root {
                color-scheme: light dark;
            }
        </style>
        <title>Error response</title>
    </head>
    <body>
        <h1>Error response</h1>
`

const pageTail = `    </body>
</html>
`
