package listing

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"time"

	"github.com/pyhttp/httpserver/internal/walk"
)

// jsonSearch is the JSON form of search results.
type jsonSearch struct {
	Path     string      `json:"path"`
	Query    string      `json:"query"`
	Complete bool        `json:"complete"`
	Stopped  string      `json:"stopped,omitempty"`
	Entries  []jsonEntry `json:"entries"`
}

// searchFlush is how long found rows may wait before they are sent.
const searchFlush = 20 * time.Millisecond

// ServeSearch answers r with the names below the directory name of fsys
// that contain text, found by [Search] with opts and bounded by r's
// context: the modern page's rows, their names and links relative to
// the directory, or JSON when the request asks for it (?format=json or
// Accept, as for [Renderer.ServeDir]): the listing's "path" and
// "entries" (names relative to the directory), plus "query",
// "complete" and, when the search stopped early, "stopped".
//
// The page is sent as the search goes, its first rows as soon as they
// are found, and says at its end how many names it found and why it
// stopped early, if it did. Search pages are the modern page whatever
// [Options].Format (with [Options].Template, the template is executed
// with the whole [Page] once the search is over), and are not cached
// (Cache-Control: no-store). A HEAD request gets the headers and no
// search.
//
// If the directory cannot be read, ServeSearch writes nothing and
// returns the error, as ServeDir does.
func (rd *Renderer) ServeSearch(w http.ResponseWriter, r *http.Request, fsys fs.FS, name, text string, opts SearchOptions) error {
	if err := walk.CheckDir(fsys, name); err != nil {
		return err
	}
	q := rd.parseQuery(r)
	h := w.Header()
	h.Add("Vary", "Accept")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Type", q.contentType())
	h.Set("X-Content-Type-Options", "nosniff")
	path := displayPath(r.RequestURI, r.URL.Path)
	opts.normalize()
	ctx, cancel := context.WithTimeout(r.Context(), opts.Timeout)
	defer cancel()

	if q.json || rd.opts.Template != nil {
		if r.Method == http.MethodHead {
			return nil
		}
		l, stop, err := search(ctx, fsys, name, text, opts, nil)
		if err != nil {
			if r.Context().Err() != nil {
				return nil // the client went: nobody to answer
			}
			return err
		}
		l.Path = path
		b := getPageBuf()
		defer putPageBuf(b)
		if q.json {
			err = writeSearchJSON(b, l, text, stop)
		} else {
			p := rd.newPage(l, q, name, true)
			p.Search = &SearchInfo{Query: text, Count: len(l.Entries), Stopped: stop.String()}
			err = rd.opts.Template.Execute(b, p)
		}
		if err != nil {
			return err
		}
		w.Write(b.Bytes())
		return nil
	}

	m := rd.results()
	h.Set("Content-Security-Policy", m.csp)
	if r.Method == http.MethodHead {
		return nil
	}
	l := &Listing{Name: name, Path: path}
	p := rd.newPage(l, q, name, false)
	p.Search = &SearchInfo{Query: text}
	b := getPageBuf()
	defer putPageBuf(b)
	head, tail := m.templates()
	if err := head.Execute(b, p); err != nil {
		return err
	}
	rc := http.NewResponseController(w)
	last := time.Now()
	send := func() {
		if _, err := w.Write(b.Bytes()); err != nil {
			cancel() // the client went: stop walking
		}
		b.Reset()
		rc.Flush()
		last = time.Now()
	}
	send()
	var row [1]Entry
	found := func(e *Entry) {
		row[0] = *e
		b.Write(appendRows(b.AvailableBuffer(), row[:], false))
		if b.Len() >= 32<<10 || time.Since(last) >= searchFlush {
			send()
		}
	}
	res, stop, err := search(ctx, fsys, name, text, opts, found)
	if err != nil {
		// Only the client going, or the directory vanishing under the
		// walk, end it here; the page has started, so end it honestly.
		if r.Context().Err() != nil {
			return nil
		}
		stop = StopTime
		res = l
	}
	p.Search.Count, p.Search.Stopped = len(res.Entries), stop.String()
	p.Listing = res
	res.Path = path
	if err := tail.Execute(b, p); err != nil {
		return err
	}
	send()
	return nil
}

// writeSearchJSON writes search results to b.
func writeSearchJSON(b *bytes.Buffer, l *Listing, text string, stop Stop) error {
	out := jsonSearch{Path: l.Path, Query: text, Complete: stop == Complete, Stopped: stop.String(), Entries: jsonEntries(l.Entries)}
	enc := json.NewEncoder(b)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
