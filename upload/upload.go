package upload

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"

	"github.com/pyhttp/httpserver/access"
	"github.com/pyhttp/httpserver/internal/errorpage"
	"github.com/pyhttp/httpserver/internal/safepath"
)

// DefaultMaxBytes is the largest request body a [Handler] takes when
// [Options].MaxBytes is 0: 1 GiB.
const DefaultMaxBytes = 1 << 30

// MaxFiles is the most files one multipart request may hold; a request
// with more gets 413 once the first MaxFiles are stored.
const MaxFiles = 10000

// Options configure a [Handler]. The zero value allows nothing: every
// request gets 405.
type Options struct {
	// AllowUpload allows PUT, multipart POST and MKCOL (and the form's
	// mkdir). Default: false.
	AllowUpload bool

	// AllowDelete allows DELETE and MOVE (and the form's delete and
	// move). Default: false.
	AllowDelete bool

	// Overwrite lets an upload replace an existing file, and a MOVE
	// whose Overwrite header is not "F" replace its destination. Without
	// it, PUT of an existing name gets 409, a form upload keeps both
	// (the new file is "name (1).ext"), and MOVE gets 412. Default:
	// false.
	Overwrite bool

	// MaxBytes is the largest request body, all files of a multipart
	// request together; beyond it the request gets 413 and the file being
	// received is dropped. Default (0): [DefaultMaxBytes].
	MaxBytes int64

	// Access, when not nil, is consulted for every name a request
	// writes, creates, deletes or moves, as access.Write. Default: nil,
	// everything allowed.
	Access *access.Policy

	// ErrorLog receives one Info line per change, and the causes of
	// errors the client is only shown a status for. Default:
	// slog.Default().
	ErrorLog *slog.Logger
}

// Handler applies writes to an os.Root. Build one with [New]; its
// configuration is immutable and it is safe for concurrent use.
//
// It serves the request's URL path (r.URL.Path) below the root: mount it
// under [http.StripPrefix] for a prefix. Destination headers of MOVE
// are read under the same prefix, found from the request's RequestURI.
type Handler struct {
	root      *os.Root
	upload    bool
	delete    bool
	overwrite bool
	maxBytes  int64
	access    *access.Policy
	log       *slog.Logger
	csrf      *http.CrossOriginProtection
	allow     string // the Allow header of a 405
}

// New returns a Handler that writes into root. The root must stay open
// while the Handler is in use.
func New(root *os.Root, opts Options) *Handler {
	h := &Handler{
		root:      root,
		upload:    opts.AllowUpload,
		delete:    opts.AllowDelete,
		overwrite: opts.Overwrite,
		maxBytes:  opts.MaxBytes,
		access:    opts.Access,
		log:       opts.ErrorLog,
		csrf:      http.NewCrossOriginProtection(),
	}
	if h.maxBytes <= 0 {
		h.maxBytes = DefaultMaxBytes
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	var allow []string
	if h.upload {
		allow = append(allow, http.MethodPut, http.MethodPost, "MKCOL")
	}
	if h.delete {
		allow = append(allow, http.MethodDelete, "MOVE")
		if !h.upload {
			allow = append(allow, http.MethodPost)
		}
	}
	h.allow = strings.Join(allow, ", ")
	return h
}

// ServeHTTP applies r's change, once it passed the cross-origin check.
// Errors become pages in this one place.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	err := h.csrf.Check(r)
	if err != nil {
		err = errorpage.Errorf(http.StatusForbidden, "Cross-origin request refused", err)
	} else if name, _, ok := safepath.WriteName(r.URL.Path); ok {
		// Who may write to the URL's name is decided before anything
		// about the request is: an anonymous client learns nothing
		// from a 415 or a 409. Each name a request then writes is
		// checked again where it is written.
		if err = h.check(w, r, name); err == nil {
			err = h.serve(w, r)
		}
	} else {
		err = h.serve(w, r)
	}
	if err != nil {
		errorpage.Fail(w, r, h.log, classify(err))
	}
}

