// Package glob matches slash-separated names against the patterns users
// give on the command line (--immutable, --hide, --deny): path.Match
// segments plus "**" for any number of segments. It is the one place such
// patterns are checked and compiled.
package glob

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// Limits of a pattern given to [Compile]. They are far beyond any real
// pattern and keep the cost of a match small whatever the input.
const (
	globMaxBytes    = 1024
	globMaxSegments = 32
)

// Set is a compiled list of patterns; a name matches the Set when it
// matches any of them. A nil *Set matches nothing.
type Set struct {
	globs []glob
}

// Compile checks and compiles patterns. With none it returns nil.
//
// A pattern is matched against the whole name, slash-separated segment by
// segment. Each segment is a [path.Match] pattern ("*", "?", "[0-9a-f]",
// "\*" for a star), so "assets/*" matches the files directly in assets/;
// a segment that is exactly "**" matches any number of segments, none
// included, so "assets/**" matches everything under assets/ and
// "**/*.woff2" every .woff2 file. One leading slash is ignored; names are
// case-sensitive.
//
// Patterns come from users, so each is checked here: an empty one, one
// longer than 1024 bytes or with more than 32 segments, one with an empty,
// "." or ".." segment, a "**" inside a segment, or bad [path.Match]
// syntax is refused with an error naming it. A match costs at most one
// [path.Match] per segment of the pattern and of the name.
func Compile(patterns ...string) (*Set, error) {
	if len(patterns) == 0 {
		return nil, nil
	}
	s := &Set{globs: make([]glob, 0, len(patterns))}
	for _, p := range patterns {
		g, err := compileGlob(p)
		if err != nil {
			return nil, fmt.Errorf("pattern %q: %w", p, err)
		}
		s.globs = append(s.globs, g)
	}
	return s, nil
}

// Match reports whether the slash-separated name ("a/b/c.txt") matches
// any pattern of s.
func (s *Set) Match(name string) bool {
	if s == nil {
		return false
	}
	return s.MatchSegments(strings.Split(name, "/"))
}

// MatchSegments is Match for a name already split at its slashes.
func (s *Set) MatchSegments(segs []string) bool {
	if s == nil {
		return false
	}
	for _, g := range s.globs {
		if g.match(segs) {
			return true
		}
	}
	return false
}

// glob is a compiled pattern: its segments cut at each "**" into groups,
// which must match consecutive segments of a name. groups[0] must match
// at the start and the last group at the end; with one group there is no
// "**" and the name must have exactly its segments.
type glob struct {
	groups [][]string
	fixed  int // segments in all groups: the fewest a matching name has
}

func compileGlob(p string) (glob, error) {
	var g glob
	switch {
	case len(p) > globMaxBytes:
		return g, fmt.Errorf("longer than %d bytes", globMaxBytes)
	case strings.TrimPrefix(p, "/") == "":
		return g, errors.New("empty")
	}
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	if len(segs) > globMaxSegments {
		return g, fmt.Errorf("more than %d segments", globMaxSegments)
	}
	group := []string{}
	for i, s := range segs {
		switch {
		case s == "":
			return g, errors.New(`empty segment (for everything under a directory, write "dir/**")`)
		case s == "." || s == "..":
			return g, fmt.Errorf("%q segment: patterns match names below the root, which have none", s)
		case s == "**":
			if i > 0 && segs[i-1] == "**" {
				continue // "**/**" is "**"
			}
			g.groups = append(g.groups, group)
			group = []string{}
			continue
		case strings.Contains(s, "**"):
			return g, errors.New(`"**" must be a whole segment ("a/**/b"); within a segment "*" already matches any run of characters`)
		}
		if _, err := path.Match(s, ""); err != nil {
			return g, err // path.ErrBadPattern: Match checks the whole pattern
		}
		group = append(group, s)
		g.fixed++
	}
	g.groups = append(g.groups, group)
	return g, nil
}

// match reports whether the segments of a name match g. The first and
// last groups are anchored; each group between finds its leftmost match,
// which leaves the most room for those after it, so no backtracking is
// needed.
func (g glob) match(name []string) bool {
	if len(name) < g.fixed {
		return false
	}
	first := g.groups[0]
	if len(g.groups) == 1 {
		return len(name) == len(first) && matchSegments(first, name)
	}
	last := g.groups[len(g.groups)-1]
	if !matchSegments(first, name) || !matchSegments(last, name[len(name)-len(last):]) {
		return false
	}
	rest := name[len(first) : len(name)-len(last)]
	for _, group := range g.groups[1 : len(g.groups)-1] {
		i := 0
		for ; i+len(group) <= len(rest); i++ {
			if matchSegments(group, rest[i:]) {
				break
			}
		}
		if i+len(group) > len(rest) {
			return false
		}
		rest = rest[i+len(group):]
	}
	return true
}

// matchSegments reports whether the first len(pats) segments of name
// match pats, one path.Match each.
func matchSegments(pats, name []string) bool {
	for i, p := range pats {
		if ok, _ := path.Match(p, name[i]); !ok {
			return false
		}
	}
	return true
}
