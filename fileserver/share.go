package fileserver

import (
	"net/http"
	"net/url"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/pyhttp/httpserver/archive"
	"github.com/pyhttp/httpserver/internal/errorpage"
	"github.com/pyhttp/httpserver/listing"
)

// DefaultMaxArchives is the number of archives a Handler streams at once
// when Options.MaxArchives is zero.
const DefaultMaxArchives = 8

// shareRequest is what a directory request asks of the archive and search
// features, read from its query by parseShare.
type shareRequest struct {
	download bool           // ?download= was given
	format   archive.Format // its format, when valid
	query    string         // ?q=, "" for none
}

// parseShare reads ?download=FORMAT and ?q=TEXT from a raw query. The
// first value of each counts. It returns a 400 error for a download of an
// unknown format and for a query that is too long or holds a NUL or a
// byte that is not UTF-8 after decoding. A handler reads only what it
// serves: the other parameter is left alone.
func parseShare(rawQuery string, archives, search bool) (shareRequest, error) {
	v, err := url.ParseQuery(rawQuery)
	if err != nil && v == nil {
		return shareRequest{}, errBadQuery
	}
	var s shareRequest
	if d, ok := v["download"]; archives && ok && len(d) > 0 {
		s.download = true
		f, ok := archive.ParseFormat(d[0])
		if !ok {
			return shareRequest{}, errorpage.Errorf(http.StatusBadRequest, "Unknown archive format (zip, tar or tar.gz)", nil)
		}
		s.format = f
	}
	if q := v.Get("q"); search && q != "" {
		if len(q) > listing.MaxQueryLen || strings.IndexByte(q, 0) >= 0 || !utf8.ValidString(q) {
			return shareRequest{}, errBadQuery
		}
		s.query = q
	}
	return s, nil
}

var errBadQuery = errorpage.Errorf(http.StatusBadRequest, "Bad search query", nil)

// shares reports whether a request with this raw query may ask for an
// archive or a search: the features are on and the query not empty. It
// is all the hot path pays when they are off.
func (h *Handler) shares(rawQuery string) bool {
	return (h.archives != nil || h.search) && rawQuery != ""
}

// serveShare answers an archive or search request for the directory
// name, and reports whether the request was one.
func (h *Handler) serveShare(w http.ResponseWriter, r *http.Request, name string) (bool, error) {
	s, err := parseShare(r.URL.RawQuery, h.archives != nil, h.search)
	if err != nil {
		return true, err
	}
	switch {
	case s.download:
		if h.noListing {
			return true, errNotFound // an archive would list what the listing hides
		}
		return true, h.serveArchive(w, r, name, s.format)
	case s.query != "":
		if h.noListing {
			return true, errNotFound
		}
		return true, h.serveSearch(w, r, name, s.query)
	}
	return false, nil
}

// fileShare answers an archive request for a file with 400: only a
// directory makes an archive. It returns nil for any other request.
func (h *Handler) fileShare(r *http.Request) error {
	if h.archives != nil && r.URL.Query().Has("download") {
		return errorpage.Errorf(http.StatusBadRequest, "Only a directory can be downloaded as an archive", nil)
	}
	return nil
}

// archives is the state of Options.Archives.
type archives struct {
	opts     archive.Options
	slots    chan struct{} // one per archive being streamed
	rootName string        // the archive name of the root
}

func (h *Handler) serveArchive(w http.ResponseWriter, r *http.Request, name string, f archive.Format) error {
	a := h.archives
	if r.Method != http.MethodHead {
		select {
		case a.slots <- struct{}{}:
			defer func() { <-a.slots }()
		default:
			w.Header().Set("Retry-After", "10")
			return errorpage.Errorf(http.StatusServiceUnavailable, "Too many archives are being made; try again shortly", nil)
		}
	}
	base := a.rootName
	if name != "." {
		base = path.Base(name)
	}
	archive.Serve(w, r, h.fsys, name, base, f, a.opts, h.log)
	return nil
}

func (h *Handler) serveSearch(w http.ResponseWriter, r *http.Request, name, text string) error {
	err := h.listing.ServeSearch(w, r, h.fsys, name, text, h.searchOpts)
	if err != nil {
		return errorpage.Errorf(http.StatusNotFound, "No permission to list directory", err)
	}
	return nil
}

// rootArchiveName is the name of the root's archive: the served
// directory's base name when the FS is an os.Root's, else "download".
func rootArchiveName(fsys any) string {
	if rf, ok := fsys.(rootFS); ok {
		if abs, err := filepath.Abs(rf.root.Name()); err == nil {
			if b := filepath.Base(abs); b != "." && b != string(filepath.Separator) && b != "" {
				return b
			}
		}
	}
	return "download"
}
