package fileserver_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"testing/fstest"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/pyhttp/httpserver/fileserver"
)

func ExampleNew() {
	site := fstest.MapFS{
		"index.html": {Data: []byte("<h1>Hello</h1>\n"), ModTime: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)},
		"docs/a.txt": {Data: []byte("a\n")},
	}
	h := fileserver.New(site, fileserver.Options{})

	for _, target := range []string{"/", "/docs", "/missing"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		fmt.Printf("%s %d %q %q\n", target, w.Code, w.Header().Get("Content-Type"), w.Header().Get("Location"))
	}
	// Output:
	// / 200 "text/html; charset=utf-8" ""
	// /docs 301 "" "docs/"
	// /missing 404 "text/html;charset=utf-8" ""
}

// Mounting under a chi route needs no StripPrefix: the handler serves
// what the wildcard matched, and its redirects and links are relative.
func ExampleNew_chi() {
	assets := fstest.MapFS{"css/site.css": {Data: []byte("body{}\n")}}

	r := chi.NewRouter()
	r.Handle("/static/*", fileserver.New(assets, fileserver.Options{HideDotfiles: true}))
	r.Get("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "the app") })

	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/static/css/site.css", nil))
	fmt.Print(w.Code, " ", w.Header().Get("Content-Type"), " ", w.Body.String())
	// Output:
	// 200 text/css; charset=utf-8 body{}
}

// Under a plain ServeMux subtree pattern the handler also serves the
// path below the pattern.
func ExampleNew_serveMux() {
	mux := http.NewServeMux()
	mux.Handle("GET /files/", fileserver.New(fstest.MapFS{"report.csv": {Data: []byte("a,b\n")}}, fileserver.Options{}))

	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", "/files/report.csv", nil))
	fmt.Print(w.Code, " ", w.Header().Get("Content-Type"), " ", w.Body.String())
	// Output:
	// 200 text/csv; charset=utf-8 a,b
}

// A server of large files sets ConnContext, so that on Linux each goes
// out in full TCP segments; any ConnContext of the server's own wraps it.
func ExampleConnContext() {
	root, err := os.OpenRoot(os.TempDir())
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := &http.Server{
		Addr:        "127.0.0.1:8000",
		Handler:     fileserver.New(fileserver.RootFS(root), fileserver.Options{}),
		ConnContext: fileserver.ConnContext,
	}
	_ = srv // srv.ListenAndServe()
}
