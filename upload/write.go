package upload

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"sync"

	"github.com/pyhttp/httpserver/internal/errorpage"
	"github.com/pyhttp/httpserver/internal/safepath"
	"github.com/pyhttp/httpserver/listing"
)

// put stores the body as the file r's URL names.
func (h *Handler) put(w http.ResponseWriter, r *http.Request) error {
	name, dir, ok := safepath.WriteName(r.URL.Path)
	if !ok {
		return errBadName
	}
	if dir {
		return errIsDir
	}
	if err := h.check(w, r, name); err != nil {
		return err
	}
	if r.ContentLength > h.maxBytes {
		// Before anything is read: net/http sends no 100 Continue to a
		// client that waits for one, and closes the connection.
		return errTooLarge
	}
	parent := parentOf(name)
	if err := h.walkDirs(w, r, parent, false); err != nil {
		return err
	}
	fi, err := h.root.Lstat(name)
	existed := err == nil
	switch {
	case existed && fi.IsDir():
		return errIsDir
	case existed && !h.overwrite:
		return errExists // the Link below would refuse it too, after the body
	}
	mode := createOnly
	if h.overwrite {
		mode = replace
	}
	body := http.MaxBytesReader(w, r.Body, h.maxBytes)
	final, n, err := h.receive(w, r, parent, path.Base(name), body, mode)
	if err != nil {
		return err
	}
	h.logChange(r, "upload", final, n)
	w.Header().Set("Content-Length", "0")
	if existed {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	w.Header().Set("Location", (&url.URL{Path: path.Base(final)}).EscapedPath())
	w.WriteHeader(http.StatusCreated)
	return nil
}

// post is a form: files (multipart) or an action (urlencoded).
func (h *Handler) post(w http.ResponseWriter, r *http.Request) error {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case ct == "multipart/form-data" && h.upload:
		return h.postFiles(w, r)
	case ct == "application/x-www-form-urlencoded":
		return h.postAction(w, r)
	case ct == "multipart/form-data":
		w.Header().Set("Allow", h.allow)
		return errorpage.Errorf(http.StatusMethodNotAllowed, "Uploads are not allowed", nil)
	}
	return errorpage.Errorf(http.StatusUnsupportedMediaType, "", nil)
}

// stored is one file of a form upload, in the JSON answer.
type stored struct {
	Name string `json:"name"` // relative to the directory, as finally stored
	Size int64  `json:"size"`
}

// postFiles stores each file of a multipart body in the directory r's
// URL names.
func (h *Handler) postFiles(w http.ResponseWriter, r *http.Request) error {
	dir, err := targetDir(r)
	if err != nil {
		return err
	}
	if err := h.walkDirs(w, r, dir, false); err != nil {
		if err == errNoParent {
			return errNotFound
		}
		return err
	}
	if fi, err := h.root.Lstat(dir); err != nil {
		return err
	} else if !fi.IsDir() {
		return errorpage.Errorf(http.StatusConflict, "Not a directory", nil)
	}
	if r.ContentLength > h.maxBytes {
		return errTooLarge
	}
	r.Body = http.MaxBytesReader(w, r.Body, h.maxBytes)
	mr, err := r.MultipartReader()
	if err != nil {
		return errorpage.Errorf(http.StatusBadRequest, "Bad multipart body", err)
	}
	mode := keepBoth
	if h.overwrite {
		mode = replace
	}
	var files []stored
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return &readError{err}
		}
		filename, isFile := rawFileName(part)
		if !isFile || filename == "" {
			// A form field, or a file input left empty; its bytes
			// still count against MaxBytes.
			if _, err := io.Copy(io.Discard, part); err != nil {
				return &readError{err}
			}
			continue
		}
		if len(files) == MaxFiles {
			return errorpage.Errorf(http.StatusRequestEntityTooLarge, "Too many files", nil)
		}
		rel, ok := safepath.UploadName(filename)
		if !ok {
			return errorpage.Errorf(http.StatusBadRequest, "Bad file name", fmt.Errorf("multipart file name %q", filename))
		}
		full := join(dir, rel)
		if err := h.check(w, r, full); err != nil {
			return err
		}
		if err := h.walkDirs(w, r, parentOf(full), true); err != nil {
			return err
		}
		final, n, err := h.receive(w, r, parentOf(full), path.Base(full), part, mode)
		if err != nil {
			return err
		}
		h.logChange(r, "upload", final, n)
		files = append(files, stored{Name: strings.TrimPrefix(final, dir+"/"), Size: n})
	}
	if len(files) == 0 {
		return errorpage.Errorf(http.StatusBadRequest, "No file", nil)
	}
	if listing.PrefersJSON(r) {
		return writeJSON(w, http.StatusCreated, struct {
			Files []stored `json:"files"`
		}{files})
	}
	dirRedirect(w, r)
	return nil
}

