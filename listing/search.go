package listing

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pyhttp/httpserver/internal/walk"
)

// Default bounds of a search, used where [SearchOptions] leaves one at
// zero.
const (
	DefaultSearchResults = 1000
	DefaultSearchDepth   = 32
	DefaultSearchTimeout = 5 * time.Second
	// MaxQueryLen is the longest query, in bytes, that a search takes.
	MaxQueryLen = 256
)

// SearchOptions configure [Search] and [Renderer.ServeSearch]. The zero
// value searches every name, within the default bounds.
type SearchOptions struct {
	// ReadOptions say which names are left out, as for a listing; a
	// directory left out is not searched either.
	ReadOptions

	// MaxResults stops the search once it has found this many names.
	// Default (0): DefaultSearchResults, 1000.
	MaxResults int
	// MaxDepth is how deep below the directory the search looks: its
	// own entries are at depth 1. Default (0): DefaultSearchDepth, 32.
	MaxDepth int
	// Timeout stops the search after this long. Default (0):
	// DefaultSearchTimeout, 5 s.
	Timeout time.Duration
}

func (o *SearchOptions) normalize() {
	if o.MaxResults <= 0 {
		o.MaxResults = DefaultSearchResults
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultSearchDepth
	}
	o.MaxDepth = min(o.MaxDepth, walk.HardMaxDepth-1)
	if o.Timeout <= 0 {
		o.Timeout = DefaultSearchTimeout
	}
}

// Stop says why a search ended before it had looked everywhere.
type Stop uint8

const (
	// Complete: the search looked at every name it may.
	Complete Stop = iota
	// StopResults: it found MaxResults names.
	StopResults
	// StopDepth: it did not look below MaxDepth.
	StopDepth
	// StopTime: it ran out of time.
	StopTime
)

// String returns the sentence the page shows.
func (s Stop) String() string {
	switch s {
	case StopResults:
		return "The search stopped at its limit of results; narrow it down to see the rest."
	case StopDepth:
		return "The search did not look in the deepest directories; search from a deeper directory to see them."
	case StopTime:
		return "The search ran out of time before it had looked everywhere."
	}
	return ""
}

// Search looks below the directory name (an io/fs name, "." for the
// root) of fsys for every file and directory whose name contains text,
// compared case-insensitively (Unicode lower case). text is plain text:
// "*", "[", "?" and "../" are matched as written, never as a pattern or
// a path. The result is a Listing whose entries are named by their path
// relative to name ("sub/dir/file.txt"), in the walk's order: depth
// first, each directory's names sorted.
//
// The walk is the archives' (see package archive): symlinks followed
// only through fsys, loops and irregular files left out, opts'
// ReadOptions applied. It stops at opts' bounds, which Stop reports, and
// when ctx is done, returning ctx's error. A directory that cannot be
// read below name is left out; name itself must be readable.
func Search(ctx context.Context, fsys fs.FS, name, text string, opts SearchOptions) (*Listing, Stop, error) {
	opts.normalize()
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	return search(ctx, fsys, name, text, opts, nil)
}

// errEnough ends a walk that found enough.
var errEnough = errors.New("listing: enough results")

// search is Search; each result is also passed to found, when not nil.
func search(ctx context.Context, fsys fs.FS, name, text string, opts SearchOptions, found func(*Entry)) (*Listing, Stop, error) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, Complete, err
	}
	if !info.IsDir() {
		return nil, Complete, &fs.PathError{Op: "search", Path: name, Err: fs.ErrInvalid}
	}
	l := &Listing{Name: name, ModTime: info.ModTime()}
	match := matcher(text)
	stop := Complete
	wo := walk.Options{Hidden: opts.Hide, HideDotfiles: opts.HideDotfiles}
	err = walk.Walk(ctx, fsys, name, wo, func(e *walk.Entry) error {
		base := e.Rel[strings.LastIndexByte(e.Rel, '/')+1:]
		if match(base) {
			fi, err := e.Stat()
			if err == nil {
				ent := Entry{Name: e.Rel, IsDir: e.IsDir, IsSymlink: e.IsSymlink}
				if !e.IsDir {
					ent.Size = fi.Size()
				}
				ent.ModTime = fi.ModTime()
				l.Entries = append(l.Entries, ent)
				if found != nil {
					found(&l.Entries[len(l.Entries)-1])
				}
				if len(l.Entries) >= opts.MaxResults {
					stop = StopResults
					return errEnough
				}
			}
		}
		if e.IsDir && e.Depth >= opts.MaxDepth {
			stop = StopDepth
			return walk.SkipDir
		}
		return nil
	})
	switch {
	case err == errEnough:
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil:
		stop = StopTime
	case err == walk.ErrTooDeep:
		stop = StopDepth
	case err != nil:
		return nil, Complete, err
	}
	return l, stop, nil
}

// matcher returns the test of a name against text: case-insensitive
// substring, with a fast path for ASCII.
func matcher(text string) func(string) bool {
	if text == "" {
		return func(string) bool { return true }
	}
	lower := strings.ToLower(text)
	if !isASCII(lower) {
		return func(name string) bool { return strings.Contains(strings.ToLower(name), lower) }
	}
	return func(name string) bool {
		if len(name) < len(lower) {
			return false
		}
		if !isASCII(name) {
			return strings.Contains(strings.ToLower(name), lower)
		}
		return containsFoldASCII(name, lower)
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// containsFoldASCII reports whether the ASCII string s contains the
// lower-case ASCII string sub, ignoring case.
func containsFoldASCII(s, sub string) bool {
	first := sub[0]
	for i := 0; i+len(sub) <= len(s); i++ {
		if lowerASCII(s[i]) != first {
			continue
		}
		j := 1
		for j < len(sub) && lowerASCII(s[i+j]) == sub[j] {
			j++
		}
		if j == len(sub) {
			return true
		}
	}
	return false
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
