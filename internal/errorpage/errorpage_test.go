package errorpage

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// pythonNotFound is what CPython 3.14's send_error(404, "File not found")
// sends as the body.
const pythonNotFound = `<!DOCTYPE HTML>
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
        <p>Error code: 404</p>
        <p>Message: File not found.</p>
        <p>Error code explanation: 404 - Nothing matches the given URI.</p>
    </body>
</html>
`

func TestPythonPage(t *testing.T) {
	w := httptest.NewRecorder()
	w.Header().Set("ETag", `"x"`)
	w.Header().Set("Last-Modified", "Mon, 23 Nov 2026 18:53:00 GMT")
	w.Header().Set("Cache-Control", "max-age=60")
	var p *Page // a nil Page is Python's
	p.Write(w, httptest.NewRequest("GET", "/x", nil), http.StatusNotFound, "File not found")
	if w.Code != 404 || w.Body.String() != pythonNotFound {
		t.Errorf("404 page:\n%s\nwant:\n%s", w.Body.String(), pythonNotFound)
	}
	for name, want := range map[string]string{
		"Content-Type":           "text/html;charset=utf-8",
		"Content-Length":         strconv.Itoa(len(pythonNotFound)),
		"X-Content-Type-Options": "nosniff",
		"Etag":                   "",
		"Last-Modified":          "",
		"Cache-Control":          "",
	} {
		if got := w.Header().Get(name); got != want {
			t.Errorf("%s = %q; want %q", name, got, want)
		}
	}
}

func TestMessagesAndEscaping(t *testing.T) {
	for _, tt := range []struct {
		code    int
		message string
		want    []string
	}{
		{403, "", []string{"Message: Forbidden.", "403 - Request forbidden -- authorization will not help."}},
		{501, "Unsupported method ('BREW')", []string{"Message: Unsupported method ('BREW')."}},
		{400, `<script>alert("x")</script> & co`, []string{`Message: &lt;script&gt;alert("x")&lt;/script&gt; &amp; co.`}},
		{599, "", []string{"Error code: 599", "Message: ???.", "599 - ???."}},
		{422, "", []string{"Message: Unprocessable Entity.", "422 - ."}},
	} {
		w := httptest.NewRecorder()
		New(nil, "").Write(w, httptest.NewRequest("GET", "/", nil), tt.code, tt.message)
		for _, want := range tt.want {
			if !strings.Contains(w.Body.String(), want) {
				t.Errorf("Write(%d, %q): body lacks %q:\n%s", tt.code, tt.message, want, w.Body.String())
			}
		}
	}
}

func TestNoBody(t *testing.T) {
	for _, tt := range []struct {
		method string
		code   int
	}{
		{"HEAD", 404}, {"HEAD", 500}, {"GET", 100}, {"GET", 204}, {"GET", 205}, {"GET", 304},
	} {
		w := httptest.NewRecorder()
		New(nil, "").Write(w, httptest.NewRequest(tt.method, "/", nil), tt.code, "")
		if w.Code != tt.code || w.Body.Len() != 0 {
			t.Errorf("%s %d: status %d, %d bytes of body; want no body", tt.method, tt.code, w.Code, w.Body.Len())
		}
		if tt.method == "HEAD" && w.Header().Get("Content-Length") == "" {
			t.Errorf("HEAD %d: no Content-Length; want the GET's", tt.code)
		}
	}
}

func TestCustomTemplate(t *testing.T) {
	tmpl := template.Must(template.New("e").Parse(`<p>{{.Code}}: {{.Message}} ({{.Explain}})</p>`))
	w := httptest.NewRecorder()
	New(tmpl, "text/html; charset=utf-8").Write(w, httptest.NewRequest("GET", "/", nil), 404, "<b>gone</b>")
	if got := w.Body.String(); got != "<p>404: &lt;b&gt;gone&lt;/b&gt; (Nothing matches the given URI)</p>" {
		t.Errorf("custom page = %q", got)
	}
	if got := w.Header().Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("custom Content-Type = %q", got)
	}

	// A template that fails at run time falls back to Python's page:
	// an error page must not fail in turn.
	broken := template.Must(template.New("e").Parse(`{{.Missing.Field}}`))
	w = httptest.NewRecorder()
	New(broken, "").Write(w, httptest.NewRequest("GET", "/", nil), 404, "File not found")
	if w.Body.String() != pythonNotFound {
		t.Errorf("broken template: body = %q; want Python's page", w.Body.String())
	}
}

func TestNoteAndPageInContext(t *testing.T) {
	var n Note
	r := httptest.NewRequest("GET", "/", nil)
	r = r.WithContext(WithNote(r.Context(), &n))
	Write(httptest.NewRecorder(), r, 404, "")
	if n.Code != 404 || n.Message != "Not Found" {
		t.Errorf("Note = %+v; want 404 %q", n, "Not Found")
	}

	tmpl := template.Must(template.New("e").Parse(`<p>{{.Code}} {{.Message}}</p>`))
	r = r.WithContext(WithPage(r.Context(), New(tmpl, "text/html")))
	w := httptest.NewRecorder()
	Write(w, r, 403, "Nope")
	if w.Body.String() != "<p>403 Nope</p>" || n.Code != 403 || n.Message != "Nope" {
		t.Errorf("with a page in the context: body %q, note %+v", w.Body.String(), n)
	}

	// No note, no page: Python's page, and nothing breaks.
	w = httptest.NewRecorder()
	Write(w, httptest.NewRequest("GET", "/", nil), 404, "File not found")
	if w.Body.String() != pythonNotFound {
		t.Errorf("no page in the context: body %q; want Python's", w.Body.String())
	}
}

// TestNoteContext: a NoteContext is WithNote's context, and passes the
// parent's values, deadline and cancellation through.
func TestNoteContext(t *testing.T) {
	type key struct{}
	parent, cancel := context.WithCancelCause(context.WithValue(context.Background(), key{}, "v"))
	var n Note
	nc := &NoteContext{Context: parent, Note: &n}
	r := httptest.NewRequest("GET", "/", nil).WithContext(nc)
	Write(httptest.NewRecorder(), r, 404, "File not found")
	NoteUser(nc, "ann")
	if n != (Note{Code: 404, Message: "File not found", User: "ann"}) {
		t.Errorf("Note = %+v; want 404, File not found, ann", n)
	}
	if v := nc.Value(key{}); v != "v" {
		t.Errorf("Value(parent's key) = %v; want v", v)
	}
	child, stop := context.WithCancel(nc)
	defer stop()
	after := make(chan struct{})
	context.AfterFunc(nc, func() { close(after) })
	cause := errors.New("gone")
	cancel(cause)
	<-child.Done()
	<-after
	if nc.Err() != context.Canceled || context.Cause(child) != cause {
		t.Errorf("after cancel: Err = %v, Cause(child) = %v; want %v, %v", nc.Err(), context.Cause(child), context.Canceled, cause)
	}
}

func TestText(t *testing.T) {
	if m, e := Text(404); m != "Not Found" || e != "Nothing matches the given URI" {
		t.Errorf("Text(404) = %q, %q", m, e)
	}
	if m, e := Text(0); m != "???" || e != "???" {
		t.Errorf("Text(0) = %q, %q; want ???", m, e)
	}
}

func BenchmarkWrite(b *testing.B) {
	p := New(nil, "")
	r := httptest.NewRequest("GET", "/", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		p.Write(w, r, 404, "File not found")
	}
}
