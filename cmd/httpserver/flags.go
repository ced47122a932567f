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

	"github.com/pyhttp/httpserver/internal/app"
	"github.com/pyhttp/httpserver/listing"
)

// config is the parsed command line: what is served and how (app.Config),
// and what only the command itself uses.
type config struct {
	app.Config
	port            int
	bind            string
	directory       string
	tlsCert         string
	tlsKey          string
	tlsPasswordFile string
	shutdownGrace   time.Duration
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

// flagValues holds the flags that are checked and converted after
// parsing, and help and version.
type flagValues struct {
	headers                        []string
	logFormat, etag, listingFormat string
	help, version                  bool
}

// newFlagSet defines every option, bound to cfg and v, in the order the
// help lists them.
func newFlagSet(cfg *config, v *flagValues) *pflag.FlagSet {
	d := app.Defaults()
	fl := pflag.NewFlagSet("httpserver", pflag.ContinueOnError)
	fl.SetOutput(io.Discard)
	fl.SortFlags = false
	fl.BoolVarP(&v.help, "help", "h", false, "show this help message and exit")
	fl.BoolVar(&cfg.CGI, "cgi", false, "run scripts in /cgi-bin and /htbin as CGI programs")
	fl.StringArrayVar(&cfg.CGIDirs, "cgi-dir", nil, "with --cgi: a URL path of a CGI directory, instead of /cgi-bin and /htbin (repeatable)")
	fl.StringArrayVar(&cfg.CGIEnv, "cgi-env", nil, "with --cgi: pass this environment variable of the server's to scripts (repeatable; PATH always is)")
	fl.DurationVar(&cfg.CGITimeout, "cgi-timeout", d.CGITimeout, "with --cgi: kill a script that runs longer")
	fl.Int64Var(&cfg.CGIMaxBody, "cgi-max-body", d.CGIMaxBody, "with --cgi: largest request body passed to a script, in bytes (413 beyond)")
	fl.StringVarP(&cfg.bind, "bind", "b", "", "bind to this address (default: all interfaces, IPv4 and IPv6)")
	fl.StringVarP(&cfg.directory, "directory", "d", ".", "serve this directory")
	fl.StringVarP(&cfg.Protocol, "protocol", "p", d.Protocol, "conform to this HTTP version: HTTP/1.0 closes every connection, as Python's default does")
	fl.StringVar(&cfg.tlsCert, "tls-cert", "", "serve HTTPS with this PEM certificate chain (it may hold the key too)")
	fl.StringVar(&cfg.tlsKey, "tls-key", "", "the PEM private key for --tls-cert (default: in the certificate file)")
	fl.StringVar(&cfg.tlsPasswordFile, "tls-password-file", "", "read the password of an encrypted --tls-key from this file")
	fl.BoolVar(&cfg.H2C, "h2c", false, "also accept HTTP/2 without TLS (prior knowledge)")
	fl.StringArrayVar(&v.headers, "header", nil, "add 'Name: value' to every response (repeatable), e.g. for CORS or caching")
	fl.BoolVar(&cfg.Compress, "compress", false, "compress text responses of 1 KiB and more (HTML, CSS, JavaScript, JSON, listings) with br, zstd or gzip, as the client accepts")
	fl.StringVar(&v.logFormat, "log-format", "python", "access log format: python, common, combined or json")
	fl.BoolVarP(&cfg.Quiet, "quiet", "q", false, "write no access log")
	fl.BoolVar(&cfg.NoListing, "no-listing", false, "answer 404 for a directory without an index file instead of listing it")
	fl.StringVar(&v.listingFormat, "listing", "modern", "directory listing page: modern (sizes, dates, sorting, JSON) or python (CPython's page, byte for byte)")
	fl.BoolVar(&cfg.DirsFirst, "dirs-first", false, "list directories before files")
	fl.BoolVar(&cfg.HideDotfiles, "hide-dotfiles", false, "answer 404 for paths with a dot-element (.git, .env) and leave them out of listings")
	fl.StringVar(&v.etag, "etag", "mtime", "ETags from the file's modification time and size (mtime), or from a hash of its content (content), which replicas serving the same bytes agree on")
	fl.DurationVar(&cfg.ReadHeaderTimeout, "read-header-timeout", d.ReadHeaderTimeout, "close connections that take longer to send request headers (slowloris)")
	fl.DurationVar(&cfg.IdleTimeout, "idle-timeout", d.IdleTimeout, "close keep-alive connections idle for longer")
	fl.IntVar(&cfg.MaxHeaderBytes, "max-header-bytes", d.MaxHeaderBytes, "largest request line plus headers accepted (431 beyond)")
	fl.DurationVar(&cfg.shutdownGrace, "shutdown-grace", 10*time.Second, "on SIGINT or SIGTERM, how long requests under way may take to finish")
	fl.BoolVar(&v.version, "version", false, "print the version and exit")
	return fl
}

// parseArgs parses the command line as Python's argparse would: options
// before or after the one positional argument, the port.
func parseArgs(args []string, stdout io.Writer) (config, error) {
	cfg := config{port: 8000}
	cfg.ServerSoftware = serverSoftware
	var v flagValues
	fl := newFlagSet(&cfg, &v)
	if err := fl.Parse(args); err != nil {
		return cfg, usagef("%v", err)
	}
	if v.help {
		writeHelp(stdout, fl)
		return cfg, errHelp
	}
	if v.version {
		fmt.Fprintln(stdout, "httpserver", versionString())
		return cfg, errVersion
	}
	if err := cfg.setPort(fl.Args()); err != nil {
		return cfg, err
	}
	if err := cfg.convert(v); err != nil {
		return cfg, err
	}
	return cfg, cfg.check(fl)
}

// setPort takes the positional arguments: at most one, the port.
func (cfg *config) setPort(rest []string) error {
	switch len(rest) {
	case 0:
		return nil
	case 1:
	default:
		return usagef("unrecognized arguments: %s", strings.Join(rest[1:], " "))
	}
	p, err := strconv.Atoi(rest[0])
	if err != nil {
		return usagef("argument port: invalid int value: %q", rest[0])
	}
	if p < 0 || p > 65535 {
		return usagef("argument port: %d is not a port number (0-65535)", p)
	}
	cfg.port = p
	return nil
}

// convert turns the flags given as words into cfg's values.
func (cfg *config) convert(v flagValues) error {
	if err := cfg.LogFormat.UnmarshalText([]byte(v.logFormat)); err != nil {
		return usagef("argument --log-format: %q is not python, common, combined or json", v.logFormat)
	}
	switch v.listingFormat {
	case "modern":
	case "python":
		cfg.Listing = listing.Python
	default:
		return usagef("argument --listing: %q is not modern or python", v.listingFormat)
	}
	switch v.etag {
	case "mtime":
	case "content":
		cfg.ContentETags = true
	default:
		return usagef("argument --etag: %q is not mtime or content", v.etag)
	}
	cfg.Headers = make(http.Header)
	for _, h := range v.headers {
		name, value, ok := strings.Cut(h, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || !validHeaderName(name) || !validHeaderValue(value) {
			return usagef("argument --header: %q is not 'Name: value'", h)
		}
		cfg.Headers.Add(name, value)
	}
	return nil
}

// check refuses combinations and values that make no sense.
func (cfg *config) check(fl *pflag.FlagSet) error {
	switch {
	case cfg.Protocol != "HTTP/1.0" && cfg.Protocol != "HTTP/1.1":
		return usagef("argument -p/--protocol: %q is not HTTP/1.0 or HTTP/1.1", cfg.Protocol)
	case cfg.tlsCert == "" && (cfg.tlsKey != "" || cfg.tlsPasswordFile != ""):
		// Python's wording: these only mean something with a certificate.
		return usagef("--tls-key and --tls-password-file require --tls-cert to be set")
	case cfg.directory == "":
		return usagef("argument -d/--directory: expected a directory")
	case !cfg.CGI && (len(cfg.CGIDirs) > 0 || len(cfg.CGIEnv) > 0 || fl.Changed("cgi-timeout") || fl.Changed("cgi-max-body")):
		return usagef("--cgi-dir, --cgi-env, --cgi-timeout and --cgi-max-body require --cgi")
	case cfg.CGITimeout <= 0 || cfg.CGIMaxBody <= 0:
		return usagef("--cgi-timeout and --cgi-max-body must be positive")
	case cfg.ReadHeaderTimeout <= 0 || cfg.IdleTimeout <= 0 || cfg.shutdownGrace < 0:
		return usagef("timeouts must be positive")
	case cfg.MaxHeaderBytes < 4096:
		return usagef("argument --max-header-bytes: %d is below 4096", cfg.MaxHeaderBytes)
	}
	for _, d := range cfg.CGIDirs {
		if !strings.HasPrefix(d, "/") || d == "/" {
			return usagef("argument --cgi-dir: %q is not a URL path below /, like /cgi-bin", d)
		}
	}
	return nil
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
