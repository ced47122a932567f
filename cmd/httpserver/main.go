// Command httpserver serves a directory over HTTP like python -m http.server,
// with the same command line:
//
//	httpserver [-h] [-b ADDRESS] [-d DIRECTORY] [port]
//
// It serves the current directory on port 8000 of every interface, prints
// "Serving HTTP on HOST port PORT (http://HOST:PORT/) ..." and logs one
// line per request on stderr, in Python's format. Unlike Python it never
// serves a file outside the directory, not even through a symlink, and
// answers byte ranges and conditional requests. Ctrl-C stops it after the
// requests under way have finished.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	interrupts := make(chan os.Signal, 2)
	signal.Notify(interrupts, os.Interrupt, syscall.SIGTERM)
	err := run(interrupts, os.Args[1:], os.Stdout, os.Stderr)
	signal.Stop(interrupts)
	switch code := exitCode(err); {
	case err == nil:
	case errors.Is(err, errInterrupted):
		os.Exit(code)
	case code == 2: // a usage error carries argparse's whole message
		fmt.Fprintln(os.Stderr, err)
		os.Exit(code)
	default:
		fmt.Fprintf(os.Stderr, "httpserver: %v\n", err)
		os.Exit(code)
	}
}
