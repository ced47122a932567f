package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/pyhttp/httpserver/access"
	"github.com/pyhttp/httpserver/fileserver"
	"github.com/pyhttp/httpserver/internal/app"
	"github.com/pyhttp/httpserver/internal/bytesize"
	"github.com/pyhttp/httpserver/internal/safepath"
	"github.com/pyhttp/httpserver/listing"
	"github.com/pyhttp/httpserver/livereload"
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
	noBanner        bool   // only Python's line, no URLs under it
	tlsSelfSigned   bool   // --tls-self-signed: HTTPS with a certificate made at start
	qr              bool   // --qr: a QR code of the LAN URL under the banner
	liveReload      bool   // app.Config.LiveReload is made by run
	authFile        string // --auth-file; app.Config.Users is read by run
}

// usageError is a mistake on the command line: exit status 2, as argparse.
type usageError struct{ msg string }

func (e *usageError) Error() string { return usageLine + "\nhttpserver: error: " + e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

func exitCode(err error) int {
	var u *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &u):
		return 2
	case errors.Is(err, errInterrupted):
		return 130
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
	immutable                      []string // --immutable globs
	hide, deny                     []string // --hide, --deny globs
	hideDotfiles                   bool
	authScope                      string // --auth-scope
	logFormat, etag, listingFormat string
	maxUpload                      string // --max-upload, parsed by bytesize
	port                           int    // --port, which npm's serve and http-server users type
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
	fl.BoolVar(&cfg.Upload, "upload", false, "receive files: PUT of a file, POST of files and folders from the listing page's form, MKCOL of a new folder (see \"Receiving files\" in the README)")
	fl.BoolVar(&cfg.Delete, "delete", false, "let clients delete (DELETE) and rename (MOVE) files and empty folders, also from the listing page's forms")
	fl.BoolVar(&cfg.Overwrite, "overwrite", false, "with --upload or --delete: let an upload or a rename replace an existing file (otherwise PUT gets 409, MOVE 412, and a form upload is kept as 'name (1).ext')")
	fl.StringVar(&v.maxUpload, "max-upload", "1G", "with --upload: largest request body, in bytes or with a K, M or G suffix (413 beyond)")
	fl.StringVarP(&cfg.bind, "bind", "b", "", "bind to this address (default: all interfaces, IPv4 and IPv6)")
	fl.StringVarP(&cfg.directory, "directory", "d", ".", "serve this directory")
	fl.StringVarP(&cfg.Protocol, "protocol", "p", d.Protocol, "conform to this HTTP version: HTTP/1.0 closes every connection, as Python's default does")
	fl.StringVar(&cfg.tlsCert, "tls-cert", "", "serve HTTPS with this PEM certificate chain (it may hold the key too)")
	fl.StringVar(&cfg.tlsKey, "tls-key", "", "the PEM private key for --tls-cert (default: in the certificate file)")
	fl.StringVar(&cfg.tlsPasswordFile, "tls-password-file", "", "read the password of an encrypted --tls-key from this file")
	fl.BoolVar(&cfg.tlsSelfSigned, "tls-self-signed", false, "serve HTTPS with a certificate made at start, kept in memory, valid for 7 days, for localhost, this machine's name and addresses; its SHA-256 fingerprint is printed, for browsers' warnings")
	fl.BoolVar(&cfg.H2C, "h2c", false, "also accept HTTP/2 without TLS (prior knowledge)")
	fl.StringArrayVar(&v.headers, "header", nil, "add 'Name: value' to every response (repeatable), e.g. for caching")
	fl.StringArrayVar(&cfg.CORSOrigins, "cors", nil, "let pages from this origin (default: any, *) read responses, preflights for GET and HEAD answered (repeatable)")
	fl.Lookup("cors").NoOptDefVal = "*"
	fl.StringArrayVar(&cfg.AllowedHosts, "allowed-host", nil, "also answer requests for this host name (.NAME: and its subdomains), which the DNS-rebinding guard otherwise refuses; on when bound only to loopback, or with this flag; * turns it off (repeatable)")
	fl.BoolVar(&cfg.Compress, "compress", false, "compress text responses of 1 KiB and more (HTML, CSS, JavaScript, JSON, listings) with br, zstd or gzip, as the client accepts; files up to 1 MiB are compressed once and kept in memory")
	fl.BoolVar(&cfg.NoPrecompressed, "no-precompressed", false, "send FILE itself even where FILE.br, FILE.zst or FILE.gz (served by default, as the client accepts) is next to it")
	fl.StringVar(&v.logFormat, "log-format", "python", "access log format: python, common, combined or json")
	fl.BoolVarP(&cfg.Quiet, "quiet", "q", false, "write no access log")
	fl.BoolVar(&cfg.NoListing, "no-listing", false, "answer 404 for a directory without an index file instead of listing it")
	fl.StringVar(&v.listingFormat, "listing", "modern", "directory listing page: modern (sizes, dates, sorting, JSON) or python (CPython's page, byte for byte)")
	fl.BoolVar(&cfg.NoReadme, "no-readme", false, "do not show a directory's README.md, README or README.txt below the modern listing's table")
	fl.BoolVar(&cfg.DirsFirst, "dirs-first", false, "list directories before files in JSON listings (the modern page always does, unless ?dirs=mixed)")
	fl.BoolVar(&v.hideDotfiles, "hide-dotfiles", false, "deny every path with a dot-element (.git, .env): the same as --deny '**/.*'")
	fl.StringArrayVar(&v.hide, "hide", nil, "leave names matching this glob out of listings (and search and archives), still served by URL; no slash matches at any depth: 'node_modules', 'build/*.map' (repeatable)")
	fl.StringArrayVar(&v.deny, "deny", nil, "answer 404 for names matching this glob, and everything below them, to every method, as if missing: '**/.git', '*.key' (no slash: any depth) (repeatable)")
	fl.StringVar(&cfg.authFile, "auth-file", "", "require HTTP Basic authentication by the users of this Apache htpasswd file, bcrypt only (htpasswd -B -c FILE USER); serve it over --tls-cert")
	fl.StringVar(&v.authScope, "auth-scope", "all", "with --auth-file: what needs a user, every request (all) or only those that change files (write; reading is anonymous)")
	fl.BoolVar(&cfg.Archives, "archives", false, "let each directory be downloaded as a zip, tar or tar.gz archive (DIR/?download=zip), streamed, under the --hide/--deny rules; also turns on --search")
	fl.IntVar(&cfg.MaxArchives, "max-archives", fileserver.DefaultMaxArchives, "with --archives: how many archives are streamed at once (503 beyond)")
	fl.BoolVar(&cfg.Search, "search", false, "search the names below a directory (DIR/?q=TEXT), with a box on the listing page, under the --hide/--deny rules")
	fl.BoolVar(&cfg.liveReload, "live-reload", false, "reload the pages a browser has open when files under the directory change (dot-paths aside); pages get a small script, served under /.httpserver/")
	fl.StringVar(&cfg.SPAFallback, "spa", "", "serve a single-page app: a GET asking for HTML whose path matches nothing and has no extension gets FILE (default: index.html) with 200; missing assets stay 404")
	fl.Lookup("spa").NoOptDefVal = "index.html"
	fl.StringVar(&cfg.NotFoundPage, "404", "", "answer what is missing with this file of the served directory, status 404, instead of Python's page")
	fl.BoolVar(&cfg.CleanURLs, "clean-urls", false, "serve about.html at /about, and redirect /about.html to /about")
	fl.StringArrayVar(&v.immutable, "immutable", nil, "files matching this glob ('assets/*'; '**' for any depth) are fingerprinted: Cache-Control: public, max-age=31536000, immutable, over --header's (repeatable)")
	fl.StringVar(&v.etag, "etag", "mtime", "ETags from the file's modification time and size (mtime), or from a hash of its content (content), which replicas serving the same bytes agree on")
	fl.DurationVar(&cfg.ReadHeaderTimeout, "read-header-timeout", d.ReadHeaderTimeout, "close connections that take longer to send request headers (slowloris)")
	fl.DurationVar(&cfg.IdleTimeout, "idle-timeout", d.IdleTimeout, "close keep-alive connections idle for longer")
	fl.IntVar(&cfg.MaxHeaderBytes, "max-header-bytes", d.MaxHeaderBytes, "largest request line plus headers accepted (431 beyond)")
	fl.DurationVar(&cfg.shutdownGrace, "shutdown-grace", 10*time.Second, "on SIGINT or SIGTERM, how long requests under way may take to finish")
	fl.BoolVar(&cfg.qr, "qr", false, "print a QR code of the first URL another machine can open (phones: scan it), after the banner")
	fl.BoolVar(&cfg.noBanner, "no-banner", false, "print only Python's first line, not the URLs to open under it")
	fl.IntVar(&v.port, "port", 0, "the port, as the positional argument")
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
	if err := fl.Parse(joinOptional(args)); err != nil {
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
	rest := fl.Args()
	if fl.Changed("port") {
		if len(rest) > 0 {
			return cfg, usagef("argument port: given both as --port and as %q", rest[0])
		}
		rest = []string{strconv.Itoa(v.port)}
	}
	if err := cfg.setPort(rest); err != nil {
		return cfg, err
	}
	if err := cfg.convert(v); err != nil {
		return cfg, err
	}
	return cfg, cfg.check(fl)
}

// optionalValues are the options whose value may be left out, each with
// a test of whether the argument after it is its value: for a bare
// --cors or --spa, the port may come next, and a port is never an origin
// nor a file with an extension.
var optionalValues = map[string]func(next string) bool{
	"--cors": func(s string) bool { return s == "*" || strings.Contains(s, "://") },
	"--spa":  func(s string) bool { return !strings.HasPrefix(s, "-") && path.Ext(s) != "" },
}

// joinOptional joins "--cors ORIGIN" into "--cors=ORIGIN", and "--spa
// FILE" likewise: pflag reads an optional value only in the joined form.
// ("--spa FILE" for a FILE without an extension must be joined by hand.)
func joinOptional(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		if args[i] == "--" {
			return append(out, args[i:]...)
		}
		if isValue := optionalValues[args[i]]; isValue != nil && i+1 < len(args) && isValue(args[i+1]) {
			out = append(out, args[i]+"="+args[i+1])
			i++
			continue
		}
		out = append(out, args[i])
	}
	return out
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
		if fi, err := os.Stat(rest[0]); err == nil && fi.IsDir() {
			// npm's serve and http-server take the directory here.
			return usagef("argument port: invalid int value: %q (to serve a directory use -d %s)", rest[0], rest[0])
		}
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
	max, err := bytesize.Parse(v.maxUpload)
	if err != nil || max <= 0 {
		return usagef("argument --max-upload: %q is not a positive byte count like 1048576, 64K, 512M or 1G", v.maxUpload)
	}
	cfg.MaxUpload = max
	immutable, err := fileserver.Globs(v.immutable...)
	if err != nil {
		return usagef("argument --immutable: %v", err)
	}
	cfg.Immutable = immutable
	scope := access.Everyone
	switch v.authScope {
	case "all":
	case "write":
		scope = access.Writers
	default:
		return usagef("argument --auth-scope: %q is not all or write", v.authScope)
	}
	if cfg.authFile == "" {
		scope = access.Nobody
	}
	if len(v.hide)+len(v.deny) > 0 || v.hideDotfiles || scope != access.Nobody {
		cfg.Access, err = access.New(access.Options{Hide: v.hide, Deny: v.deny, DenyDotfiles: v.hideDotfiles, Authenticate: scope})
		if err != nil {
			return usagef("argument --hide/--deny: %v", err)
		}
	}
	return nil
}

