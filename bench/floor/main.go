// Command floor is the limit of any net/http file server: a handler that
// writes one file's bytes from memory with the headers cmd/httpserver
// sends for it (Accept-Ranges, Content-Length, Content-Type, ETag,
// Last-Modified, Server, X-Content-Type-Options; net/http adds Date), and
// does nothing else: no file system, no conditional or range requests,
// no logging. bench/run.sh reports ours ÷ floor.
//
//	floor -addr 127.0.0.1:8080 -file /tmp/corpus/1k.txt
//	floor -addr 127.0.0.1:8443 -file … -cert cert.pem -key key.pem   # HTTPS, HTTP/2
//
// Over TLS it uses net/http's default HTTP/2 settings: the floor that
// tuning is measured against.
package main

import (
	"flag"
	"fmt"
	"log"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	file := flag.String("file", "", "the file whose bytes every request gets")
	cert := flag.String("cert", "", "PEM certificate: serve HTTPS (HTTP/2 and HTTP/1.1)")
	key := flag.String("key", "", "PEM key for -cert")
	flag.Parse()
	body, err := os.ReadFile(*file)
	if err != nil {
		log.Fatal(err)
	}
	info, err := os.Stat(*file)
	if err != nil {
		log.Fatal(err)
	}
	ctype := mime.TypeByExtension(filepath.Ext(*file))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	mtime := info.ModTime()
	// The header values, made once: what a server that knew its file
	// never changes could do.
	values := map[string][]string{
		"Accept-Ranges":          {"bytes"},
		"Content-Length":         {strconv.Itoa(len(body))},
		"Content-Type":           {ctype},
		"Etag":                   {fmt.Sprintf(`"%x-%x"`, mtime.UnixNano(), len(body))},
		"Last-Modified":          {mtime.UTC().Format(http.TimeFormat)},
		"Server":                 {"floor Go"},
		"X-Content-Type-Options": {"nosniff"},
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range values {
			h[k] = v
		}
		if r.Method != http.MethodHead {
			w.Write(body)
		}
	})
	srv := &http.Server{Addr: *addr, Handler: handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 30 * time.Second}
	if *cert != "" {
		log.Fatal(srv.ListenAndServeTLS(*cert, *key))
	}
	log.Fatal(srv.ListenAndServe())
}
