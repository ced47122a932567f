// Command chiapp is the README's embedding example: a chi app that serves
// ./public under /static/ with Python's access log, beside chi's own
// middleware. A test keeps the README's copy identical to this file.
package main

import (
	"log"
	"net/http"
	"os"

	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"

	"github.com/pyhttp/httpserver/fileserver"
	httpmw "github.com/pyhttp/httpserver/middleware"
)

func main() {
	root, err := os.OpenRoot("public") // confines every request to ./public
	if err != nil {
		log.Fatal(err)
	}
	r := chi.NewRouter()
	r.Use(chimw.Heartbeat("/healthz")) // chi's middleware and ours side by side
	r.Use(httpmw.NewAccessLog(os.Stderr, httpmw.AccessLogOptions{}).Handler)
	r.Mount("/static", fileserver.New(fileserver.RootFS(root), fileserver.Options{HideDotfiles: true}))
	r.Get("/", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("home page\n"))
	})
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", r))
}
