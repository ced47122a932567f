package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"os"
	"runtime"
	"strconv"

	"github.com/pyhttp/httpserver/internal/app"
	"github.com/pyhttp/httpserver/internal/logwriter"
	"github.com/pyhttp/httpserver/internal/tlsconfig"
	"github.com/pyhttp/httpserver/middleware"
)

// version is the command's version, sent in the Server header.
const version = "0.1.0"

// serverSoftware is the Server header and CGI's SERVER_SOFTWARE, shaped
// like Python's version_string(): "httpserver/0.1.0 Go/1.26.8".
var serverSoftware = middleware.ServerVersion("httpserver", version)

func versionString() string { return version + " (" + runtime.Version() + ")" }

// run is the whole command: it parses args, serves until ctx is done,
// then lets the requests under way finish. The banner goes to stdout and
// the access log to stderr, as in Python.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
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

	addr := net.JoinHostPort(cfg.bind, strconv.Itoa(cfg.port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", addr, unwrapOp(err))
	}
	ln = app.Listener(ln, tlsConf != nil)

	// Every log line (access, errors, net/http's own) goes through one
	// logwriter: a request does not wait for a write(2), and the lines
	// stay in order. Closing it on the way out writes what is pending.
	logw := logwriter.New(stderr)
	defer logw.Close()
	errLog := slog.New(slog.NewTextHandler(logw, nil))
	srv := app.Server(cfg.Config, app.Handler(cfg.Config, root, errLog, logw), log.New(logw, "", 0), tlsConf)

	scheme := "http"
	if tlsConf != nil {
		scheme = "https"
	}
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	fmt.Fprintf(stdout, "Serving %s on %s port %s (%s://%s/) ...\n",
		map[string]string{"http": "HTTP", "https": "HTTPS"}[scheme], host, port, scheme, net.JoinHostPort(host, port))

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
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "\nKeyboard interrupt received, exiting.")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close() // the grace period is over: cut what is left
	}
	return nil
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
