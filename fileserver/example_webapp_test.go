package fileserver_test

import (
	"fmt"
	"log"
	"net/http/httptest"
	"testing/fstest"

	"github.com/go-chi/chi/v5"

	"github.com/pyhttp/httpserver/fileserver"
)

// Serving a built single-page app under /app: client-side routes get the
// app's index.html, a missing asset gets the site's 404 page, and
// fingerprinted assets are cached for a year.
func ExampleNew_singlePageApp() {
	dist := fstest.MapFS{
		"index.html":           {Data: []byte(`<div id="app"></div><script src="/app/assets/app-1a2b3c.js"></script>`)},
		"404.html":             {Data: []byte("<h1>Not here</h1>")},
		"assets/app-1a2b3c.js": {Data: []byte("render(location.pathname)")},
	}
	immutable, err := fileserver.Globs("assets/*")
	if err != nil {
		log.Fatal(err)
	}
	r := chi.NewRouter()
	r.Mount("/app", fileserver.New(dist, fileserver.Options{
		SPAFallback:  "index.html",
		NotFoundPage: "404.html",
		Immutable:    immutable,
	}))

	for _, target := range []string{"/app/settings/profile", "/app/assets/app-1a2b3c.js", "/app/assets/app-000000.js"} {
		req := httptest.NewRequest("GET", target, nil)
		req.Header.Set("Accept", "text/html,*/*;q=0.8") // what a browser sends for a page
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		fmt.Printf("%s %d %q\n", target, w.Code, w.Header().Get("Cache-Control"))
	}
	// Output:
	// /app/settings/profile 200 "no-cache"
	// /app/assets/app-1a2b3c.js 200 "public, max-age=31536000, immutable"
	// /app/assets/app-000000.js 404 "no-cache"
}
