// Package fileserver serves a file tree over HTTP the way Python's
// http.server does, as an ordinary [http.Handler].
//
// A [Handler] answers GET and HEAD for the files and directories of an
// [io/fs.FS]: index.html or index.htm for a directory, else a listing from
// package listing; a 301 to "name/" for a directory asked for without its
// slash; Python's error page for what it cannot serve. Unlike Python it
// speaks the whole of RFC 9110's conditional and range machinery through
// [net/http.ServeContent] (ETag, If-None-Match, If-Range, byte ranges) and
// sends files with sendfile when the FS hands out *os.File.
//
//	root, err := os.OpenRoot("site")
//	if err != nil {
//		log.Fatal(err)
//	}
//	http.Handle("/", fileserver.New(fileserver.RootFS(root), fileserver.Options{}))
//
// # Mounting
//
// Redirects and listing links are relative, so the handler works at any
// mount point. Under a route pattern that ends in a wildcard (chi's
// "/static/*", ServeMux's "/static/{path...}") or a slash (ServeMux's or
// chi's "/static/", chi's Mount), it serves the path below the pattern, so
// no [http.StripPrefix] is needed: GET /static/css/a.css serves
// "css/a.css"; GET /static (chi's Mount point) redirects to "static/",
// which lists the root. A StripPrefix in front does no harm. Under any
// other pattern, or none, it serves r.URL.Path.
//
// # Security
//
// The handler serves exactly what the FS lets it open. Request paths are
// cleaned so that ".." never climbs above the root, whatever its encoding,
// and names with NUL bytes are refused; but [os.DirFS] follows symlinks out
// of its directory. Serve an [os.Root] through [RootFS], as the
// httpserver command does, and no request, not even through a symlink,
// reaches a file outside the root. (root.FS() confines as well, but
// cannot open a name that is not UTF-8, so such a file is listed and its
// link answers 404.) Only regular files and directories are served: a
// FIFO, socket or device gets 404 without being opened. Dotfiles such as
// .git/ and .env are served and listed, as Python does, unless
// [Options].HideDotfiles is set.
//
// # Serving a web app
//
// Four options serve a built single-page app or static site the way its
// users expect (see [Options] for each): SPAFallback answers a
// client-side route (/settings/profile, reloaded) with the app's
// index.html; NotFoundPage replaces Python's 404 page with the site's
// own, still with status 404; CleanURLs serves about.html at /about; and
// Immutable, from [Globs] patterns such as "assets/*", lets browsers
// cache fingerprinted assets for a year. Like Caddy's try_files, the
// fallback and clean URLs are internal rewrites: the file that answers
// goes through the same path as any other, with its own ETag,
// conditional and range requests, and through whatever middleware wraps
// the handler, compression included. A missing asset (anything whose
// last segment has an extension) stays 404, so it is never cached as
// the app's HTML. The fallback and the 404 page are found through the FS
// on every request, so they are confined as any file is (under [RootFS],
// a symlink out of the root is refused) and never stale. The
// Cache-Control these options set (no-cache for the fallback and the 404
// page) replaces one set before the handler runs, such as
// middleware.Headers'. Requests that none of them concerns take the
// same path as without them.

// # Compression
//
// With [Options].Precompressed, a file that has a sidecar (app.js.br,
// app.js.zst, app.js.gz) is answered with the one the client's
// Accept-Encoding prefers; with [Options].Compress, a text file of up to
// 1 MiB is compressed once per version and kept in memory. Both send
// Content-Length, an ETag of the encoded form's own and "Vary:
// Accept-Encoding", and apply a Range to the encoded bytes (RFC 9110
// §14.1.2). Both are off by default; the httpserver command turns
// Precompressed on, and Compress on with --compress.
//
// # Archives and search
//
// With [Options].Archives, GET DIR/?download=zip (tar, tar.gz) streams
// the directory as an archive through package archive; with
// [Options].Search, GET DIR/?q=TEXT lists the names below it that
// contain TEXT (listing.Search). Both walk the tree under the same rules
// as the listing: what Access hides or denies and what HideDotfiles
// denies is left out, and symlinks are followed only through the FS, so
// under [RootFS] never out of the root. Both are off by default; with
// them off, a request pays nothing for them.
//
// # Names that are not UTF-8
//
// A file name is served byte for byte, whatever it holds. A name with
// bytes that are not UTF-8 is linked from listings with each such byte
// percent-encoded ("caf\xe9.txt" as caf%E9.txt, as nginx and Apache do),
// and that link serves the file when the FS can open the name, as
// [RootFS] can. CPython's own link for it (caf%ED%B3%A9.txt, the UTF-8 of
// the surrogate its os.listdir decodes the byte to) names another file.
package fileserver