// rawFileName returns the filename parameter of part's
// Content-Disposition as the client sent it. multipart.Part.FileName
// applies filepath.Base, which would drop the folders of a directory
// upload and, on Unix, keep "..\..\x" whole; the caller checks every
// segment instead.
func rawFileName(part *multipart.Part) (string, bool) {
	_, params, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
	if err != nil {
		return "", false
	}
	name, ok := params["filename"]
	return name, ok
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, code int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
	return nil
}

// postAction is a plain HTML form's mkdir, delete or move, which goes
// through the same code as MKCOL, DELETE and MOVE.
func (h *Handler) postAction(w http.ResponseWriter, r *http.Request) error {
	dir, err := targetDir(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return &readError{err}
	}
	f := r.PostForm
	name := f.Get("name")
	if !safepath.ValidSegment(name) {
		return errBadName
	}
	full := join(dir, name)
	action := f.Get("action")
	switch {
	case action == "mkdir" && h.upload:
		err = h.makeDir(w, r, full)
	case action == "delete" && h.delete:
		err = h.remove(w, r, full)
	case action == "move" && h.delete:
		to := f.Get("to")
		if !safepath.ValidSegment(to) {
			return errBadName
		}
		full = join(dir, to)
		_, err = h.rename(w, r, join(dir, name), full, false)
	case action == "mkdir" || action == "delete" || action == "move":
		w.Header().Set("Allow", h.allow)
		return errorpage.Errorf(http.StatusMethodNotAllowed, "Not allowed", nil)
	default:
		return errorpage.Errorf(http.StatusBadRequest, "Unknown action", nil)
	}
	if err != nil {
		return err
	}
	if listing.PrefersJSON(r) {
		return writeJSON(w, http.StatusOK, struct {
			Action string `json:"action"`
			Name   string `json:"name"`
		}{action, strings.TrimPrefix(full, dir+"/")})
	}
	dirRedirect(w, r)
	return nil
}

// mkcol creates the directory r's URL names.
func (h *Handler) mkcol(w http.ResponseWriter, r *http.Request) error {
	name, _, ok := safepath.WriteName(r.URL.Path)
	if !ok {
		return errBadName
	}
	if r.ContentLength != 0 {
		// RFC 4918 §9.3.1: a body MKCOL does not understand.
		return errorpage.Errorf(http.StatusUnsupportedMediaType, "", nil)
	}
	if err := h.makeDir(w, r, name); err != nil {
		return err
	}
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusCreated)
	return nil
}

// makeDir creates the directory name: 405 if the name exists, 409 if
// its parent does not.
func (h *Handler) makeDir(w http.ResponseWriter, r *http.Request, name string) error {
	if err := h.check(w, r, name); err != nil {
		return err
	}
	if err := h.walkDirs(w, r, parentOf(name), false); err != nil {
		return err
	}
	if err := h.root.Mkdir(name, 0o777); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return errorpage.Errorf(http.StatusMethodNotAllowed, "File exists", nil)
		}
		if errors.Is(err, fs.ErrNotExist) {
			return errNoParent
		}
		return err
	}
	h.logChange(r, "mkdir", name, 0)
	return nil
}

