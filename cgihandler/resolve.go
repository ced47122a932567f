package cgihandler

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/pyhttp/httpserver/internal/safepath"
)

// script is a resolved CGI script.
type script struct {
	name     string   // URL path of the script: SCRIPT_NAME, "/cgi-bin/sub/x.sh"
	pathInfo string   // the rest of the URL path: PATH_INFO, "" or "/a/b"
	file     string   // its real OS path, inside the root
	argv     []string // what to exec: file, or an interpreter and file
}

// resolve finds the script that the clean path names below the CGI
// directory dir, as Python's run_cgi does: directories below dir are
// walked, the first element that is not a directory is the script and the
// rest is PATH_INFO. Every lookup goes through an os.Root, so ".." and
// symlinks cannot lead out of the served directory.
func (h *Handler) resolve(clean, dir string) (*script, error) {
	root, err := os.OpenRoot(h.dir)
	if err != nil {
		return nil, &statusError{http.StatusNotFound, msgNoScript, err}
	}
	defer root.Close()

	name, pathInfo, fi, err := walk(root, clean, dir)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &statusError{http.StatusForbidden, msgNotPlain, nil}
	}
	file, err := h.realPath(name)
	if err != nil {
		return nil, &statusError{http.StatusNotFound, msgNoScript, err}
	}
	s := &script{name: name, pathInfo: pathInfo, file: file, argv: []string{file}}
	if fi.Mode().Perm()&0o111 == 0 {
		interp, ok := h.interp[strings.ToLower(path.Ext(name))]
		if !ok {
			return nil, &statusError{http.StatusForbidden, msgNotExecutable, nil}
		}
		s.argv = append(append([]string(nil), interp...), file)
	}
	return s, nil
}

// walk is the lookup half of resolve, on an open root.
func walk(root *os.Root, clean, dir string) (name, pathInfo string, fi fs.FileInfo, err error) {
	rest := clean[len(dir):] // "" or "/…"
	for {
		elem, after, more := strings.Cut(strings.TrimPrefix(rest, "/"), "/")
		if elem == "" {
			// The CGI directory itself, or a directory below it asked for
			// with a trailing slash: Python answers 403, and so do we.
			return "", "", nil, &statusError{http.StatusForbidden, msgNotPlain, nil}
		}
		cand := dir + "/" + elem
		fi, err = root.Stat(safepath.Name(cand))
		if err != nil {
			if errors.Is(err, fs.ErrPermission) {
				return "", "", nil, &statusError{http.StatusForbidden, msgNotPlain, err}
			}
			// Missing, or a symlink that leads out of the root: both are
			// "no such script" to the client.
			return "", "", nil, &statusError{http.StatusNotFound, msgNoScript, nil}
		}
		if fi.IsDir() && more {
			dir, rest = cand, "/"+after
			continue
		}
		if more {
			pathInfo = "/" + after
		}
		return cand, pathInfo, fi, nil
	}
}

// realPath returns the OS path of the script's fs name with every symlink
// resolved, and checks again that it lies inside the root: the path is
// what gets exec'd, so it must be the file root.Stat vetted.
func (h *Handler) realPath(name string) (string, error) {
	realRoot, err := filepath.EvalSymlinks(h.dir)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(filepath.Join(h.dir, filepath.FromSlash(safepath.Name(name))))
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(realRoot, real)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", errors.New("cgihandler: script resolves outside the root")
	}
	return real, nil
}
