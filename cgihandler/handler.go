package cgihandler

import (
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/pyhttp/httpserver/access"
	"github.com/pyhttp/httpserver/internal/errorpage"
	"github.com/pyhttp/httpserver/internal/safepath"
)

// Defaults for the zero [Options].
const (
	DefaultTimeout      = 60 * time.Second
	DefaultMaxBodyBytes = 64 << 20
	DefaultUser         = "nobody"
)

// Options configure a Handler. The zero value is the safe default
// described in the package documentation. Error pages are not an option:
// they are Python's, or the page of a middleware.ErrorPages around the
// Handler.
type Options struct {
	// Dirs are the URL paths of the CGI directories under the served
	// root, like Python's cgi_directories. Each is cleaned; "/" is
	// ignored, as Python never matched it either. Default (nil):
	// /cgi-bin and /htbin.
	Dirs []string

	// Interpreters maps a file extension, with its dot (".py"; case is
	// ignored), to the command line that runs a script of that type
	// which lacks the executable bit; the script's path is appended. The
	// first word is looked up in the server's PATH. Default (nil): none,
	// so every script needs its executable bit and one without it is
	// answered 403 "CGI script is not executable", as Python does on
	// POSIX.
	//
	// The executable bit is the owner's consent that a file is a
	// program. An interpreter runs files nobody marked so: anything
	// copied, unpacked or uploaded into a CGI directory with that
	// extension becomes code the next request runs, as the script user.
	// Set it only when nothing but trusted programs can land there.
	Interpreters map[string][]string

	// InheritEnv names the server's environment variables that scripts
	// see, besides PATH. Default: none; Python passed its whole
	// environment, secrets included.
	InheritEnv []string

	// PassAuthorization passes the Authorization header to scripts as
	// HTTP_AUTHORIZATION. Default: withheld, as RFC 3875 §4.1.18 and
	// Apache advise, so credentials do not reach every script. Either
	// way, AUTH_TYPE and REMOTE_USER are set only for a user that an
	// authentication step in front verified (access.User, set by
	// access.Policy.BasicAuth), never from the header itself.
	PassAuthorization bool

	// Access, when not nil, is checked (as access.Read) before a script
	// is looked up: a request whose path has a denied name answers 404,
	// one that needs a user and has none 401. Default: nil, no rules.
	Access *access.Policy

	// Timeout bounds each CGI request, from reading a chunked body and
	// starting the script until its output has been sent; then the
	// script's whole process group is killed. Default (0):
	// [DefaultTimeout]. Negative: no timeout (a client disconnect still
	// kills the script).
	Timeout time.Duration

	// MaxBodyBytes bounds the request body; a larger one is answered
	// with 413. Default (0): [DefaultMaxBodyBytes]. Negative: no limit.
	MaxBodyBytes int64

	// User is the account scripts run as when the server runs as root,
	// as Python documents. Its primary group is used and supplementary
	// groups are dropped. If it cannot be looked up, scripts are not run
	// (500) rather than run as root. Default: [DefaultUser].
	User string

	// RunAsRoot lets scripts keep root when the server runs as root.
	// Default: false; they run as User.
	RunAsRoot bool

	// LocalRedirect serves a script's local redirect (a Location header
	// holding a path, RFC 3875 §6.2.2) as a GET of that path, without a
	// round trip to the client. The command passes its whole router, so
	// a script can hand over to a static file. Default (nil): the
	// Handler itself, which reaches only CGI scripts.
	LocalRedirect http.Handler

	// ServerSoftware is SERVER_SOFTWARE. Default: "pyhttp-httpserver".
	ServerSoftware string

	// ErrorLog receives script stderr lines, non-zero exits and errors
	// the client is not shown. Default: slog.Default().
	ErrorLog *slog.Logger
}

// Handler runs the CGI scripts below one directory. Build one with [New];
// it is immutable and safe for concurrent use.
//
// Handler trusts the operator, not the client: anyone who can write
// files or symlinks inside the CGI directories can run code as the
// script user. It does refuse scripts whose real path lies outside the
// root, but it checks that before exec, so it does not defend against a
// local user racing to swap a symlink.
type Handler struct {
	root       *os.Root // the served root, the caller's
	dir        string   // its path, absolute
	real       string   // its path, every symlink resolved
	rootErr    error    // why no script can be run, if the paths are bad
	dirs       []string // clean CGI directory paths, no trailing slash
	interp     map[string][]string
	inheritEnv []string
	passAuth   bool
	access     *access.Policy
	timeout    time.Duration
	maxBody    int64
	proc       procAttr
	local      http.Handler
	software   string
	log        *slog.Logger
	flushDelay time.Duration // flushDelay; tests may set another
}

