// Package safepath is the one place where an untrusted request path becomes
// a file name. Both fileserver and cgihandler use it, so "which file does
// this URL name?" and "is this URL a CGI script?" are always answered from
// the same canonical path.
//
// # Rules
//
// The input is the decoded URL path (net/http's r.URL.Path, in which %2e,
// %2f and friends have already been decoded). [Clean] makes it rooted,
// collapses repeated slashes, resolves "." and "..", never above the root
// (like Python's _url_collapse_path and path.Clean), and keeps a trailing
// slash. A path containing a NUL byte, or a backslash or colon on Windows,
// names no file and is rejected. [Name] turns the clean path into an
// io/fs name that satisfies [ValidName]. Names are passed through byte
// for byte: one that is not UTF-8 (a file created by a program that did
// not care) is resolved too. An FS that cannot open such a name, such as
// os.Root's FS, answers fs.ErrInvalid; fileserver.RootFS opens it.
//
// Names that a client creates (uploads, new folders, rename targets) are
// held to stricter rules: [WriteName] and [UploadName] resolve nothing,
// and every segment must pass [ValidSegment].
//
// Confinement itself does not rest on this package alone: the command opens
// its root with os.OpenRoot, which also refuses symlinks that lead out.
package safepath

import (
	"path"
	"runtime"
	"strings"
)

// Clean returns the canonical form of the decoded URL path p: rooted, with
// repeated slashes collapsed, "." and ".." resolved without ever going above
// the root, and a trailing slash kept ("/a/../b/" → "/b/"). ok is false
// when p cannot name a file at all.
func Clean(p string) (clean string, ok bool) {
	if strings.IndexByte(p, 0) >= 0 {
		return "", false
	}
	if runtime.GOOS == "windows" && strings.ContainsAny(p, `\:`) {
		return "", false
	}
	c := p
	if !strings.HasPrefix(p, "/") {
		c = "/" + p
	}
	c = path.Clean(c) // no allocation when c is clean already
	if c != "/" && strings.HasSuffix(p, "/") {
		c += "/"
	}
	return c, true
}

// Name returns the io/fs name for a path returned by [Clean]: the leading
// and trailing slashes dropped, and "." for the root.
func Name(clean string) string {
	name := strings.Trim(clean, "/")
	if name == "" {
		return "."
	}
	return name
}

// Resolve is [Clean] followed by [Name]. dir reports whether p ended in a
// slash, that is, whether the client asked for a directory.
func Resolve(p string) (name string, dir bool, ok bool) {
	c, ok := Clean(p)
	if !ok {
		return "", false, false
	}
	name = Name(c)
	if !ValidName(name) {
		// Unreachable: Clean leaves no empty, "." or ".." element. Kept so
		// that a future change to Clean fails closed.
		return "", false, false
	}
	return name, strings.HasSuffix(p, "/"), true
}

// ValidName reports whether name is a valid io/fs name, as
// [fs.ValidPath] does, except that it does not require UTF-8: "." or
// slash-separated elements none of which is empty, "." or "..". On
// Windows a backslash is refused too, as os.Root's FS refuses it.
//
// It is the check for file systems that serve names that are not UTF-8
// (see fileserver.RootFS): every name fs.ValidPath refuses for another
// reason, it refuses too.
func ValidName(name string) bool {
	if runtime.GOOS == "windows" && strings.IndexByte(name, '\\') >= 0 {
		return false
	}
	if name == "." {
		return true
	}
	for elem := range strings.SplitSeq(name, "/") {
		if elem == "" || elem == "." || elem == ".." {
			return false
		}
	}
	return true
}

// IsHidden reports whether any element of the fs name starts with a dot,
// like ".git/config" or "a/.env": what the hide-dotfiles options hide.
func IsHidden(name string) bool {
	for name != "" {
		var elem string
		elem, name, _ = strings.Cut(name, "/")
		if len(elem) > 1 && elem[0] == '.' {
			return true
		}
	}
	return false
}