// deleteReq removes what r's URL names.
func (h *Handler) deleteReq(w http.ResponseWriter, r *http.Request) error {
	name, _, ok := safepath.WriteName(r.URL.Path)
	if !ok {
		return errBadName
	}
	if err := h.remove(w, r, name); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// remove removes the file, symlink or empty directory name.
func (h *Handler) remove(w http.ResponseWriter, r *http.Request, name string) error {
	if err := h.check(w, r, name); err != nil {
		return err
	}
	if err := h.walkDirs(w, r, parentOf(name), false); err != nil {
		if err == errNoParent {
			return errNotFound
		}
		return err
	}
	fi, err := h.root.Lstat(name)
	if err != nil {
		return err
	}
	if err := h.root.Remove(name); err != nil {
		if fi.IsDir() && errors.Is(err, fs.ErrExist) {
			return errNotEmpty
		}
		return err
	}
	h.logChange(r, "delete", name, 0)
	return nil
}

// move renames what r's URL names to its Destination.
func (h *Handler) move(w http.ResponseWriter, r *http.Request) error {
	src, _, ok := safepath.WriteName(r.URL.Path)
	if !ok {
		return errBadName
	}
	dst, err := destination(r)
	if err != nil {
		return err
	}
	allowReplace := h.overwrite
	switch strings.ToUpper(r.Header.Get("Overwrite")) {
	case "", "T":
	case "F":
		allowReplace = false
	default:
		return errorpage.Errorf(http.StatusBadRequest, "Bad Overwrite header", nil)
	}
	replaced, err := h.rename(w, r, src, dst, allowReplace)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Length", "0")
	if replaced {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	w.WriteHeader(http.StatusCreated)
	return nil
}

// rename moves src to dst, both checked as writes. A file or symlink
// moves with Link and Remove, so that an existing dst is never replaced
// unless allowReplace; a directory moves with Rename and never replaces
// anything but an empty directory that appeared since it looked.
func (h *Handler) rename(w http.ResponseWriter, r *http.Request, src, dst string, allowReplace bool) (replaced bool, err error) {
	if err := h.check(w, r, src); err != nil {
		return false, err
	}
	if err := h.check(w, r, dst); err != nil {
		return false, err
	}
	if src == dst {
		return false, errorpage.Errorf(http.StatusForbidden, "Source and destination are the same", nil)
	}
	if strings.HasPrefix(dst, src+"/") {
		return false, errorpage.Errorf(http.StatusConflict, "Cannot move a directory into itself", nil)
	}
	if err := h.walkDirs(w, r, parentOf(src), false); err != nil {
		if err == errNoParent {
			return false, errNotFound
		}
		return false, err
	}
	if err := h.walkDirs(w, r, parentOf(dst), false); err != nil {
		return false, err
	}
	sfi, err := h.root.Lstat(src)
	if err != nil {
		return false, err
	}
	dfi, err := h.root.Lstat(dst)
	switch {
	case err == nil && !allowReplace:
		return false, errPrecondFail
	case err == nil && (dfi.IsDir() || sfi.IsDir()):
		return false, errIsDir // a directory is never replaced, nor replaces
	case err == nil:
		if err := h.root.Rename(src, dst); err != nil {
			return false, err
		}
		replaced = true
	case !errors.Is(err, fs.ErrNotExist):
		return false, err
	case sfi.IsDir():
		if err := h.root.Rename(src, dst); err != nil {
			return false, err
		}
	default:
		if err := h.root.Link(src, dst); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return false, errPrecondFail
			}
			return false, err
		}
		if err := h.root.Remove(src); err != nil {
			return false, err
		}
	}
	var n int64
	if !sfi.IsDir() {
		n = sfi.Size()
	}
	h.logChange(r, "move", dst, n)
	return replaced, nil
}

