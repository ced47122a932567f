// Package middleware gives any net/http application what Python's
// BaseHTTPRequestHandler gives every server: an access log line per
// request, a Server header and extra response headers, Python's request
// limits (414 and 431), uniform error pages, recovery from panics and a
// hook for "Expect: 100-continue"; for a server bound to loopback, a
// guard against DNS rebinding ([AllowedHosts]); and what Python's server
// lacks, compression of responses on the fly.
//
// Each middleware is a func(http.Handler) http.Handler, or a value whose
// Handler method is one, so it goes into chi's Router.Use as it is and
// wraps a plain http.Handler just as well. None keeps global state.
//
//	log := middleware.NewAccessLog(os.Stderr, middleware.AccessLogOptions{})
//	pages := middleware.NewErrorPages(middleware.ErrorPagesOptions{})
//	h := log.Handler(
//		middleware.ServerHeader(middleware.ServerVersion("httpserver", "0.1"))(
//			pages.Handler(
//				middleware.Recover(nil)(mux))))
//	http.ListenAndServe("127.0.0.1:8000", h)
//
// # Order
//
// Put the access log outermost, so that it sees the final status, the
// bytes sent and the error line of everything inside it. Recover goes
// inside it (its 500 is then logged like any error) and inside
// ErrorPages (its 500 then uses the app's page). Limits and AllowedHosts
// go before the handlers they protect, AllowedHosts before CORS. Compress
// goes inside the access log (which then counts the compressed bytes) and
// Recover. Expect100 goes innermost, next to the handlers whose bodies it
// guards.
//
// The error page and Python's error line travel in the request's context,
// not in a wrapper of the ResponseWriter, so wrappers of other packages
// (chi's, your own) may stand anywhere in between.
//
// # Response writers
//
// The middleware that only watch a response share one ResponseWriter
// wrapper; Compress, which changes what is sent, has its own. Both keep
// io.ReaderFrom (files still leave by sendfile, unless Compress
// compresses them), http.Flusher and http.Hijacker, and implement
// Unwrap, so http.ResponseController reaches the connection through any
// number of these middleware.
package middleware
