package listing

import (
	"html/template"
	"time"

	"github.com/pyhttp/httpserver/internal/htmlesc"
	"github.com/pyhttp/httpserver/internal/safepath"
)

// TableRows returns the rows as the built-in page's table rows,
// <tr><td><a href="…">…</a><td>…<td>…, one per line, written from
// Listing.Entries; with Actions.Delete, each has a fourth cell of rename
// and delete forms. The end tags of cells and rows are optional in HTML
// and left out, and the cells have no classes but the forms' (the page's
// style picks them by position), so that a row costs about half the
// bytes it would.
//
// This is the one piece of markup not written by html/template, and it
// is the same markup a template over [Page].Rows would write. It is safe
// by construction, and FuzzRenderName checks it:
// the URL holds only RFC 3986 unreserved characters, "/" and %XX (see
// href); every other value is escaped as html/template's own
// [template.HTMLEscapeString] escapes it, which makes it safe both as
// element text and inside a double-quoted attribute, the only two places
// values go.
func (p *Page) TableRows() template.HTML {
	return template.HTML(appendRows(nil, p.Listing.Entries, p.Actions.Delete))
}

// appendRows appends the built-in page's table rows for entries to b.
//
// It keeps one rule: each row is what a row template would make of the
// entry's [Row] (its URL, Display, SizeText, ISOTime and Time, escaped by
// html/template), byte for byte; TestTableRowsMatchRows checks it. It
// writes the values straight from the entry instead, because a template
// looks up and calls every value of every row by reflection, and a Row
// makes a string of each first.
//
// With actions, each row ends with a cell of rename and delete forms
// (see appendActions).
func appendRows(b []byte, entries []Entry, actions bool) []byte {
	for i := range entries {
		e := &entries[i]
		b = append(b, `<tr><td><a href="`...)
		b = appendHref(b, e.Name, e.IsDir)
		b = append(b, `">`...)
		b = htmlesc.AppendAttr(b, visible(e.Name))
		b = append(b, e.mark()...)
		b = append(b, `</a><td>`...)
		if e.IsDir {
			b = append(b, "—"...)
		} else {
			b = appendHumanSize(b, e.Size)
		}
		b = append(b, `<td>`...)
		if !e.ModTime.IsZero() {
			b = appendTime(b, e.ModTime.UTC())
		}
		if actions {
			b = appendActions(b, e.Name)
		}
		b = append(b, '\n')
	}
	return b
}

// appendActions appends the cell of an entry's rename and delete forms.
// They sit in a closed <details>: opening it is the confirmation that
// works without JavaScript (the page's script asks again before a
// delete). A name that the server would refuse to act on (one that
// safepath.ValidSegment refuses: not UTF-8, with a ":" or a control
// character…) gets an empty cell: a form could not name it.
func appendActions(b []byte, name string) []byte {
	b = append(b, `<td class="a">`...)
	if safepath.ValidSegment(name) {
		b = append(b, `<details><summary aria-label="Actions">&hellip;</summary><div class="pop"><form method="post" class="mv"><input type="hidden" name="action" value="move"><input type="hidden" name="name" value="`...)
		b = htmlesc.AppendAttr(b, name)
		b = append(b, `"><input name="to" required aria-label="New name" value="`...)
		b = htmlesc.AppendAttr(b, name)
		b = append(b, `"> <button>Rename</button></form><form method="post" class="rm"><input type="hidden" name="action" value="delete"><input type="hidden" name="name" value="`...)
		b = htmlesc.AppendAttr(b, name)
		b = append(b, `"><button>Delete</button></form></div></details>`...)
	}
	return b
}

// rowTime is the layout of [Row].Time.
const rowTime = "2006-01-02 15:04"

// appendTime appends t, a UTC time, in the rowTime layout, which cannot
// produce a character that needs escaping.
//
// It keeps one rule: the bytes are those of t.AppendFormat(b, rowTime)
// (TestTableRowsMatchRows checks years 5, 2024, 9999, 12000 and -44).
// Years 0–9999 are written digit by digit, so that the layout is not
// parsed again for every time of a page; other years go through
// AppendFormat.
func appendTime(b []byte, t time.Time) []byte {
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, rowTime)
	}
	hour, min, _ := t.Clock()
	d2 := func(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }
	b = d2(d2(b, year/100), year%100)
	b = d2(append(b, '-'), int(month))
	b = d2(append(b, '-'), day)
	b = d2(append(b, ' '), hour)
	return d2(append(b, ':'), min)
}
