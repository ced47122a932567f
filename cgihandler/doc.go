// Package cgihandler runs CGI scripts (RFC 3875) the way Python's
// CGIHTTPRequestHandler did, with a modern, safe runtime. Python deprecated
// that handler in 3.13 and removed it, with --cgi, in 3.15.
//
//	root, err := os.OpenRoot("/srv/www")
//	if err != nil {
//		log.Fatal(err)
//	}
//	files := fileserver.New(root.FS(), fileserver.Options{})
//	var router http.HandlerFunc
//	cgi := cgihandler.New(root, cgihandler.Options{LocalRedirect: &router})
//	router = func(w http.ResponseWriter, r *http.Request) {
//		if cgi.Match(r) {
//			cgi.ServeHTTP(w, r)
//			return
//		}
//		files.ServeHTTP(w, r)
//	}
//	log.Fatal(http.ListenAndServe(":8000", router))
//
// # URLs
//
// The [os.Root] given to [New] is the served root, like Python's
// --directory, and the same one the file server is given; the CGI
// directories (/cgi-bin and /htbin by default) are URL paths below it.
// The decoded request path is collapsed first ("." and ".." resolved,
// never above the root, repeated slashes merged), and only then matched
// against them, so /cgi-bin/../x and /cgi-bin/%2e%2e/x
// run nothing (CVE-2011-1015, CVE-2014-4650). [Handler.Match] is that
// decision; route with it, as above, and no spelling of a script's URL
// reaches the file server to leak its source. Routing on the raw path
// (a chi or ServeMux pattern "/cgi-bin/*") does leak it: /cgi-bin%2fx.sh
// does not match the pattern, yet names the script.
//
// Matching ignores ASCII case, unlike Python's: on a case-insensitive
// file system (macOS, Windows) /CGI-BIN/x.sh names the script too, and
// must not reach the file server either.
//
// A CGI directory itself, asked for without its slash (/cgi-bin), is not
// a CGI request, as in Python, whose is_cgi wants a "/" after the
// directory: it names no script, so [Handler.Match] leaves it to the
// file server, which redirects it to cgi-bin/ like any directory. Handed
// to the Handler anyway, it redirects the same way (GET and HEAD; other
// methods get Python's 501). cgi-bin/ is then a CGI request, answered
// 403.
//
// Below a CGI directory, nested directories are walked; the first path
// element that is not a directory is the script and the rest is
// PATH_INFO. A missing script is 404 "No such CGI script"; a directory or
// special file is 403; a script without an executable bit is 403 "CGI
// script is not executable", as in Python on POSIX, .py files included:
// the bit is the owner's consent that the file is a program, and a file
// only copied or uploaded into a CGI directory must not run.
// Options.Interpreters can run such files by extension, at that risk.
// Lookups go through an [os.Root], so neither ".." nor a symlink leads
// out of the root, and the script is run by its real path.
//
// # Responses
//
// The script's header is parsed strictly: Status sets the status, a
// Location holding a path is a local redirect served without a round
// trip to the client (Options.LocalRedirect), any other Location is a 302,
// and other fields are passed on. The body is streamed to the client as
// the script writes it, flushed whenever the script pauses for 2 ms: a
// short script's whole answer leaves in one write, with a Content-Length,
// and a line of progress is seen as it is printed. It is never held whole
// in memory. A script whose output ends before a valid header gets
// a 500; the reason is logged, never shown. Error pages are Python's, or
// those of a middleware.ErrorPages around the Handler.
//
// # Safety
//
//   - The environment holds the CGI variables, PATH and the InheritEnv
//     allow-list, nothing else of the server's. A Proxy header never
//     becomes HTTP_PROXY (httpoxy), credentials are not passed, and header
//     names that would collide as variables are dropped.
//   - Each script runs in its own process group, bounded by a timeout
//     (60 s by default) that covers sending its output too. On timeout,
//     client disconnect, a failed write or a request body that breaks
//     off, the whole group is killed; when the script exits, whatever it
//     left running in its group is killed too, and the script is reaped.
//     A response cut short this way is cut at the connection, so the
//     client sees it as incomplete, and one not yet begun is a 504.
//   - Request bodies are limited (64 MiB by default, 413 beyond).
//   - When the server runs as root, scripts run as nobody.
//   - The script's stderr goes to the error log, line by line, with its
//     name; a non-zero exit is logged as "CGI script exit code N".
//   - Unlike Python, a query without "=" is never passed as command-line
//     arguments (RFC 3875 §4.4 allows it; CVE-2012-1823 shows the risk).
//
// Every method reaches the script, which sees it in REQUEST_METHOD;
// Python answered 501 to anything but GET, HEAD and POST. Answering POST
// outside the CGI directories with 501 "Can only POST to CGI scripts" is
// the router's job, since this Handler never sees those requests.
//
// # Why not net/http/cgi
//
// The standard library's cgi.Handler runs one fixed program; it rejects
// chunked bodies with 400, always reports SERVER_PROTOCOL HTTP/1.1, sets
// no AUTH_TYPE, REMOTE_USER or PATH_TRANSLATED, has no timeout and kills
// only the script, not its children, buffers output until net/http's
// buffer fills, and logs to the global log package. Bending it to fix all
// of that would leave little of it, so this package starts processes
// itself with os/exec: its own pipes (so reads can be given deadlines),
// Setpgid, and its own header parser, fuzzed.
//
// A chunked request body is spooled to an unlinked temporary file before
// the script starts, so that CONTENT_LENGTH can be set as RFC 3875
// §4.1.2 requires; a body with a Content-Length is streamed.
package cgihandler
