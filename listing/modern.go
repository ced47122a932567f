package listing

import (
	"bytes"
	_ "embed"
	"html/template"
	"strings"
)

// modernHTML is the built-in page, executed with a [*Page]. Its rows are
// {{.TableRows}}.
//
//go:embed modern.html
var modernHTML string

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
	head, tail *template.Template
}

func newModernPage() *modernPage {
	head, tail, ok := strings.Cut(modernHTML, rowsAction)
	if !ok {
		panic("listing: modern.html has no " + rowsAction)
	}
	// Parsing a constant template cannot fail; Must is a setup-time
	// assertion, never reached by a request.
	return &modernPage{
		head: template.Must(template.New("modern").Parse(head)),
		tail: template.Must(template.New("modern-tail").Parse(tail)),
	}
}

// execute writes the page p to b.
func (m *modernPage) execute(b *bytes.Buffer, p *Page) error {
	if err := m.head.Execute(b, p); err != nil {
		return err
	}
	b.Write(appendRows(b.AvailableBuffer(), p.Listing.Entries))
	return m.tail.Execute(b, p)
}