// Errors that answer a request. The cause, when there is one, is logged.
var (
	errBadName     = errorpage.Errorf(http.StatusBadRequest, "Bad file name", nil)
	errBadRequest  = errorpage.Errorf(http.StatusBadRequest, "", nil)
	errTooLarge    = errorpage.Errorf(http.StatusRequestEntityTooLarge, "", nil)
	errExists      = errorpage.Errorf(http.StatusConflict, "File exists", nil)
	errNoParent    = errorpage.Errorf(http.StatusConflict, "Parent directory does not exist", nil)
	errSymlink     = errorpage.Errorf(http.StatusConflict, "Path goes through a symbolic link", nil)
	errIsDir       = errorpage.Errorf(http.StatusConflict, "Is a directory", nil)
	errNotEmpty    = errorpage.Errorf(http.StatusConflict, "Directory not empty", nil)
	errNotFound    = errorpage.Errorf(http.StatusNotFound, "File not found", nil)
	errPrecondFail = errorpage.Errorf(http.StatusPreconditionFailed, "Destination exists", nil)
)

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) error {
	switch {
	case r.Method == http.MethodPut && h.upload:
		return h.put(w, r)
	case r.Method == http.MethodPost && (h.upload || h.delete):
		return h.post(w, r)
	case r.Method == "MKCOL" && h.upload:
		return h.mkcol(w, r)
	case r.Method == http.MethodDelete && h.delete:
		return h.deleteReq(w, r)
	case r.Method == "MOVE" && h.delete:
		return h.move(w, r)
	}
	if h.allow != "" {
		w.Header().Set("Allow", h.allow)
	}
	return errorpage.Errorf(http.StatusMethodNotAllowed, "", nil)
}

// check is the access decision for a write to name.
func (h *Handler) check(w http.ResponseWriter, r *http.Request, name string) error {
	return h.access.Check(w, r, name, access.Write)
}

// logChange logs one change: who, what, which final name, how many bytes.
func (h *Handler) logChange(r *http.Request, action, name string, n int64) {
	h.log.LogAttrs(r.Context(), slog.LevelInfo, action,
		slog.String("user", access.User(r.Context())),
		slog.String("method", r.Method),
		slog.String("path", "/"+name),
		slog.Int64("bytes", n))
}

// dirRedirect answers a form with 303 to the directory r's URL names.
func dirRedirect(w http.ResponseWriter, r *http.Request) {
	loc := "./"
	if p := r.URL.Path; !strings.HasSuffix(p, "/") {
		loc = "./" + (&url.URL{Path: path.Base(p) + "/"}).EscapedPath()
	}
	w.Header().Set("Location", loc)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusSeeOther)
}

// targetDir returns the fs name of the directory r's URL names, "." for
// the root; every segment is checked as a name to write.
func targetDir(r *http.Request) (string, error) {
	if r.URL.Path == "/" || r.URL.Path == "" {
		return ".", nil
	}
	name, _, ok := safepath.WriteName(r.URL.Path)
	if !ok {
		return "", errBadName
	}
	return name, nil
}

// join is path.Join for fs names, where dir may be ".".
func join(dir, name string) string {
	if dir == "." {
		return name
	}
	return dir + "/" + name
}

// parentOf is path.Dir for fs names.
func parentOf(name string) string { return path.Dir(name) }

// walkDirs checks that every directory of dir (an fs name, "." for the
// root) exists as a real directory, not a symlink, creating the missing
// ones when create is set (each checked with the policy first). A
// missing one otherwise is errNoParent.
func (h *Handler) walkDirs(w http.ResponseWriter, r *http.Request, dir string, create bool) error {
	if dir == "." {
		return nil
	}
	prefix := ""
	for seg := range strings.SplitSeq(dir, "/") {
		prefix = join(orDot(prefix), seg)
		fi, err := h.root.Lstat(prefix)
		switch {
		case err == nil && fi.Mode()&os.ModeSymlink != 0:
			return errSymlink
		case err == nil && !fi.IsDir():
			return errorpage.Errorf(http.StatusConflict, "Not a directory", nil)
		case err == nil:
			continue
		case !errors.Is(err, os.ErrNotExist):
			return err
		case !create:
			return errNoParent
		}
		if err := h.check(w, r, prefix); err != nil {
			return err
		}
		if err := h.root.Mkdir(prefix, 0o777); err != nil && !errors.Is(err, os.ErrExist) {
			return err
		}
		// Made, or made by a concurrent request: look again, so that
		// a symlink raced into its place is refused.
		if fi, err := h.root.Lstat(prefix); err != nil || !fi.IsDir() {
			return errSymlink
		}
		h.logChange(r, "mkdir", prefix, 0)
	}
	return nil
}

func orDot(s string) string {
	if s == "" {
		return "."
	}
	return s
}
