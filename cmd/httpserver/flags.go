package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/pyhttp/httpserver/cgihandler"
	"github.com/pyhttp/httpserver/listing"
	"github.com/pyhttp/httpserver/middleware"
)

// config is the parsed command line.
type config struct {
	port            int
	bind            string
	directory       string
	cgi             bool
	cgiDirs         []string
	cgiEnv          []string
	cgiTimeout      time.Duration
	cgiMaxBody      int64
	protocol        string // "HTTP/1.0" or "HTTP/1.1"
	tlsCert         string
	tlsKey          string
	tlsPasswordFile string
	h2c             bool
	headers         http.Header // --header, in order given
	logFormat       middleware.LogFormat
	quiet           bool
	noListing       bool
	hideDotfiles    bool
	contentETags    bool
	listing         listing.Format
	dirsFirst       bool

	readHeaderTimeout time.Duration
	idleTimeout       time.Duration
	maxHeaderBytes    int
	shutdownGrace     time.Duration
}

// usageError is a mistake on the command line: exit status 2, as argparse.
type usageError struct{ msg string }

func (e *usageError) Error() string { return usageLine + "\nhttpserver: error: " + e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

func exitCode(err error) int {
	var u *usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

// errHelp and errVersion end the command successfully after printing.
var (
	errHelp    = errors.New("help requested")
	errVersion = errors.New("version requested")
)

const usageLine = "usage: httpserver [-h] [--cgi] [-b ADDRESS] [-d DIRECTORY] [-p VERSION] [--tls-cert PATH] [--tls-key PATH] [--tls-password-file PATH] [--header NAME:VALUE] [options] [port]"

func parseArgs(args []string, stdout io.Writer) (config, error) {
	cfg := config{port: 8000}
	var headers []string
	var logFormat, etag, listingFormat string
	fl := pflag.NewFlagSet("httpserver", pflag.ContinueOnError)
	fl.SetOutput(io.Discard)
	fl.SortFlags = false
	help := fl.BoolP("help", "h", false, "show this help message and exit")
	fl.BoolVar(&cfg.cgi, "cgi", false, "run scripts in /cgi-bin and /htbin as CGI programs")
	fl.StringArrayVar(&cfg.cgiDirs, "cgi-dir", nil, "with --cgi: a URL path of a CGI directory, instead of /cgi-bin and /htbin (repeatable)")
	fl.StringArrayVar(&cfg.cgiEnv, "cgi-env", nil, "with --cgi: pass this environment variable of the server's to scripts (repeatable; PATH always is)")
	fl.DurationVar(&cfg.cgiTimeout, "cgi-timeout", cgihandler.DefaultTimeout, "with --cgi: kill a script that runs longer")
	fl.Int64Var(&cfg.cgiMaxBody, "cgi-max-body", cgihandler.DefaultMaxBodyBytes, "with --cgi: largest request body passed to a script, in bytes (413 beyond)")
	fl.StringVarP(&cfg.bind, "bind", "b", "", "bind to this address (default: all interfaces, IPv4 and IPv6)")
	fl.StringVarP(&cfg.directory, "directory", "d", ".", "serve this directory")
	fl.StringVarP(&cfg.protocol, "protocol", "p", "HTTP/1.1", "conform to this HTTP version: HTTP/1.0 closes every connection, as Python's default does")
	fl.StringVar(&cfg.tlsCert, "tls-cert", "", "serve HTTPS with this PEM certificate chain (it may hold the key too)")
	fl.StringVar(&cfg.tlsKey, "tls-key", "", "the PEM private key for --tls-cert (default: in the certificate file)")
	fl.StringVar(&cfg.tlsPasswordFile, "tls-password-file", "", "read the password of an encrypted --tls-key from this file")
	fl.BoolVar(&cfg.h2c, "h2c", false, "also accept HTTP/2 without TLS (prior knowledge)")
	fl.StringArrayVar(&headers, "header", nil, "add 'Name: value' to every response (repeatable), e.g. for CORS or caching")
	fl.StringVar(&logFormat, "log-format", "python", "access log format: python, common, combined or json")
	fl.BoolVarP(&cfg.quiet, "quiet", "q", false, "write no access log")
	fl.BoolVar(&cfg.noListing, "no-listing", false, "answer 404 for a directory without an index file instead of listing it")
	fl.StringVar(&listingFormat, "listing", "modern", "directory listing page: modern (sizes, dates, sorting, JSON) or python (CPython's page, byte for byte)")
	fl.BoolVar(&cfg.dirsFirst, "dirs-first", false, "list directories before files")
	fl.BoolVar(&cfg.hideDotfiles, "hide-dotfiles", false, "answer 404 for paths with a dot-element (.git, .env) and leave them out of listings")
	fl.StringVar(&etag, "etag", "mtime", "ETags from the file's modification time and size (mtime), or from a hash of its content (content), which replicas serving the same bytes agree on")
	fl.DurationVar(&cfg.readHeaderTimeout, "read-header-timeout", 10*time.Second, "close connections that take longer to send request headers (slowloris)")
	fl.DurationVar(&cfg.idleTimeout, "idle-timeout", 30*time.Second, "close keep-alive connections idle for longer")
	fl.IntVar(&cfg.maxHeaderBytes, "max-header-bytes", 1<<20, "largest request line plus headers accepted (431 beyond)")
	fl.DurationVar(&cfg.shutdownGrace, "shutdown-grace", 10*time.Second, "on SIGINT or SIGTERM, how long requests under way may take to finish")
	version := fl.Bool("version", false, "print the version and exit")

	if err := fl.Parse(args); err != nil {
		return cfg, usagef("%v", err)
	}
	if *help {
		writeHelp(stdout, fl)
		return cfg, errHelp
	}
	if *version {
		fmt.Fprintln(stdout, "httpserver", versionString())
		return cfg, errVersion
	}
	switch rest := fl.Args(); len(rest) {
	case 0:
	case 1:
		p, err := strconv.Atoi(rest[0])
		if err != nil {
			return cfg, usagef("argument port: invalid int value: %q", rest[0])
		}
		if p < 0 || p > 65535 {
			return cfg, usagef("argument port: %d is not a port number (0-65535)", p)
		}
		cfg.port = p
	default:
		return cfg, usagef("unrecognized arguments: %s", strings.Join(rest[1:], " "))
	}
	switch cfg.protocol {
	case "HTTP/1.0", "HTTP/1.1":
	default:
		return cfg, usagef("argument -p/--protocol: %q is not HTTP/1.0 or HTTP/1.1", cfg.protocol)
	}
	if cfg.tlsCert == "" && (cfg.tlsKey != "" || cfg.tlsPasswordFile != "") {
		// Python's wording: these only mean something with a certificate.
		return cfg, usagef("--tls-key and --tls-password-file require --tls-cert to be set")
	}
	if cfg.directory == "" {
		return cfg, usagef("argument -d/--directory: expected a directory")
	}
	f, err := middleware.ParseLogFormat(logFormat)
	if err != nil {
		return cfg, usagef("argument --log-format: %q is not python, common, combined or json", logFormat)
	}
	cfg.logFormat = f
	switch listingFormat {
	case "modern":
	case "python":
		cfg.listing = listing.Python
	default:
		return cfg, usagef("argument --listing: %q is not modern or python", listingFormat)
	}
	switch etag {
	case "mtime":
	case "content":
		cfg.contentETags = true
	default:
		return cfg, usagef("argument --etag: %q is not mtime or content", etag)
	}
	cfg.headers = make(http.Header)
	for _, h := range headers {
		name, value, ok := strings.Cut(h, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || !validHeaderName(name) || !validHeaderValue(value) {
			return cfg, usagef("argument --header: %q is not 'Name: value'", h)
		}
		cfg.headers.Add(name, value)
	}
	if !cfg.cgi && (len(cfg.cgiDirs) > 0 || len(cfg.cgiEnv) > 0 || fl.Changed("cgi-timeout") || fl.Changed("cgi-max-body")) {
		return cfg, usagef("--cgi-dir, --cgi-env, --cgi-timeout and --cgi-max-body require --cgi")
	}
	for _, d := range cfg.cgiDirs {
		if !strings.HasPrefix(d, "/") || d == "/" {
			return cfg, usagef("argument --cgi-dir: %q is not a URL path below /, like /cgi-bin", d)
		}
	}
	if cfg.cgiTimeout <= 0 || cfg.cgiMaxBody <= 0 {
		return cfg, usagef("--cgi-timeout and --cgi-max-body must be positive")
	}
	if cfg.readHeaderTimeout <= 0 || cfg.idleTimeout <= 0 || cfg.shutdownGrace < 0 {
		return cfg, usagef("timeouts must be positive")
	}
	if cfg.maxHeaderBytes < 4096 {
		return cfg, usagef("argument --max-header-bytes: %d is below 4096", cfg.maxHeaderBytes)
	}
	return cfg, nil
}

// metavars name option arguments in the help, as argparse's metavar does.
var metavars = map[string]string{
	"bind": "ADDRESS", "directory": "DIRECTORY", "protocol": "VERSION",
	"tls-cert": "PATH", "tls-key": "PATH", "tls-password-file": "PATH",
	"header": "'NAME: VALUE'", "log-format": "FORMAT", "etag": "mtime|content", "listing": "modern|python",
	"read-header-timeout": "DURATION", "idle-timeout": "DURATION", "shutdown-grace": "DURATION",
	"max-header-bytes": "N", "cgi-dir": "PATH", "cgi-env": "NAME", "cgi-timeout": "DURATION", "cgi-max-body": "BYTES",
}

// writeHelp prints help shaped like argparse's: each option, its
// argument's name, its text and its default.
func writeHelp(w io.Writer, fl *pflag.FlagSet) {
	fmt.Fprintf(w, "%s\n\nServe a directory over HTTP, like python -m http.server.\n\n", usageLine)
	fmt.Fprintf(w, "positional arguments:\n  %-30s %s\n\noptions:\n", "port", "bind to this port (default: 8000; 0 picks a free one)")
	fl.VisitAll(func(f *pflag.Flag) {
		name := "--" + f.Name
		if f.Shorthand != "" {
			name = "-" + f.Shorthand + ", " + name
		}
		if mv, ok := metavars[f.Name]; ok {
			name += " " + mv
		}
		usage := f.Usage
		if f.Value.Type() != "bool" && f.DefValue != "" && f.DefValue != "[]" {
			usage += " (default: " + f.DefValue + ")"
		}
		if len(name) > 30 {
			fmt.Fprintf(w, "  %s\n  %-30s %s\n", name, "", usage)
			return
		}
		fmt.Fprintf(w, "  %-30s %s\n", name, usage)
	})
}

// validHeaderName reports whether s is an RFC 9110 token.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// validHeaderValue refuses control characters, so --header can never
// split a response.
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
