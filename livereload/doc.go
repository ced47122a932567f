// Package livereload reloads the pages a browser has open when the files
// behind them change: the development loop of "edit, save, look" without
// the reload by hand.
//
// A [Reloader] watches a directory tree (with fsnotify: inotify, kqueue,
// ReadDirectoryChangesW or FEN), recursively and within a budget of
// watches, and tells each page over a server-sent-events stream. Pages
// learn of the stream from one small external script, which the
// Reloader's middleware adds to every HTML page it serves; there is no
// inline code, so a page's Content-Security-Policy only needs to allow
// scripts from its own origin. On a change the page reloads; when only
// stylesheets changed, it swaps them in place and keeps its state.
//
//	root, err := os.OpenRoot("site")
//	if err != nil {
//		log.Fatal(err)
//	}
//	lr, err := livereload.New("site", livereload.Options{})
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer lr.Close()
//	files := fileserver.New(fileserver.RootFS(root), fileserver.Options{})
//	srv := &http.Server{Addr: "127.0.0.1:8000", Handler: lr.Handler(files)}
//	srv.RegisterOnShutdown(func() { lr.Close() }) // streams must not hold Shutdown
//	log.Fatal(srv.ListenAndServe())
//
// # Reserved paths
//
// A path with an element named [Dir] (".httpserver") belongs to the
// Reloader wherever it appears: Dir/live.js is the script, Dir/events the
// stream, anything else there is 404, and none of it is ever read from
// the tree. Pages load the script by a relative URL, "Dir/live.js" beside
// them, so it works below any mount prefix without configuration.
//
// # What is injected, and what is not
//
// [Reloader.Inject] adds the script to GET and HEAD answers with status
// 200 or 404 whose Content-Type is text/html and which have no
// Content-Encoding, adjusting Content-Length and ETag; see its
// documentation for how conditional requests stay correct. It never
// touches the answer to a Range request. Keep it away from handlers whose
// HTML must stay byte for byte (CGI scripts, a proxy): the httpserver
// command routes those around it.
//
// # Changes
//
// Changes are debounced: pages are told once changes have settled for
// [Options].Debounce, and at least every [Options].MaxDelay while they
// keep coming, so a build that writes thousands of files makes a handful
// of reloads. Names with a dot-element (.git/, editor swap files) are
// ignored by default. New directories are watched as they appear.
//
// # Streams
//
// Over HTTP/1 a stream's body ends with its connection, as the
// server-sent events standard recommends, so once its header is out the
// Reloader takes the connection over from net/http and writes the events
// itself: an idle stream costs a socket, not a goroutine with its
// buffers. The access log sees a 200 at once. Over HTTP/2 the handler
// stays with its stream. A stream gets a comment line now and then, and
// one whose client stopped reading is dropped.
//
// Each open page holds its stream's connection, and a browser opens only
// a handful of HTTP/1.1 connections to one host: with more tabs of one
// site open than that, the next page waits. Over HTTP/2 (with TLS) the
// streams share one connection.
//
// # Shutting down
//
// [Reloader.Close] stops the watcher and ends every stream. Call it from
// http.Server.RegisterOnShutdown: the server does not know the
// connections taken over, and an HTTP/2 stream is a request under way,
// which Shutdown would otherwise wait for until its deadline.
package livereload
