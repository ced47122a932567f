package access

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/pyhttp/httpserver/internal/errorpage"
)

// BasicAuth returns middleware that authenticates requests with HTTP
// Basic credentials (RFC 7617) checked against users, and passes them on
// with the user in their context ([WithUser]), where p's [Policy.Check]
// and the access log find it. users must not be nil. A nil p means
// New(Options{}): the default realm and no rules.
//
//   - A request with an Authorization header must carry the Basic
//     credentials of one of users, or it gets 401 with p's challenge:
//     wrong credentials never go on as anonymous, whatever the scope.
//     Another scheme, a second Authorization field, bad base64, a
//     missing ":", invalid UTF-8, a control character, a password over
//     bcrypt's 72 bytes, or a header over 1 KiB all count as wrong.
//   - A request without one goes on anonymously, for Check to decide,
//     except when p's scope is [Everyone]: then it gets 401 here, before
//     any handler, so that no entry point (one that does not call
//     Check, such as live reload's) can be reached anonymously.
//
// The password is split from the user at the first ":", so a password
// may contain ":" (a user name may not, RFC 7617 §2). An unknown user
// costs the same bcrypt comparison as a known one. Verified credentials
// are remembered for a few minutes, keyed by a SHA-256 of the header,
// never the password itself, so that a client sending the same header
// on every request pays bcrypt's cost (2 ms at htpasswd -B's default
// cost 5, 60 ms at cost 10) once, even for requests sent at the same
// time; a failure is never remembered. Each call of BasicAuth has its own
// cache.
//
// The 401 answer is the same short error page as the module's other
// errors, and never repeats the header. Basic credentials are sent in
// clear text: serve them over TLS.
func (p *Policy) BasicAuth(users *Users) func(http.Handler) http.Handler {
	if users == nil {
		panic("access: BasicAuth with nil users")
	}
	if p == nil {
		p, _ = New(Options{})
	}
	return newBasicAuth(users, p, cacheSize, cacheTTL).handler
}

func newBasicAuth(users *Users, p *Policy, size int, ttl time.Duration) *basicAuth {
	return &basicAuth{users: users, policy: p, cache: newCredCache(size, ttl), inflight: make(map[[sha256.Size]byte]*check)}
}

const (
	// maxAuthorization bounds the Authorization value that is decoded: a
	// user name and bcrypt's 72 bytes of password fit many times over.
	maxAuthorization = 1024
	// maxPassword is bcrypt's limit; it ignores what follows, so a longer
	// password would be accepted for its first 72 bytes alone.
	maxPassword = 72
	cacheSize   = 1024
	cacheTTL    = 5 * time.Minute
)

type basicAuth struct {
	users  *Users
	policy *Policy
	cache  *credCache

	// inflight holds the checks under way, by the header's SHA-256, so
	// that the requests a browser sends at once on its first few
	// connections wait for one bcrypt comparison instead of each making
	// their own.
	mu       sync.Mutex
	inflight map[[sha256.Size]byte]*check
}

// check is one bcrypt comparison under way; done is closed when user
// and ok are set.
type check struct {
	done chan struct{}
	user string
	ok   bool
}

func (a *basicAuth) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		values := r.Header.Values("Authorization")
		if len(values) == 0 {
			if a.policy.scope == Everyone {
				a.refuse(w, r)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		user, ok := "", false
		if len(values) == 1 {
			user, ok = a.authenticate(values[0])
		}
		if !ok {
			a.refuse(w, r)
			return
		}
		next.ServeHTTP(w, r.WithContext(WithUser(r.Context(), user)))
	})
}

// authenticate returns the user whose Basic credentials header is.
func (a *basicAuth) authenticate(header string) (string, bool) {
	if len(header) > maxAuthorization {
		return "", false
	}
	key := sha256.Sum256([]byte(header))
	if user, ok := a.cache.get(key); ok {
		return user, true
	}
	a.mu.Lock()
	if c, ok := a.inflight[key]; ok {
		a.mu.Unlock()
		<-c.done // bounded by one bcrypt comparison
		return c.user, c.ok
	}
	c := &check{done: make(chan struct{})}
	a.inflight[key] = c
	a.mu.Unlock()

	user, password, ok := parseBasic(header)
	if ok && a.users.verify(user, password) {
		c.user, c.ok = user, true
		a.cache.put(key, user)
	}
	a.mu.Lock()
	delete(a.inflight, key)
	a.mu.Unlock()
	close(c.done)
	return c.user, c.ok
}

func (a *basicAuth) refuse(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("WWW-Authenticate", a.policy.challenge)
	errorpage.Write(w, r, http.StatusUnauthorized, "")
}

// parseBasic returns the user and password of a Basic Authorization
// value (RFC 7617): the scheme in any case, one space, the base64 of
// "user:password" split at the first ":". It refuses an empty user, a
// password over 72 bytes, invalid UTF-8 and control characters.
func parseBasic(header string) (user, password string, ok bool) {
	const prefix = "Basic "
	if len(header) < len(prefix) || !strings.EqualFold(header[:len(prefix)], prefix) {
		return "", "", false
	}
	decoded, err := base64.StdEncoding.DecodeString(header[len(prefix):])
	if err != nil {
		return "", "", false
	}
	s := string(decoded)
	user, password, ok = strings.Cut(s, ":")
	if !ok || user == "" || len(password) > maxPassword || !utf8.ValidString(s) || strings.ContainsFunc(s, isControl) {
		return "", "", false
	}
	return user, password, true
}

// credCache remembers verified Authorization values, by their SHA-256,
// for ttl, up to size of them.
type credCache struct {
	mu      sync.RWMutex
	entries map[[sha256.Size]byte]credEntry
	size    int
	ttl     time.Duration
	now     func() time.Time
}

type credEntry struct {
	user    string
	expires time.Time
}

func newCredCache(size int, ttl time.Duration) *credCache {
	return &credCache{entries: make(map[[sha256.Size]byte]credEntry), size: size, ttl: ttl, now: time.Now}
}

func (c *credCache) get(key [sha256.Size]byte) (string, bool) {
	c.mu.RLock()
	e, ok := c.entries[key]
	c.mu.RUnlock()
	if !ok || !c.now().Before(e.expires) {
		return "", false
	}
	return e.user, true
}

// put remembers key for user. When the cache is full, the expired entries
// go first, then an arbitrary one: the map's iteration order is random,
// so a client cannot choose what it pushes out.
func (c *credCache) put(key [sha256.Size]byte, user string) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.size {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
		for k := range c.entries {
			if len(c.entries) < c.size {
				break
			}
			delete(c.entries, k)
		}
	}
	c.entries[key] = credEntry{user: user, expires: now.Add(c.ttl)}
}