// check refuses combinations and values that make no sense.
func (cfg *config) check(fl *pflag.FlagSet) error {
	switch {
	case cfg.Protocol != "HTTP/1.0" && cfg.Protocol != "HTTP/1.1":
		if _, err := strconv.Atoi(cfg.Protocol); err == nil {
			// -p is Python's --protocol; npm's tools take the port there.
			return usagef("argument -p/--protocol: %q is not HTTP/1.0 or HTTP/1.1 (the port is positional: httpserver %s)", cfg.Protocol, cfg.Protocol)
		}
		return usagef("argument -p/--protocol: %q is not HTTP/1.0 or HTTP/1.1", cfg.Protocol)
	case cfg.tlsSelfSigned && cfg.tlsCert != "":
		return usagef("--tls-self-signed and --tls-cert cannot be used together: one certificate or the other")
	case cfg.tlsCert == "" && (cfg.tlsKey != "" || cfg.tlsPasswordFile != ""):
		// Python's wording: these only mean something with a certificate.
		return usagef("--tls-key and --tls-password-file require --tls-cert to be set")
	case cfg.directory == "":
		return usagef("argument -d/--directory: expected a directory")
	case cfg.authFile == "" && fl.Changed("auth-scope"):
		return usagef("--auth-scope requires --auth-file")
	case !cfg.CGI && (len(cfg.CGIDirs) > 0 || len(cfg.CGIEnv) > 0 || fl.Changed("cgi-timeout") || fl.Changed("cgi-max-body")):
		return usagef("--cgi-dir, --cgi-env, --cgi-timeout and --cgi-max-body require --cgi")
	case cfg.CGITimeout <= 0 || cfg.CGIMaxBody <= 0:
		return usagef("--cgi-timeout and --cgi-max-body must be positive")
	case cfg.Overwrite && !cfg.Upload && !cfg.Delete:
		return usagef("--overwrite requires --upload or --delete")
	case fl.Changed("max-upload") && !cfg.Upload:
		return usagef("--max-upload requires --upload")
	case cfg.ReadHeaderTimeout <= 0 || cfg.IdleTimeout <= 0 || cfg.shutdownGrace < 0:
		return usagef("timeouts must be positive")
	case cfg.MaxArchives <= 0 || !cfg.Archives && fl.Changed("max-archives"):
		return usagef("argument --max-archives: must be positive, with --archives")
	case cfg.MaxHeaderBytes < 4096:
		return usagef("argument --max-header-bytes: %d is below 4096", cfg.MaxHeaderBytes)
	}
	for _, o := range cfg.CORSOrigins {
		if o != "*" && !validOrigin(o) {
			return usagef("argument --cors: %q is not * or an origin like https://example.com", o)
		}
	}
	for _, h := range cfg.AllowedHosts {
		if h != "*" && !plausibleHost(h) {
			return usagef("argument --allowed-host: %q is not * or a host name like example.test or .example.test", h)
		}
	}
	for _, f := range [...]struct{ flag, name string }{{"spa", cfg.SPAFallback}, {"404", cfg.NotFoundPage}} {
		if fl.Changed(f.flag) && !validRootName(f.name) {
			return usagef("argument --%s: %q is not a file name inside the served directory, like index.html", f.flag, f.name)
		}
	}
	for _, d := range cfg.CGIDirs {
		if !strings.HasPrefix(d, "/") || d == "/" {
			return usagef("argument --cgi-dir: %q is not a URL path below /, like /cgi-bin", d)
		}
		if cfg.liveReload && strings.Contains(strings.ToLower(d)+"/", "/"+livereload.Dir+"/") {
			return usagef("argument --cgi-dir: %s is reserved by --live-reload", d)
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
	"max-header-bytes": "N", "max-archives": "N", "port": "PORT", "allowed-host": "NAME", "cors": "[ORIGIN]", "cgi-dir": "PATH", "cgi-env": "NAME", "cgi-timeout": "DURATION", "cgi-max-body": "BYTES", "max-upload": "SIZE",
	"spa": "[FILE]", "404": "FILE", "immutable": "GLOB", "hide": "GLOB", "deny": "GLOB",
	"auth-file": "FILE", "auth-scope": "all|write",
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

// plausibleHost refuses what is surely not a host name or IP address: a
// URL, a path, white space, an empty value. middleware.AllowedHosts
// parses what it is given; a name it cannot read matches nothing.
func plausibleHost(s string) bool {
	return s != "" && s != "." && !strings.ContainsAny(s, "/\\@%?#*, \t")
}

// validRootName reports whether name, with one leading slash dropped,
// names a file inside the served directory: no "..", no empty element.
func validRootName(name string) bool {
	name = strings.TrimPrefix(name, "/")
	return name != "." && safepath.ValidName(name)
}

// validOrigin reports whether s is a serialized origin, scheme://host[:port]
// with no path (RFC 6454 §6.2), as browsers send it in Origin.
func validOrigin(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		u.Path == "" && u.RawQuery == "" && u.Fragment == "" && u.User == nil && s == u.Scheme+"://"+u.Host
}
