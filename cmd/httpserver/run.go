package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pyhttp/httpserver/access"
	"github.com/pyhttp/httpserver/internal/app"
	"github.com/pyhttp/httpserver/internal/logwriter"
	"github.com/pyhttp/httpserver/internal/tlsconfig"
	"github.com/pyhttp/httpserver/livereload"
	"github.com/pyhttp/httpserver/middleware"
)

// version is the command's version, sent in the Server header.
const version = "0.1.0"

// serverSoftware is the Server header and CGI's SERVER_SOFTWARE, shaped
// like Python's version_string(): "httpserver/0.1.0 Go/1.26.8".
var serverSoftware = middleware.ServerVersion("httpserver", version)

func versionString() string { return version + " (" + runtime.Version() + ")" }

// errInterrupted ends the command when a second interrupt cut the
// requests under way short: exit status 130, as a shell reports SIGINT.
var errInterrupted = errors.New("interrupted")

// run is the whole command: it parses args and serves until interrupts
// delivers (main passes SIGINT and SIGTERM; nil never does). The first
// lets the requests under way finish, within --shutdown-grace; a second
// closes every connection at once and run returns errInterrupted. The
// banner goes to stdout and the access log to stderr, as in Python.
func run(interrupts <-chan os.Signal, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseArgs(args, stdout)
	if errors.Is(err, errHelp) || errors.Is(err, errVersion) {
		return nil
	}
	if err != nil {
		return err
	}

	root, err := os.OpenRoot(cfg.directory)
	if err != nil {
		return fmt.Errorf("cannot serve directory %q: %w", cfg.directory, unwrapPath(err))
	}
	defer root.Close()

	var tlsConf *tls.Config
	if cfg.tlsCert != "" {
		var password []byte
		if cfg.tlsPasswordFile != "" {
			if password, err = tlsconfig.ReadPassword(cfg.tlsPasswordFile); err != nil {
				return err
			}
		}
		if tlsConf, err = tlsconfig.Load(cfg.tlsCert, cfg.tlsKey, password); err != nil {
			return err
		}
	}

	if cfg.authFile != "" {
		if cfg.Users, err = loadUsers(cfg.authFile); err != nil {
			return err
		}
		if rel, ok := inside(cfg.directory, cfg.authFile); ok && !cfg.Access.Denied(rel) {
			return fmt.Errorf("--auth-file: %s is inside the served directory, where clients could download its hashes; move it out, or add --deny %s", cfg.authFile, rel)
		}
	}

	addr := net.JoinHostPort(cfg.bind, strconv.Itoa(cfg.port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", addr, unwrapOp(err))
	}
	var selfCert *x509.Certificate
	if cfg.tlsSelfSigned {
		// Made once listening: the certificate names the address bound.
		if tlsConf, err = makeSelfSigned(cfg.bind, ln.Addr(), time.Now()); err != nil {
			ln.Close()
			return err
		}
		selfCert = tlsConf.Certificates[0].Leaf
	}
	cfg.GuardHosts = guardHosts(ln.Addr(), cfg.AllowedHosts)
	for _, w := range warnings(cfg, ln.Addr(), tlsConf != nil) {
		fmt.Fprintln(stderr, "httpserver: warning:", w)
	}
	ln = app.Listener(ln, tlsConf != nil)

	// Every log line (access, errors, net/http's own) goes through one
	// logwriter: a request does not wait for a write(2), and the lines
	// stay in order. Closing it on the way out writes what is pending.
	logw := logwriter.New(stderr)
	defer logw.Close()
	errLog := slog.New(slog.NewTextHandler(logw, nil))
	if cfg.liveReload {
		lr, err := livereload.New(root.Name(), livereload.Options{ErrorLog: errLog})
		if err != nil {
			ln.Close()
			return fmt.Errorf("--live-reload: cannot watch %q: %w", cfg.directory, err)
		}
		defer lr.Close()
		cfg.LiveReload = lr
	}
	var inflight atomic.Int64
	h := app.Handler(cfg.Config, root, errLog, logw)
	srv := app.Server(cfg.Config, counted(h, &inflight), log.New(logw, "", 0), tlsConf)
	if cfg.LiveReload != nil {
		// Open streams must not hold Shutdown for its grace period.
		srv.RegisterOnShutdown(func() { cfg.LiveReload.Close() })
	}

	writeBanner(stdout, cfg, ln.Addr(), tlsConf != nil)
	writeShare(stdout, cfg, ln.Addr(), selfCert)
	served := make(chan error, 1)
	go func() {
		if tlsConf != nil {
			served <- srv.ServeTLS(ln, "", "")
		} else {
			served <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-served:
		return err
	case <-interrupts:
	}
	return shutdown(srv, interrupts, &inflight, cfg.shutdownGrace, stdout)
}

// loadUsers reads --auth-file.
func loadUsers(name string) (*access.Users, error) {
	u, err := access.LoadHtpasswd(name)
	if err != nil {
		return nil, fmt.Errorf("--auth-file: %w", err)
	}
	return u, nil
}

// inside reports whether file is inside dir, once symlinks are resolved,
// and returns its fs name there.
func inside(dir, file string) (string, bool) {
	d, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", false
	}
	f, err := filepath.EvalSymlinks(file)
	if err != nil {
		return "", false
	}
	if d, err = filepath.Abs(d); err != nil {
		return "", false
	}
	if f, err = filepath.Abs(f); err != nil {
		return "", false
	}
	rel, err := filepath.Rel(d, f)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// guardHosts reports whether the DNS-rebinding guard is on for a server
// listening on addr: when that is a loopback address (what -b 127.0.0.1,
// -b ::1 or -b localhost give), or when --allowed-host named hosts, and
// never when one of them is "*". Bound to every interface or to another
// address, the server is meant to be reached by other names, which only
// the user knows.
func guardHosts(addr net.Addr, allowed []string) bool {
	if slices.Contains(allowed, "*") {
		return false
	}
	if len(allowed) > 0 {
		return true
	}
	a, ok := addr.(*net.TCPAddr)
	return ok && a.AddrPort().Addr().Unmap().IsLoopback()
}

// counted counts the requests under way in n, for the shutdown message.
func counted(h http.Handler, n *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		defer n.Add(-1)
		h.ServeHTTP(w, r)
	})
}

// shutdown stops srv after the first interrupt: it stops accepting, and
// lets the inflight requests finish within grace, or until a second
// interrupt, which closes every connection at once.
func shutdown(srv *http.Server, interrupts <-chan os.Signal, inflight *atomic.Int64, grace time.Duration, stdout io.Writer) error {
	fmt.Fprintln(stdout, "\nKeyboard interrupt received, exiting.")
	if n := inflight.Load(); n > 0 && grace > 0 {
		fmt.Fprintf(stdout, "waiting for %d %s to finish (up to %v); press Ctrl-C again to stop now\n",
			n, plural(n, "request", "requests"), grace)
	}
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- srv.Shutdown(ctx) }()
	select {
	case err := <-done:
		if err != nil {
			srv.Close() // the grace period is over: cut what is left
		}
		return nil
	case <-interrupts:
		srv.Close()
		return errInterrupted
	}
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// unwrapPath drops the *PathError wrapper, whose path the message already
// names.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// unwrapOp reduces a *net.OpError to its cause ("address already in use").
func unwrapOp(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) {
		var se *os.SyscallError
		if errors.As(oe.Err, &se) {
			return se.Err
		}
		return oe.Err
	}
	return err
}
