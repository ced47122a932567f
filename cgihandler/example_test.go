//go:build unix

package cgihandler_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/pyhttp/httpserver/cgihandler"
	"github.com/pyhttp/httpserver/fileserver"
)

func ExampleNew() {
	// A served root with one script in its cgi-bin.
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755) // readable by nobody, whom scripts run as under root
	os.Mkdir(filepath.Join(dir, "cgi-bin"), 0o755)
	script := "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\necho \"Hello from $SCRIPT_NAME, PATH_INFO=$PATH_INFO\"\n"
	os.WriteFile(filepath.Join(dir, "cgi-bin", "hello.sh"), []byte(script), 0o755)

	// The caller keeps the root open while the Handler serves.
	root, err := os.OpenRoot(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer root.Close()
	srv := httptest.NewServer(cgihandler.New(root, cgihandler.Options{}))
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/cgi-bin/hello.sh/extra")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.Status)
	fmt.Print(string(body))
	// Output:
	// 200 OK
	// Hello from /cgi-bin/hello.sh, PATH_INFO=/extra
}

func ExampleHandler_Match() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	// One root for both handlers.
	root, err := os.OpenRoot(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer root.Close()
	cgi := cgihandler.New(root, cgihandler.Options{})
	files := fileserver.New(root.FS(), fileserver.Options{})

	// Route on Match, never on the raw path: every spelling of a script's
	// URL goes to the CGI handler, so the file server cannot leak its
	// source.
	router := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if cgi.Match(r) {
			cgi.ServeHTTP(w, r)
			return
		}
		files.ServeHTTP(w, r)
	})
	_ = router

	for _, target := range []string{
		"/cgi-bin/script.sh",
		"/cgi-bin%2fscript.sh",
		"/%2e/cgi-bin/script.sh",
		"//cgi-bin/script.sh",
		"/cgi-bin/../index.html",
		"/cgi-binx/script.sh",
		"/cgi-bin", // the directory: the file server redirects it to cgi-bin/
		"/cgi-bin/",
	} {
		r := httptest.NewRequest(http.MethodGet, target, nil)
		fmt.Printf("%-24s CGI: %v\n", target, cgi.Match(r))
	}
	// Output:
	// /cgi-bin/script.sh       CGI: true
	// /cgi-bin%2fscript.sh     CGI: true
	// /%2e/cgi-bin/script.sh   CGI: true
	// //cgi-bin/script.sh      CGI: true
	// /cgi-bin/../index.html   CGI: false
	// /cgi-binx/script.sh      CGI: false
	// /cgi-bin                 CGI: false
	// /cgi-bin/                CGI: true
}

func ExampleHandler_ServeHTTP() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	os.Mkdir(filepath.Join(dir, "cgi-bin"), 0o755)
	// The script sets its own status and headers (RFC 3875 §6.3).
	script := "#!/bin/sh\nprintf 'Status: 404 Not Found\\nContent-Type: text/plain\\nX-Script: yes\\n\\nnothing for %s\\n' \"$QUERY_STRING\"\n"
	os.WriteFile(filepath.Join(dir, "cgi-bin", "find.sh"), []byte(script), 0o755)

	root, err := os.OpenRoot(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer root.Close()
	h := cgihandler.New(root, cgihandler.Options{})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/cgi-bin/find.sh?q=gopher", nil))
	fmt.Println(rec.Code, rec.Header().Get("X-Script"))
	fmt.Print(rec.Body.String())
	// Output:
	// 404 yes
	// nothing for q=gopher
}
