package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/spf13/pflag"

	"github.com/pyhttp/httpserver/fileserver"
	"github.com/pyhttp/httpserver/middleware"
)

// version is the command's version, sent in the Server header.
const version = "0.1.0"

// shutdownGrace bounds how long requests under way may take to finish
// once the server is told to stop.
const shutdownGrace = 10 * time.Second

// config is the parsed command line.
type config struct {
	port      int
	bind      string
	directory string
}

// usageError is a mistake on the command line: exit status 2, as argparse.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var u *usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

// errHelp is returned after -h has printed the help: exit status 0.
var errHelp = errors.New("help requested")

const usageLine = "usage: httpserver [-h] [-b ADDRESS] [-d DIRECTORY] [port]"

func parseArgs(args []string, stdout io.Writer) (config, error) {
	cfg := config{port: 8000}
	fl := pflag.NewFlagSet("httpserver", pflag.ContinueOnError)
	fl.SetOutput(io.Discard)
	fl.SortFlags = false
	fl.StringVarP(&cfg.bind, "bind", "b", "", "bind to this address (default: all interfaces)")
	fl.StringVarP(&cfg.directory, "directory", "d", "", "serve this directory (default: current directory)")
	help := fl.BoolP("help", "h", false, "show this help message and exit")
	if err := fl.Parse(args); err != nil {
		return cfg, &usageError{usageLine + "\nhttpserver: error: " + err.Error()}
	}
	if *help {
		fmt.Fprintf(stdout, "%s\n\npositional arguments:\n  port                  bind to this port (default: 8000)\n\noptions:\n%s", usageLine, fl.FlagUsages())
		return cfg, errHelp
	}
	switch rest := fl.Args(); len(rest) {
	case 0:
	case 1:
		p, err := strconv.Atoi(rest[0])
		if err != nil {
			return cfg, &usageError{fmt.Sprintf("%s\nhttpserver: error: argument port: invalid int value: %q", usageLine, rest[0])}
		}
		if p < 0 || p > 65535 {
			return cfg, &usageError{fmt.Sprintf("%s\nhttpserver: error: argument port: %d is not a port number (0-65535)", usageLine, p)}
		}
		cfg.port = p
	default:
		return cfg, &usageError{fmt.Sprintf("%s\nhttpserver: error: unrecognized arguments: %v", usageLine, rest[1:])}
	}
	if cfg.directory == "" {
		cfg.directory = "."
	}
	return cfg, nil
}

// run is the whole command: it parses args, serves until ctx is done,
// then lets the requests under way finish. The banner goes to stdout and
// the access log to stderr, as in Python.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseArgs(args, stdout)
	if errors.Is(err, errHelp) {
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

	ln, err := net.Listen("tcp", net.JoinHostPort(cfg.bind, strconv.Itoa(cfg.port)))
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", net.JoinHostPort(cfg.bind, strconv.Itoa(cfg.port)), unwrapOp(err))
	}

	files := fileserver.New(root.FS(), fileserver.Options{})
	accessLog := middleware.NewAccessLog(stderr, middleware.AccessLogOptions{})
	handler := accessLog.Handler(
		middleware.ServerHeader(middleware.ServerVersion("httpserver", version))(
			middleware.Recover(nil)(files)))

	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          log.New(stderr, "", 0),
	}
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	fmt.Fprintf(stdout, "Serving HTTP on %s port %s (http://%s/) ...\n", host, port, net.JoinHostPort(host, port))

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "\nKeyboard interrupt received, exiting.")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close()
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
