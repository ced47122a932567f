package fileserver_test

import (
	"crypto/subtle"
	"embed"
	"fmt"
	"io/fs"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/pyhttp/httpserver/cgihandler"
	"github.com/pyhttp/httpserver/fileserver"
	"github.com/pyhttp/httpserver/middleware"
)

//go:embed testdata/embedded
var embedded embed.FS

// Serving an embed.FS: its files have no modification time, so they get
// content-hash ETags and caches still revalidate them.
func Example_embed() {
	site, err := fs.Sub(embedded, "testdata/embedded")
	if err != nil {
		log.Fatal(err)
	}
	h := fileserver.New(site, fileserver.Options{})

	for _, target := range []string{"/", "/css/site.css"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		fmt.Println(target, w.Code, w.Header().Get("Content-Type"), len(w.Header().Get("Etag")) == 34)
	}
	// Output:
	// / 200 text/html; charset=utf-8 true
	// /css/site.css 200 text/css; charset=utf-8 true
}

// basicAuth is an app's own middleware: the handlers wrap like any other.
func basicAuth(user, password string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u, p, ok := r.BasicAuth()
			if !ok || subtle.ConstantTimeCompare([]byte(u+"\x00"+p), []byte(user+"\x00"+password)) != 1 {
				w.Header().Set("WWW-Authenticate", `Basic realm="files"`)
				http.Error(w, "Unauthorized", http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// An existing chi app with static files under /static/ behind Basic auth
// and CGI scripts under /cgi-bin/, logged in Python's format.
func Example_chiApp() {
	dir, _ := os.MkdirTemp("", "app")
	defer os.RemoveAll(dir)
	os.MkdirAll(filepath.Join(dir, "static"), 0o755)
	os.MkdirAll(filepath.Join(dir, "cgi-bin"), 0o755)
	os.WriteFile(filepath.Join(dir, "static", "app.css"), []byte("body{}\n"), 0o644)

	root, err := os.OpenRoot(filepath.Join(dir, "static"))
	if err != nil {
		log.Fatal(err)
	}
	defer root.Close()

	accessLog := middleware.NewAccessLog(os.Stdout, middleware.AccessLogOptions{
		Now: func() time.Time { return time.Date(2026, 11, 23, 18, 53, 0, 0, time.Local) },
	})
	r := chi.NewRouter()
	r.Use(accessLog.Handler)
	r.With(basicAuth("ada", "lovelace")).Handle("/static/*", fileserver.New(fileserver.RootFS(root), fileserver.Options{}))
	site, err := os.OpenRoot(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer site.Close()
	r.Handle("/cgi-bin/*", cgihandler.New(site, cgihandler.Options{}))

	for _, auth := range []bool{false, true} {
		req := httptest.NewRequest("GET", "/static/app.css", nil)
		if auth {
			req.SetBasicAuth("ada", "lovelace")
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
	}
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/cgi-bin/missing.sh", nil))
	// Output:
	// 192.0.2.1 - - [23/Nov/2026 18:53:00] "GET /static/app.css HTTP/1.1" 401 -
	// 192.0.2.1 - - [23/Nov/2026 18:53:00] "GET /static/app.css HTTP/1.1" 200 -
	// 192.0.2.1 - - [23/Nov/2026 18:53:00] code 404, message No such CGI script
	// 192.0.2.1 - - [23/Nov/2026 18:53:00] "GET /cgi-bin/missing.sh HTTP/1.1" 404 -
}
