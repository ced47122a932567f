package listing

import (
	"net/http"
	"strconv"
	"strings"
)

// query is what a request asks of a listing through its query string.
type query struct {
	json   bool
	order  Order
	sorted bool // the request chose a sort key, order or grouping

	defaultDirsFirst bool // Options.DirsFirst
}

// defaultQuery is the query of a request that asks for nothing: HTML in
// Options' order.
func (rd *Renderer) defaultQuery() query {
	return query{order: Order{DirsFirst: rd.opts.DirsFirst}, defaultDirsFirst: rd.opts.DirsFirst}
}

// parseQuery reads ?format=json|html, ?sort=name|size|time,
// ?order=asc|desc and ?dirs=first|mixed, and the Accept header. Unknown
// values are ignored rather than refused: a listing is a page to browse,
// and a stale bookmark should still show it.
func (rd *Renderer) parseQuery(r *http.Request) query {
	q := rd.defaultQuery()
	v := r.URL.Query()
	switch v.Get("format") {
	case "json":
		q.json = true
	case "html":
	default:
		q.json = prefersJSON(r.Header.Values("Accept"))
	}
	switch v.Get("sort") {
	case "name":
		q.order.By, q.sorted = ByName, true
	case "size":
		q.order.By, q.sorted = BySize, true
	case "time":
		q.order.By, q.sorted = ByTime, true
	}
	switch v.Get("order") {
	case "desc":
		q.order.Desc, q.sorted = true, true
	case "asc":
		q.sorted = true
	}
	switch v.Get("dirs") {
	case "first":
		q.order.DirsFirst, q.sorted = true, true
	case "mixed":
		q.order.DirsFirst, q.sorted = false, true
	}
	return q
}

// direction is the spelling of ?order=: "asc" or "desc".
func direction(desc bool) string {
	if desc {
		return "desc"
	}
	return "asc"
}

// prefersJSON reports whether an Accept header gives application/json a
// higher quality than text/html (RFC 9110 §12.5.1). Ties, and headers
// that name neither (a browser's "*/*"), go to HTML.
func prefersJSON(accept []string) bool {
	qJSON, qHTML := -1.0, -1.0 // -1: not matched by any range
	specJSON, specHTML := -1, -1
	for _, header := range accept {
		for part := range strings.SplitSeq(header, ",") {
			mediaRange, params, _ := strings.Cut(part, ";")
			mediaRange = strings.ToLower(strings.TrimSpace(mediaRange))
			qv := 1.0
			for p := range strings.SplitSeq(params, ";") {
				k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
					if err != nil || f < 0 || f > 1 {
						f = 0 // a malformed weight does not make a type preferred
					}
					qv = f
				}
			}
			if s := specificity(mediaRange, "application/json"); s > specJSON {
				specJSON, qJSON = s, qv
			}
			if s := specificity(mediaRange, "text/html"); s > specHTML {
				specHTML, qHTML = s, qv
			}
		}
	}
	return qJSON > 0 && qJSON > qHTML
}

// specificity returns how closely mediaRange matches typ: 2 exactly, 1 by
// "type/*", 0 by "*/*", -1 not at all. The most specific range decides a
// type's quality (RFC 9110 §12.5.1).
func specificity(mediaRange, typ string) int {
	switch {
	case mediaRange == typ:
		return 2
	case mediaRange == "*/*":
		return 0
	case strings.HasSuffix(mediaRange, "/*") && strings.HasPrefix(typ, mediaRange[:len(mediaRange)-1]):
		return 1
	}
	return -1
}