// destination returns the fs name a MOVE's Destination header names: an
// absolute path, or an absolute URL of r's own scheme and host, under
// the prefix r's handler is mounted at, every segment valid.
func destination(r *http.Request) (string, error) {
	d := r.Header.Get("Destination")
	if d == "" {
		return "", errorpage.Errorf(http.StatusBadRequest, "Missing Destination", nil)
	}
	u, err := url.Parse(d)
	if err != nil || u.Opaque != "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", errorpage.Errorf(http.StatusBadRequest, "Bad Destination", err)
	}
	if u.Scheme != "" || u.Host != "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		if !strings.EqualFold(u.Scheme, scheme) || !strings.EqualFold(u.Host, r.Host) {
			return "", errorpage.Errorf(http.StatusBadGateway, "Destination is on another server", fmt.Errorf("destination %q", d))
		}
	}
	prefix, ok := mountPrefix(r)
	if !ok {
		return "", errorpage.Errorf(http.StatusBadRequest, "Bad Destination", nil)
	}
	rest, ok := strings.CutPrefix(u.Path, prefix)
	if !ok || !strings.HasPrefix(rest, "/") {
		return "", errorpage.Errorf(http.StatusBadRequest, "Destination outside", fmt.Errorf("destination %q", d))
	}
	name, _, ok := safepath.WriteName(rest)
	if !ok {
		return "", errBadName
	}
	return name, nil
}

// mountPrefix returns the part of the request's path that a StripPrefix
// above the handler removed: the decoded path of RequestURI less
// r.URL.Path. ok is false when the two do not agree.
func mountPrefix(r *http.Request) (string, bool) {
	if r.RequestURI == "" {
		return "", true // a request made in the program, not received
	}
	u, err := url.ParseRequestURI(r.RequestURI)
	if err != nil {
		return "", false
	}
	return strings.CutSuffix(u.Path, r.URL.Path)
}

// publish says how a received file takes its name.
type publish uint8

const (
	replace    publish = iota // Rename over whatever file is there
	createOnly                // Link; an existing name is errExists
	keepBoth                  // Link; an existing name tries "name (1).ext"…
)

// receive copies src into a new temporary file in dir, syncs it, and
// publishes it as dir/base by mode. It returns the final fs name and the
// bytes written. On any error the temporary file is removed, and
// whatever the name held before is untouched.
func (h *Handler) receive(w http.ResponseWriter, r *http.Request, dir, base string, src io.Reader, mode publish) (final string, n int64, err error) {
	tmp, f, err := h.createTemp(dir)
	if err != nil {
		return "", 0, err
	}
	defer func() {
		if f != nil {
			f.Close()
		}
		if tmp != "" {
			// After a Link the file is published whatever happens
			// here: a temporary name left behind is logged, not an
			// error of the request.
			if rerr := h.root.Remove(tmp); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
				h.log.LogAttrs(r.Context(), slog.LevelError, "cannot remove temporary file",
					slog.String("path", "/"+tmp), slog.Any("error", rerr))
			}
		}
	}()
	n, err = copyData(f, src)
	if err != nil {
		return "", n, err
	}
	if err = f.Sync(); err != nil {
		return "", n, err
	}
	err, f = f.Close(), nil
	if err != nil {
		return "", n, err
	}
	final, renamed, err := h.publish(w, r, tmp, dir, base, mode)
	if err != nil {
		return "", n, err
	}
	if renamed {
		tmp = ""
	}
	syncDir(h.root, dir)
	return final, n, err
}

