package fileserver

import "github.com/pyhttp/httpserver/internal/glob"

// Globs returns a func, for [Options].Immutable, that reports whether an fs
// name ("assets/app-1a2b3c.js") matches any of patterns.
//
// A pattern is matched against the whole name, slash-separated segment by
// segment. Each segment is a [path.Match] pattern ("*", "?", "[0-9a-f]",
// "\*" for a star), so "assets/*" matches the files directly in assets/;
// a segment that is exactly "**" matches any number of segments, none
// included, so "assets/**" matches everything under assets/ and
// "**/*.woff2" every .woff2 file. One leading slash is ignored; names are
// case-sensitive.
//
// Patterns come from users, so each is checked: an empty one, one longer
// than 1024 bytes or with more than 32 segments, one with an empty, "."
// or ".." segment, a "**" inside a segment, or bad [path.Match] syntax is
// refused with an error naming it. A match costs at most one
// [path.Match] per segment of the pattern and of the name. With no
// patterns Globs returns nil, which leaves Options.Immutable off.
func Globs(patterns ...string) (func(name string) bool, error) {
	set, err := glob.Compile(patterns...)
	if set == nil || err != nil {
		return nil, err
	}
	return set.Match, nil
}