// New returns a Handler for the CGI directories below root, the served
// root (Python's --directory): the same root a file server is given. The
// caller keeps root open for as long as the Handler is used; the Handler
// never closes it.
//
// Scripts are looked up through root, but exec'd by their OS path, so New
// resolves root.Name() to an absolute path, every symlink resolved, once:
// a relative name is taken from the current directory, and the directory
// must not be moved while the Handler is in use. If that path does not
// lead to root's directory, every CGI request is answered 500 and the
// reason logged; if the directory is gone, 404. New does not fail: a
// script user that cannot be looked up is reported per request too (500).
func New(root *os.Root, opts Options) *Handler {
	dir, real, rootErr := rootPaths(root)
	h := &Handler{
		root:       root,
		dir:        dir,
		real:       real,
		rootErr:    rootErr,
		inheritEnv: append([]string(nil), opts.InheritEnv...),
		passAuth:   opts.PassAuthorization,
		access:     opts.Access,
		timeout:    opts.Timeout,
		maxBody:    opts.MaxBodyBytes,
		local:      opts.LocalRedirect,
		software:   opts.ServerSoftware,
		log:        opts.ErrorLog,
	}
	dirs := opts.Dirs
	if dirs == nil {
		dirs = []string{"/cgi-bin", "/htbin"}
	}
	for _, d := range dirs {
		c, ok := safepath.Clean(d)
		c = strings.TrimSuffix(c, "/")
		if ok && c != "" {
			h.dirs = append(h.dirs, c)
		}
	}
	for ext, argv := range opts.Interpreters {
		if len(argv) > 0 {
			if h.interp == nil {
				h.interp = make(map[string][]string, len(opts.Interpreters))
			}
			h.interp[strings.ToLower(ext)] = append([]string(nil), argv...)
		}
	}
	if h.timeout == 0 {
		h.timeout = DefaultTimeout
	}
	if h.maxBody == 0 {
		h.maxBody = DefaultMaxBodyBytes
	}
	user := opts.User
	if user == "" {
		user = DefaultUser
	}
	h.proc = newProcAttr(user, opts.RunAsRoot)
	if h.software == "" {
		h.software = "pyhttp-httpserver"
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	h.flushDelay = flushDelay
	return h
}

// Match reports whether r is a CGI request: whether its decoded path,
// collapsed like Python's _url_collapse_path ("." and ".." resolved,
// never above the root, repeated slashes merged), lies below a CGI
// directory. /cgi-bin matches /cgi-bin/ and /cgi-bin/x, never /cgi-binx.
//
// The CGI directory itself without its slash (/cgi-bin) does not match,
// as in Python, whose is_cgi wants a "/" after the directory: it names no
// script, and a router hands it to the file server, which redirects it to
// cgi-bin/ as it does any directory. cgi-bin/ matches, and is answered
// 403.
//
// Case is ignored (ASCII letters only), so that /CGI-BIN/x.sh is a CGI
// request too: on a case-insensitive file system it names the script.
//
// ServeHTTP decides with this very function, so a router that sends a
// request to the Handler exactly when Match is true, and to a file server
// otherwise, can never serve a script's source, however its URL is
// spelled (/cgi-bin%2fx.sh, /%2e/cgi-bin/x.sh, //cgi-bin/x.sh,
// /cgi-bin/./x.sh; CVE-2011-1015, CVE-2014-4650).
func (h *Handler) Match(r *http.Request) bool {
	_, _, ok := h.match(r.URL.Path)
	return ok
}

// match returns the clean path and the CGI directory it lies below. For
// the CGI directory itself, without its slash, it returns that directory
// as dir with ok false: not a CGI request, but one [Handler.ServeHTTP]
// redirects.
//
// The comparison ignores ASCII case, where Python's did not: on a
// case-insensitive file system (macOS, Windows) /CGI-BIN/x.sh names the
// script, and a case-sensitive match would hand it to the file server,
// source and all. The clean path is returned spelled with the configured
// directory, which is what SCRIPT_NAME shows and what is looked up.
func (h *Handler) match(p string) (clean, dir string, ok bool) {
	clean, ok = safepath.Clean(p)
	if !ok {
		return "", "", false
	}
	bare := ""
	for _, d := range h.dirs {
		if len(clean) < len(d) || !equalFoldASCII(clean[:len(d)], d) {
			continue
		}
		if len(clean) == len(d) {
			bare = d // unless it lies below another CGI directory
			continue
		}
		if clean[len(d)] == '/' {
			if clean[:len(d)] != d {
				clean = d + clean[len(d):]
			}
			return clean, d, true
		}
	}
	return "", bare, false
}

// equalFoldASCII is strings.EqualFold for ASCII letters only: simple,
// and byte-aligned, so a prefix can be compared by length.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// ServeHTTP runs the script that r names. A request that [Handler.Match]
// rejects is answered 404 "No such CGI script", except one for a CGI
// directory itself without its slash, answered as the command's file
// server and Python answer it: GET and HEAD with a redirect to the
// directory with its slash, POST with 501 "Can only POST to CGI scripts",
// other methods with 501 "Unsupported method".
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := h.serve(w, r); err != nil {
		errorpage.Fail(w, r, h.log, err)
	}
}

// serve answers r, or returns the error to answer it with if no response
// has begun.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request) error {
	clean, dir, ok := h.match(r.URL.Path)
	if !ok {
		if dir != "" {
			return h.serveDir(w, r)
		}
		return errNoScript
	}
	if err := h.access.Check(w, r, safepath.Name(clean), access.Read); err != nil {
		return err
	}
	s, err := h.resolve(clean, dir)
	if err != nil {
		return err
	}
	return h.run(w, r, s)
}

// serveDir answers a request for a CGI directory without its slash.
func (h *Handler) serveDir(w http.ResponseWriter, r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		safepath.RedirectToDir(w, r)
		return nil
	case http.MethodPost:
		return errorpage.Errorf(http.StatusNotImplemented, "Can only POST to CGI scripts", nil)
	}
	return errorpage.Errorf(http.StatusNotImplemented, "Unsupported method ('"+r.Method+"')", nil)
}

// Client-facing messages, Python's without the script name: the page
// should not echo paths back.
const (
	msgNoScript      = "No such CGI script"
	msgNotPlain      = "CGI script is not a plain file"
	msgNotExecutable = "CGI script is not executable"
)

var errNoScript = errorpage.Errorf(http.StatusNotFound, msgNoScript, nil)
