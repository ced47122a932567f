package access

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// Users is a set of user names and their bcrypt password hashes, read
// from an Apache htpasswd file by [ParseHtpasswd] or [LoadHtpasswd]. It
// is immutable and safe for concurrent use. [Policy.BasicAuth] checks
// passwords against it.
type Users struct {
	hashes map[string][]byte
	// dummy is a bcrypt hash of a random password, of the highest cost
	// in the file: an unknown user's password is compared with it, so
	// that the answer takes as long as for a user who exists.
	dummy []byte

	// onCompare, when not nil, is called before each bcrypt comparison
	// (dummy: against the dummy hash). Tests count with it.
	onCompare func(dummy bool)
}

// maxHtpasswdBytes bounds what is read of an htpasswd file: one line is
// about 70 bytes, so this is more than a hundred thousand users.
const maxHtpasswdBytes = 8 << 20

// maxCost is the highest bcrypt cost accepted, htpasswd -C's limit: one
// check at 17 takes some seconds already.
const maxCost = 17

// LoadHtpasswd reads the htpasswd file name (see [ParseHtpasswd]). Its
// errors name the file.
func LoadHtpasswd(name string) (*Users, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	u, err := ParseHtpasswd(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return u, nil
}

// ParseHtpasswd reads users from r in Apache's htpasswd format, one
// "user:hash" per line, as "htpasswd -B" writes them. Blank lines and
// lines starting with "#" are skipped, and a trailing CR is dropped.
//
// The hash must be bcrypt ("$2y$", as htpasswd writes it, or "$2a$" and
// "$2b$"). Every other scheme htpasswd knows ("$apr1$" MD5, "{SHA}",
// crypt, plain text) is refused: they are fast to brute-force, and
// refusing them at start-up is better than a user who can never log in.
// A cost over 17 (htpasswd -C's limit) is refused too. A user name may
// not be empty, contain a control character or be invalid UTF-8, and may
// appear only once. An error names the line
// number and never the hash. An input with no user is an error.
func ParseHtpasswd(r io.Reader) (*Users, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxHtpasswdBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxHtpasswdBytes {
		return nil, fmt.Errorf("htpasswd: larger than %d bytes", maxHtpasswdBytes)
	}
	u := &Users{hashes: make(map[string][]byte)}
	highest := bcrypt.MinCost
	for n, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSuffix(line, []byte("\r"))
		if t := bytes.TrimSpace(line); len(t) == 0 || t[0] == '#' {
			continue
		}
		user, hash, cost, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("htpasswd line %d: %w", n+1, err)
		}
		if _, dup := u.hashes[user]; dup {
			return nil, fmt.Errorf("htpasswd line %d: user %q appears twice", n+1, user)
		}
		u.hashes[user] = hash
		highest = max(highest, cost)
	}
	if len(u.hashes) == 0 {
		return nil, errors.New("htpasswd: no users (make one with htpasswd -B FILE USER)")
	}
	u.dummy, err = bcrypt.GenerateFromPassword([]byte(rand.Text()), highest)
	if err != nil {
		return nil, err
	}
	return u, nil
}

// parseLine parses one "user:hash" line.
func parseLine(line []byte) (user string, hash []byte, cost int, err error) {
	name, h, ok := bytes.Cut(line, []byte(":"))
	switch {
	case !ok:
		return "", nil, 0, errors.New(`no ":" between the user name and the hash`)
	case len(name) == 0:
		return "", nil, 0, errors.New("empty user name")
	case !utf8.Valid(name) || bytes.ContainsFunc(name, isControl):
		return "", nil, 0, errors.New("user name with a control character or invalid UTF-8")
	}
	user = string(name)
	if scheme := hashScheme(h); scheme != "" {
		return "", nil, 0, fmt.Errorf("user %q: %s hashes are not supported; use bcrypt (htpasswd -B)", user, scheme)
	}
	cost, err = bcrypt.Cost(h)
	if err != nil || len(h) != 60 {
		return "", nil, 0, fmt.Errorf("user %q: not a valid bcrypt hash", user)
	}
	if cost > maxCost {
		// Each check would take minutes to days (the cost is a power of
		// two), and so would making the dummy hash at start-up.
		return "", nil, 0, fmt.Errorf("user %q: bcrypt cost %d is over %d, htpasswd -C's limit", user, cost, maxCost)
	}
	return user, bytes.Clone(h), cost, nil
}

// hashScheme names the scheme of a hash that is not bcrypt, or returns ""
// for one that looks like bcrypt.
func hashScheme(h []byte) string {
	s := string(h)
	switch {
	case strings.HasPrefix(s, "$2y$"), strings.HasPrefix(s, "$2a$"), strings.HasPrefix(s, "$2b$"):
		return ""
	case strings.HasPrefix(s, "$apr1$"):
		return "$apr1$ (Apache MD5)"
	case strings.HasPrefix(s, "{SHA}"):
		return "{SHA} (SHA-1)"
	case strings.HasPrefix(s, "$1$"):
		return "$1$ (MD5 crypt)"
	case strings.HasPrefix(s, "$5$"), strings.HasPrefix(s, "$6$"):
		return "SHA-crypt"
	case strings.HasPrefix(s, "$2"):
		return "this bcrypt variant's"
	case strings.HasPrefix(s, "$"):
		return "this scheme's"
	}
	return "crypt or plain-text"
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 }

// Len returns the number of users.
func (u *Users) Len() int { return len(u.hashes) }

// verify reports whether password is user's. An unknown user costs one
// bcrypt comparison, as a known one does, so that the time taken does
// not tell whether a user exists.
func (u *Users) verify(user, password string) bool {
	hash, ok := u.hashes[user]
	if !ok {
		hash = u.dummy
	}
	if u.onCompare != nil {
		u.onCompare(!ok)
	}
	err := bcrypt.CompareHashAndPassword(hash, []byte(password))
	return ok && err == nil
}
