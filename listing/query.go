package listing

import (
	"net/http"
	"strconv"
	"strings"
)

// query is what a request asks of a listing through its query string.
type query struct {
	json  bool
	order Order

	defaultDirsFirst bool // Options.DirsFirst
}

// parseQuery reads ?format=json|html, ?sort=name|size|time,
// ?order=asc|desc and ?dirs=first|mixed, and the Accept header. Unknown
// values are ignored rather than refused: a listing is a page to browse,
// and a stale bookmark should still show it. The Python page ignores all
// but format, as Python does.
func (rd *Renderer) parseQuery(r *http.Request) query {
	q := query{order: Order{DirsFirst: rd.opts.DirsFirst}, defaultDirsFirst: rd.opts.DirsFirst}
	v := r.URL.Query()
	switch v.Get("format") {
	case "json":
		q.json = true
	case "html":
	default:
		q.json = prefersJSON(r.Header.Values("Accept"))
	}
	if !q.json && rd.pythonPage() {
		return q
	}
	if !q.json && rd.modern != nil {
		// The modern page lists directories first unless asked not to;
		// Options.DirsFirst still sets the order of JSON and templates.
		q.order.DirsFirst, q.defaultDirsFirst = true, true
	}
	switch v.Get("sort") {
	case "name":
		q.order.By = ByName
	case "size":
		q.order.By = BySize
	case "time":
		q.order.By = ByTime
	}
	switch v.Get("order") {
	case "desc":
		q.order.Desc = true
	case "asc":
		q.order.Desc = false
	}
	switch v.Get("dirs") {
	case "first":
		q.order.DirsFirst = true
	case "mixed":
		q.order.DirsFirst = false
	}
	return q
}

// contentType is the Content-Type of the body that answers q.
func (q query) contentType() string {
	if q.json {
		return "application/json"
	}
	return "text/html; charset=utf-8"
}

// direction is the spelling of ?order=: "asc" or "desc".
func direction(desc bool) string {
	if desc {
		return "desc"
	}
	return "asc"
}

// PrefersJSON reports whether r's Accept header gives application/json a
// higher quality than text/html, as the listing's content negotiation
// decides it; other handlers of this module that answer HTML or JSON
// (upload's form responses) use it so that every endpoint agrees.
func PrefersJSON(r *http.Request) bool { return prefersJSON(r.Header.Values("Accept")) }

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
