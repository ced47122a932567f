package listing

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"
	"sync"
	"time"
)

// modernHTML is the built-in page, executed with a [*Page]. Its rows are
// {{.TableRows}}.
//
//go:embed modern.html
var modernHTML string

// filterJS is the modern page's one script, the filter box, served by
// [Renderer.ServeDir] at ?script=filter.
//
//go:embed filter.js
var filterJS []byte

// uploadJS is the script of the modern page's forms (drag and drop,
// progress, confirmation), served at ?script=upload when the page has
// [Actions].
//
//go:embed upload.js
var uploadJS []byte

// rowsAction is where modernHTML writes its rows.
const rowsAction = "{{.TableRows}}"

// modernPage renders modernHTML.
//
// It executes the template in two halves, cut at rowsAction, and appends
// the rows between them straight into the page's buffer; the bytes are
// those of the whole template (TestModernCut checks that). Written through
// the template as one template.HTML value, the rows, which are most of a
// large page, would be copied again on their way to the buffer.
type modernPage struct {
	// templates parses the two halves on first use: parsing them is
	// most of what a Renderer costs at start-up, and a server that
	// never lists a directory never needs them.
	templates func() (head, tail *template.Template)
	// integrity is filterJS's "sha256-…" digest, the page's script's
	// integrity attribute and the only script its CSP allows;
	// uploadIntegrity is uploadJS's, allowed too when there are actions.
	integrity       string
	uploadIntegrity string
	csp             string
	actions         Actions
}

// newModernPage returns the built-in page: withReadme lets it show
// same-origin images, which a README links to; actions adds the forms;
// searchBox lets the search box submit to the page's own directory.
func newModernPage(withReadme bool, actions Actions, searchBox bool) *modernPage {
	head, tail, ok := strings.Cut(modernHTML, rowsAction)
	if !ok {
		panic("listing: modern.html has no " + rowsAction)
	}
	m := &modernPage{integrity: digest(filterJS), uploadIntegrity: digest(uploadJS), actions: actions}
	img := "img-src data:"
	if withReadme {
		// A README's images are the directory's own files; anything
		// from another origin stays out, as trackers would.
		img = "img-src 'self' data:"
	}
	formAction := "'none'"
	if searchBox {
		formAction = "'self'" // the search box's GET to the page's own directory
	}
	m.csp = "default-src 'none'; script-src '" + m.integrity + "'; style-src 'unsafe-inline'; " + img + "; base-uri 'none'; form-action " + formAction + "; frame-ancestors 'none'"
	if actions != (Actions{}) {
		// The forms post to the page's own origin, and the script
		// sends the same requests with XMLHttpRequest, for progress.
		m.csp = "default-src 'none'; script-src '" + m.integrity + "' '" + m.uploadIntegrity + "'; style-src 'unsafe-inline'; " + img + "; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	}
	// Parsing a constant template cannot fail (every test that renders
	// a modern page parses it); Must asserts it on the first page.
	m.templates = sync.OnceValues(func() (*template.Template, *template.Template) {
		return template.Must(template.New("modern").Funcs(m.funcs()).Parse(head)),
			template.Must(template.New("modern-tail").Funcs(m.funcs()).Parse(tail))
	})
	return m
}

// digest is the "sha256-…" integrity value of a script.
func digest(script []byte) string {
	sum := sha256.Sum256(script)
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// funcs are the functions modernHTML calls.
func (m *modernPage) funcs() template.FuncMap {
	return template.FuncMap{
		"scriptIntegrity": func() string { return m.integrity },
		"uploadIntegrity": func() string { return m.uploadIntegrity },
	}
}

// serveScript answers r with filterJS or, for which "upload", uploadJS.
// A script changes only with the binary, but a cache must still
// revalidate it: the page that names it checks its digest, and a stale
// copy would not run.
func (m *modernPage) serveScript(w http.ResponseWriter, r *http.Request, which string) {
	script, integrity := filterJS, m.integrity
	if which == "upload" {
		script, integrity = uploadJS, m.uploadIntegrity
	}
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", `"`+integrity+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(script))
}

// execute writes the page p to b.
func (m *modernPage) execute(b *bytes.Buffer, p *Page) error {
	head, tail := m.templates()
	if err := head.Execute(b, p); err != nil {
		return err
	}
	b.Write(appendRows(b.AvailableBuffer(), p.Listing.Entries, p.Actions.Delete))
	return tail.Execute(b, p)
}