// publish gives the temporary file tmp its name in dir. renamed reports
// that tmp itself is gone (Rename); after a Link the caller removes it.
func (h *Handler) publish(w http.ResponseWriter, r *http.Request, tmp, dir, base string, mode publish) (final string, renamed bool, err error) {
	target := join(dir, base)
	switch mode {
	case replace:
		if fi, err := h.root.Lstat(target); err == nil && fi.IsDir() {
			return "", false, errIsDir
		}
		if err := h.root.Rename(tmp, target); err != nil {
			return "", false, err
		}
		return target, true, nil
	case createOnly:
		if err := h.root.Link(tmp, target); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return "", false, errExists
			}
			return "", false, err
		}
		return target, false, nil
	}
	stem, ext := splitExt(base)
	for i := range 100 {
		name := base
		if i > 0 {
			name = fmt.Sprintf("%s (%d)%s", stem, i, ext)
			if !safepath.ValidSegment(name) {
				return "", false, errExists // too long to number
			}
			target = join(dir, name)
			if err := h.check(w, r, target); err != nil {
				return "", false, err
			}
		}
		err := h.root.Link(tmp, target)
		if err == nil {
			return target, false, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", false, err
		}
	}
	return "", false, errExists
}

// splitExt cuts base before its extension, the part from the first dot
// that does not start the name: "a.tar.gz" → "a", ".tar.gz"; ".env" →
// ".env", "".
func splitExt(base string) (stem, ext string) {
	if i := strings.IndexByte(base[1:], '.'); i >= 0 {
		return base[:i+1], base[i+1:]
	}
	return base, ""
}

// createTemp creates a new, empty temporary file in dir.
func (h *Handler) createTemp(dir string) (string, *os.File, error) {
	for range 10 {
		name := join(dir, ".upload-"+rand.Text()[:16]+".tmp")
		f, err := h.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", nil, err
		}
		return name, f, nil
	}
	return "", nil, errors.New("upload: no free temporary name")
}

// syncDir makes a published name durable: fsync of its directory, where
// the system allows it (not on Windows). Failure loses nothing the file
// system would not lose anyway, so it is ignored.
func syncDir(root *os.Root, dir string) {
	if d, err := root.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// bufs holds the copy buffers: 256 KiB, large enough that a fast client
// costs few system calls, small enough that 50 uploads at once stay
// within a few MiB.
var bufs = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// readError marks an error reading the request body (the client went
// away or sent a malformed body), as opposed to one writing the file.
type readError struct{ err error }

func (e *readError) Error() string { return "reading request body: " + e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// copyData copies src to dst, filling the buffer before each write.
// (io.ReadFull would not do: it reports a short last read as
// io.ErrUnexpectedEOF, which is also what a body cut short returns.)
func copyData(dst io.Writer, src io.Reader) (int64, error) {
	bp := bufs.Get().(*[]byte)
	defer bufs.Put(bp)
	buf := *bp
	var n int64
	for {
		nr := 0
		var rerr error
		for nr < len(buf) && rerr == nil {
			var k int
			k, rerr = src.Read(buf[nr:])
			nr += k
		}
		if nr > 0 {
			nw, werr := dst.Write(buf[:nr])
			n += int64(nw)
			if werr != nil {
				return n, werr
			}
		}
		switch {
		case rerr == io.EOF:
			return n, nil
		case rerr != nil:
			return n, &readError{rerr}
		}
	}
}

// classify turns err into the error page it answers: a body too large
// is 413, a full disk 507, a body that could not be read 400, and a name
// taken or a directory not empty 409, each with err as its cause.
func classify(err error) error {
	var page *errorpage.Error
	var tooLarge *http.MaxBytesError
	var rerr *readError
	switch {
	case errors.As(err, &tooLarge):
		return errorpage.Errorf(http.StatusRequestEntityTooLarge, "", err)
	case errors.As(err, &page):
		return err
	case diskFull(err):
		return errorpage.Errorf(http.StatusInsufficientStorage, "", err)
	case errors.As(err, &rerr):
		return errorpage.Errorf(http.StatusBadRequest, "", err)
	case errors.Is(err, fs.ErrExist):
		return errorpage.Errorf(http.StatusConflict, "", err)
	}
	return err
}
