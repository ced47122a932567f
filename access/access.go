// Package access decides what a request may see and do: the hide and deny
// rules on names, and whether an action needs an authenticated user. Its
// [Policy] is the one authorization point that every entry point of this
// module consults (files, listings, CGI, archives, search, uploads,
// deletes and renames), so no endpoint can forget a rule.
//
// Names are fs names, as fileserver uses them: slash-separated, relative
// to the served root, cleaned, "." for the root itself.
//
//   - A hidden name is left out of listings, search results and archives,
//     but is still served when asked for by its URL.
//   - A denied name, and everything below a denied directory, answers 404
//     to every method and entry point, as if it did not exist: it cannot
//     be read, listed, archived, written, replaced, deleted or renamed.
//
// Who the user is comes from the request's context ([WithUser], set by
// [Policy.BasicAuth] once the password is verified, against the users of
// an htpasswd file, [LoadHtpasswd]); [Options].Authenticate says which
// actions need one.
package access

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/pyhttp/httpserver/internal/errorpage"
	"github.com/pyhttp/httpserver/internal/glob"
)

// Action is what a request does to a name.
type Action uint8

const (
	// Read is everything that leaves the tree as it is: GET and HEAD of
	// files and listings, archives, search, and running a CGI script.
	Read Action = iota
	// Write is everything that creates, replaces, deletes or renames.
	Write
)

// Scope says which actions need an authenticated user.
type Scope uint8

const (
	// Nobody: no action needs a user (the default).
	Nobody Scope = iota
	// Writers: reading is anonymous; every Write needs a user.
	Writers
	// Everyone: every action needs a user.
	Everyone
)

// Options configure a [Policy]. The zero value allows everything.
type Options struct {
	// Hide and Deny are patterns of names (see the package
	// documentation), in the syntax of fileserver.Globs: path.Match
	// segments and "**" for any number of segments. A pattern without
	// a slash matches a name at any depth, as in .gitignore: "*.key" is
	// "**/*.key". Default: none.
	Hide []string
	Deny []string

	// DenyDotfiles denies every name with an element that starts with a
	// dot (.git/config, a/.env), as Deny "**/.*" would. Default: false.
	DenyDotfiles bool

	// Authenticate says which actions need a user. Default: Nobody.
	Authenticate Scope

	// Realm is the realm of the Basic challenge sent with a 401. It may
	// not contain quotes, backslashes or control characters. Default:
	// "httpserver".
	Realm string
}

// Policy is an immutable set of rules, safe for concurrent use. A nil
// *Policy allows everything and hides nothing.
type Policy struct {
	hide, deny *glob.Set
	dots       bool
	scope      Scope
	challenge  string // the WWW-Authenticate value
}

// New checks the patterns and the realm and returns the Policy. An error
// names the first bad pattern.
func New(opts Options) (*Policy, error) {
	hide, err := compile(opts.Hide)
	if err != nil {
		return nil, fmt.Errorf("hide %w", err)
	}
	deny, err := compile(opts.Deny)
	if err != nil {
		return nil, fmt.Errorf("deny %w", err)
	}
	realm := opts.Realm
	if realm == "" {
		realm = "httpserver"
	}
	if strings.ContainsFunc(realm, func(r rune) bool { return r == '"' || r == '\\' || r < 0x20 || r == 0x7f }) {
		return nil, fmt.Errorf("realm %q: quotes, backslashes and control characters are not allowed", realm)
	}
	if opts.Authenticate > Everyone {
		return nil, fmt.Errorf("unknown scope %d", opts.Authenticate)
	}
	return &Policy{
		hide:      hide,
		deny:      deny,
		dots:      opts.DenyDotfiles,
		scope:     opts.Authenticate,
		challenge: `Basic realm="` + realm + `", charset="UTF-8"`,
	}, nil
}

// compile turns user patterns into a glob.Set, rooting each slash-less
// pattern at any depth.
func compile(patterns []string) (*glob.Set, error) {
	rooted := make([]string, len(patterns))
	for i, p := range patterns {
		if p != "" && !strings.Contains(p, "/") {
			p = "**/" + p
		}
		rooted[i] = p
	}
	set, err := glob.Compile(rooted...)
	if err != nil {
		// Name the pattern as the user wrote it.
		for _, p := range patterns {
			if _, perr := glob.Compile(p); perr != nil {
				return nil, perr
			}
		}
	}
	return set, err
}

// Denied reports whether name, or a directory above it, is denied.
func (p *Policy) Denied(name string) bool {
	if p == nil || name == "." || name == "" || p.deny == nil && !p.dots {
		return false
	}
	segs := strings.Split(name, "/")
	for i := range segs {
		if p.dots && len(segs[i]) > 1 && segs[i][0] == '.' {
			return true
		}
		if p.deny.MatchSegments(segs[:i+1]) {
			return true
		}
	}
	return false
}

// Hidden reports whether name is to be left out of listings, search
// results and archives: it matches a hide pattern, or it is denied. Only
// the name itself is matched against the hide patterns, not the
// directories above it: a hidden directory is left out of its parent's
// listing and of any walk that passes through it, and lists its own
// entries when asked for by URL.
func (p *Policy) Hidden(name string) bool {
	if p == nil {
		return false
	}
	return p.hide.Match(name) || p.Denied(name)
}

// HidesAnything reports whether Hidden can be true for some name, so that
// a caller can skip the check for each entry of a listing when it is not.
func (p *Policy) HidesAnything() bool {
	return p != nil && (p.hide != nil || p.deny != nil || p.dots)
}

// Check is the authorization decision for a request that does a to the
// fs name. It returns nil when the request may go on, or an error for
// the error path of the caller: 404 "File not found" for a denied name
// (exactly what a missing file gets) and 401 when a needs a user and the
// request has none, in which case it sets the WWW-Authenticate challenge
// on w.
func (p *Policy) Check(w http.ResponseWriter, r *http.Request, name string, a Action) error {
	if p == nil {
		return nil
	}
	switch p.decide(User(r.Context()), name, a) {
	case deniedName:
		return errNotFound
	case needsUser:
		w.Header().Set("WWW-Authenticate", p.challenge)
		return errUnauthorized
	}
	return nil
}

// decision is what decide concluded.
type decision uint8

const (
	allowed decision = iota
	deniedName
	needsUser
)

// decide is the one decision, from who asks (user, "" for anonymous),
// what for (a) and on which name. A denied name is denied to every user.
func (p *Policy) decide(user, name string, a Action) decision {
	switch {
	case p.Denied(name):
		return deniedName
	case user == "" && (p.scope == Everyone || p.scope == Writers && a == Write):
		return needsUser
	}
	return allowed
}

var (
	errNotFound     = errorpage.Errorf(http.StatusNotFound, "File not found", nil)
	errUnauthorized = errorpage.Errorf(http.StatusUnauthorized, "", nil)
)

type userKey struct{}

// WithUser returns ctx carrying the name of an authenticated user. Only
// an authentication step that verified the user's credentials should
// call it. An access log of package middleware that ctx passed through
// learns the user too, for its user field.
func WithUser(ctx context.Context, user string) context.Context {
	errorpage.NoteUser(ctx, user)
	return context.WithValue(ctx, userKey{}, user)
}

// User returns the authenticated user that ctx carries, or "".
func User(ctx context.Context) string {
	u, _ := ctx.Value(userKey{}).(string)
	return u
}
