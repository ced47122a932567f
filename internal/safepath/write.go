package safepath

import (
	"strings"
	"unicode/utf8"
)

// MaxSegment is the longest path segment, in bytes, that [ValidSegment]
// accepts: NAME_MAX of Linux and the BSDs, and more than NTFS takes in
// UTF-16 for most names.
const MaxSegment = 255

// ValidSegment reports whether elem may name a file or directory that a
// client creates (an upload, a new folder, a rename target). It is
// stricter than [ValidName], which only has to find what exists: a name
// written on one system must not mean something else on another, nor
// look like something it is not. It refuses:
//
//   - the empty name, "." and "..";
//   - "/", "\" and NUL anywhere, and every control character (C0 and DEL);
//   - ":", which names an NTFS alternate data stream ("a.txt:x") or a
//     drive ("C:") on Windows;
//   - a trailing dot or space, which Windows drops ("a.txt." is "a.txt");
//   - the Windows device names CON, PRN, AUX, NUL, COM0-9 and LPT0-9
//     (and their superscript-digit forms), in any letter case, with or
//     without an extension or trailing spaces ("nul.txt", "Com1 .log");
//   - bytes that are not UTF-8;
//   - names over [MaxSegment] bytes.
//
// The same rules hold on every GOOS, so a tree uploaded on Linux can be
// copied to Windows.
func ValidSegment(elem string) bool {
	if elem == "" || elem == "." || elem == ".." || len(elem) > MaxSegment || !utf8.ValidString(elem) {
		return false
	}
	for i := 0; i < len(elem); i++ {
		c := elem[i]
		if c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == ':' {
			return false
		}
	}
	if last := elem[len(elem)-1]; last == '.' || last == ' ' {
		return false
	}
	return !reservedDevice(elem)
}

// reservedDevice reports whether elem's part before its first dot, with
// trailing spaces dropped, is a Windows device name.
func reservedDevice(elem string) bool {
	base, _, _ := strings.Cut(elem, ".")
	base = strings.TrimRight(base, " ")
	switch strings.ToUpper(base) {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(base) < 4 {
		return false
	}
	prefix := strings.ToUpper(base[:3])
	if prefix != "COM" && prefix != "LPT" {
		return false
	}
	switch base[3:] {
	case "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
		return true
	}
	return false
}

// WriteName returns the fs name for p, a client's path of something to
// create or change: a decoded URL path below the handler's mount
// ("/a/b.txt", "/a/new/") or a multipart file name holding the relative
// path of a folder upload ("photos/2026/x.jpg"). Unlike [Resolve] it
// resolves nothing: every segment must pass [ValidSegment], so "..", ".",
// an empty segment ("a//b") or a backslash make ok false, and the caller
// answers 400. A leading slash is allowed (URL paths have one) and so is
// a trailing one (a directory); dir reports it. The root itself ("/" or
// "") is not a name to write: ok is false.
func WriteName(p string) (name string, dir bool, ok bool) {
	p = strings.TrimPrefix(p, "/")
	if strings.HasSuffix(p, "/") {
		dir = true
		p = p[:len(p)-1]
	}
	if p == "" || len(p) > 4096 {
		return "", false, false
	}
	for elem := range strings.SplitSeq(p, "/") {
		if !ValidSegment(elem) {
			return "", false, false
		}
	}
	return p, dir, true
}

// UploadName returns the fs name, relative to the target directory, for
// the file name of a multipart part: one segment ("a.txt"), or the
// relative path a browser's folder picker sends ("photos/2026/x.jpg").
// Every segment must pass [ValidSegment]; an absolute name ("/etc/x"), a
// trailing slash and everything WriteName refuses make ok false.
func UploadName(filename string) (name string, ok bool) {
	if strings.HasPrefix(filename, "/") || strings.HasSuffix(filename, "/") {
		return "", false
	}
	name, _, ok = WriteName(filename)
	return name, ok
}
