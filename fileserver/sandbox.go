package fileserver

import (
	"net/http"
	"strings"
)

// sandboxCSP is what Options.Sandbox sends with an active file: the page
// runs in an opaque origin, with no script, form, popup or plugin.
const sandboxCSP = "sandbox"

// setSandbox adds Content-Security-Policy: sandbox to hdr when the
// handler sandboxes and hdr's Content-Type is one a browser would run as
// a page.
func (h *Handler) setSandbox(hdr http.Header) {
	if h.sandbox && activeType(hdr.Get("Content-Type")) {
		hdr.Add("Content-Security-Policy", sandboxCSP)
	}
}

// activeType reports whether a browser opening a response of type ct
// would render it as a document that can run script: HTML, XHTML, SVG,
// and XML of any kind (which may hold XHTML or SVG, or an XSLT that
// makes them).
func activeType(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch mt {
	case "text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml", "text/xsl":
		return true
	}
	return strings.HasSuffix(mt, "+xml")
}
