// Package listing reads a directory of an [io/fs.FS] into a [Listing] and
// renders it as a web page or as JSON. The model and its rendering are
// apart: [Read] and [Listing.Sort] give the model alone, for a renderer of
// your own; a [Renderer] answers a request with a rendering of it. It does
// no routing: package fileserver decides when a directory is listed and
// calls [Renderer.ServeDir].
//
// Which entries are listed is a matter of reading, not of rendering: a
// [ReadOptions] value, given to Read and to ServeDir, hides dotfiles.
// (fileserver passes its own HideDotfiles, the one knob its users see.)
//
//	root, err := os.OpenRoot("/srv/share")
//	if err != nil {
//		log.Fatal(err)
//	}
//	lh := listing.New(listing.Options{DirsFirst: true})
//	http.HandleFunc("GET /share/", func(w http.ResponseWriter, r *http.Request) {
//		// "/share/docs/" lists "docs", "/share/" lists "."; fileserver does
//		// this (and index files, redirects, files) for you.
//		name := strings.Trim(path.Clean(strings.TrimPrefix(r.URL.Path, "/share")), "/")
//		if name == "" {
//			name = "."
//		}
//		hide := listing.ReadOptions{HideDotfiles: true}
//		if err := lh.ServeDir(w, r, root.FS(), name, hide); err != nil {
//			http.Error(w, "No permission to list directory", http.StatusNotFound)
//		}
//	})
//
// # Pages
//
// [Modern], the default, shows Python's title, heading and links (so a
// script that scrapes Python's page still finds them), with the heading's
// path as breadcrumb links, a parent link, counts of directories and
// files, and a table of sizes and modification times, directories first,
// that sorts by name, size or time from its column headers, in light and
// dark themes, with no external assets and only relative links. Its one
// script, served by [Renderer.ServeDir] at ?script=filter, adds a box
// that narrows the rows as you type; without it the page works the same,
// less the box. [Python] is
// CPython 3.14's page, byte for byte. [Options].Template replaces either
// with an html/template executed with a [*Page].
//
// # README
//
// With [Options].Readme, the modern page shows the directory's README
// below its table: README.md rendered as Markdown (GitHub's flavour), or
// README or README.txt as text, the first of them that is a regular file
// among the listed entries (so a README the listing leaves out, hidden or
// linking out of an [os.Root], is never shown, and finding it costs no
// stat per entry). README.html never is. Raw HTML in the Markdown shows
// as text, links and images keep only URLs without a scheme or with http,
// https or mailto, and the page's CSP lets images come from the server
// itself only. A README over [MaxReadmeSize] is not read: the page links
// to it. Python's page and JSON never show a README.
//
// # Query parameters
//
//	format=json|html         the representation (else negotiated from Accept)
//	sort=name|size|time      the sort key; default name, case-insensitively, as Python
//	order=asc|desc           the order; default asc
//	script=filter            the modern page's filter script, instead of a listing
//	dirs=first|mixed         directories before files, or not; default first on the
//	                         modern page, else Options.DirsFirst
//
// Unknown values are ignored. The Python page ignores all but format, as
// Python does.
//
// # JSON
//
// A request with ?format=json, or whose Accept header gives
// application/json a higher quality than text/html, gets
// application/json:
//
//	{
//	  "path": "/docs/",          // the directory as the client named it (decoded)
//	  "sort": "name",            // "name", "size" or "time"
//	  "order": "asc",            // "asc" or "desc"
//	  "entries": [
//	    {
//	      "name": "a b.txt",     // the entry's name; bytes that are not UTF-8 become U+FFFD
//	      "url": "a%20b.txt",    // relative link, percent-encoded from the raw name; "/"-terminated for directories
//	      "is_dir": false,       // a directory, or a symlink to one inside the FS
//	      "is_symlink": false,
//	      "size": 1234,          // bytes; 0 for directories
//	      "mod_time": "2024-05-01T12:00:00Z" // RFC 3339 in UTC, or null when unknown
//	    }
//	  ]
//	}
//
// Entries are in the requested order. Resolve url against the listing's
// URL to reach the entry: it is exact even when name is not.
//
// # Caching
//
// Every listing carries Vary: Accept, Cache-Control: no-cache, a
// Last-Modified (the newest of the directory's and its entries' times) and
// a strong ETag over the entries and the rendering choice, and answers
// If-None-Match and If-Modified-Since with 304.
//
// On Linux, a [Renderer] keeps the names of the large directories it lists
// (1,024 entries or more), sorted, so that listing one again costs no
// getdents and no sort. They are used only while the directory's device,
// inode, link count and modification and change times are what they
// were, which every added, removed or renamed name changes. A directory
// changed within the last second is not kept: file times advance by clock
// ticks, so a second change in the tick of the first could leave them as
// they were. Only local file systems are trusted (ext4, XFS, Btrfs,
// tmpfs, F2FS, overlayfs), not NFS or FUSE. Sizes and times are never
// kept here: every listing that shows them stats its entries, or asks
// ReadOptions.Lstat (package fileserver's stat cache) first.
//
// # Hostile names
//
// Names are HTML-escaped in text and percent-encoded in links, every byte
// outside RFC 3986's unreserved set, so a link always leads back to that
// very entry, whatever it contains ("?", "#", "%", "a:b", newlines, bytes
// that are not UTF-8). The modern page also shows control characters,
// Unicode bidi controls and bytes that are not UTF-8 as \xHH and \uHHHH
// escapes, so that a name such as "invoice\u202Efdp.exe" cannot pass for
// "invoiceexe.pdf". The Python page keeps Python's text, except that a
// byte that is not UTF-8 shows as U+FFFD (Python writes it raw), as in
// JSON's name: neither page nor JSON is ever invalid UTF-8. The built-in
// pages are sent with a Content-Security-Policy that allows no script but
// the modern page's filter script, by its SHA-256 digest (Python's page:
// none), and no form. With [Options].Actions, the modern page also allows
// its upload script, by digest, and forms and XMLHttpRequest to its own
// origin only.
//
// # Symlinks
//
// A symlink is stat'ed through the FS, never directly: with an
// [os.Root]'s FS, the target of a link out of the root is not looked at.
// Such a link, or a dangling one, cannot be followed, so the modern page,
// JSON and templates leave it out; Python's page lists it, as Python does,
// and so does [Read] (as a plain entry with the link's own size and time).
package listing
