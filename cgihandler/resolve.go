package cgihandler

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/pyhttp/httpserver/internal/errorpage"
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
	if h.rootErr != nil {
		return nil, h.rootErr
	}
	name, pathInfo, fi, linked, err := walk(h.root, clean, dir)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errorpage.Errorf(http.StatusForbidden, msgNotPlain, nil)
	}
	file := filepath.Join(h.real, filepath.FromSlash(safepath.Name(name)))
	if linked {
		if file, err = realPath(h.real, file); err != nil {
			return nil, errorpage.Errorf(http.StatusNotFound, msgNoScript, err)
		}
	}
	s := &script{name: name, pathInfo: pathInfo, file: file, argv: []string{file}}
	if fi.Mode().Perm()&0o111 == 0 {
		interp, ok := h.interp[strings.ToLower(path.Ext(name))]
		if !ok {
			return nil, errorpage.Errorf(http.StatusForbidden, msgNotExecutable, nil)
		}
		s.argv = append(append([]string(nil), interp...), file)
	}
	return s, nil
}

// walk is the lookup half of resolve, on an open root. linked reports a
// symlink on the way (the script itself included): only then does the
// path to exec need its links resolved.
func walk(root *os.Root, clean, dir string) (name, pathInfo string, fi fs.FileInfo, linked bool, err error) {
	rest := clean[len(dir):] // "" or "/…"
	for {
		elem, after, more := strings.Cut(strings.TrimPrefix(rest, "/"), "/")
		if elem == "" {
			// A CGI directory, or a directory below it, asked for with a
			// trailing slash: Python answers 403, and so do we.
			return "", "", nil, false, errorpage.Errorf(http.StatusForbidden, msgNotPlain, nil)
		}
		cand := dir + "/" + elem
		fi, err = root.Lstat(safepath.Name(cand))
		if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			linked = true
			fi, err = root.Stat(safepath.Name(cand))
		}
		if err != nil {
			if errors.Is(err, fs.ErrPermission) {
				return "", "", nil, false, errorpage.Errorf(http.StatusForbidden, msgNotPlain, err)
			}
			// Missing, or a symlink that leads out of the root: both are
			// "no such script" to the client.
			return "", "", nil, false, errorpage.Errorf(http.StatusNotFound, msgNoScript, nil)
		}
		if fi.IsDir() && more {
			dir, rest = cand, "/"+after
			continue
		}
		if more {
			pathInfo = "/" + after
		}
		return cand, pathInfo, fi, linked, nil
	}
}

// rootPaths returns the paths of root's directory: dir, absolute, as the
// caller named it (for PATH_TRANSLATED), and real, with every symlink
// resolved (the scripts' paths to exec are below it). err, if not nil, is
// the error every request is answered with: the directory is gone, or
// its name no longer leads to it, and then the path to exec could lead to
// files the root never vetted.
func rootPaths(root *os.Root) (dir, real string, err error) {
	dir = root.Name()
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	real, err = filepath.EvalSymlinks(dir)
	if err != nil {
		return dir, dir, errorpage.Errorf(http.StatusNotFound, msgNoScript, err)
	}
	opened, err := root.Stat(".")
	if err != nil {
		return dir, real, errorpage.Errorf(http.StatusNotFound, msgNoScript, err)
	}
	named, err := os.Stat(real)
	if err != nil || !os.SameFile(opened, named) {
		return dir, real, errorpage.Errorf(http.StatusInternalServerError, "",
			fmt.Errorf("cgihandler: %s no longer names the directory of the root", root.Name()))
	}
	return dir, real, nil
}

// realPath returns file, the OS path of a script reached through a
// symlink, with every symlink resolved, and checks again that it lies
// inside the root: the path is what gets exec'd, so it must be the file
// the root vetted.
func realPath(realRoot, file string) (string, error) {
	real, err := filepath.EvalSymlinks(file)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(realRoot, real)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", errors.New("cgihandler: script resolves outside the root")
	}
	return real, nil
}
