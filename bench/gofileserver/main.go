// Command gofileserver is the benchmark's floor: Go's own
// http.FileServer over a directory, plus net/http/cgi for /cgi-bin/, with
// nothing else. bench/run.sh compares cmd/httpserver against it.
//
//	gofileserver -addr 127.0.0.1:8080 -root /tmp/corpus
package main

import (
	"flag"
	"log"
	"net/http"
	"net/http/cgi"
	"path/filepath"
	"strings"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	root := flag.String("root", ".", "directory to serve")
	flag.Parse()
	files := http.FileServer(http.Dir(*root))
	mux := http.NewServeMux()
	mux.Handle("/", files)
	// The script name is the first element under /cgi-bin/, as Python
	// and lighttpd map it; cgi.Handler needs one Handler per script.
	mux.HandleFunc("/cgi-bin/", func(w http.ResponseWriter, r *http.Request) {
		name, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/cgi-bin/"), "/")
		h := &cgi.Handler{Path: filepath.Join(*root, "cgi-bin", filepath.Base(name)), Root: "/cgi-bin/" + name}
		h.ServeHTTP(w, r)
	})
	log.Fatal(http.ListenAndServe(*addr, mux))
}
