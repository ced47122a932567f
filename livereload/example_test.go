package livereload_test

import (
	"bufio"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/pyhttp/httpserver/fileserver"
	"github.com/pyhttp/httpserver/livereload"
)

// A file server whose pages reload when their files change.
func Example() {
	dir, err := os.MkdirTemp("", "site")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	page := filepath.Join(dir, "index.html")
	os.WriteFile(page, []byte("<h1>Hello</h1></body>"), 0o644)
	root, err := os.OpenRoot(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer root.Close()

	lr, err := livereload.New(dir, livereload.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer lr.Close()
	files := fileserver.New(fileserver.RootFS(root), fileserver.Options{})
	srv := httptest.NewUnstartedServer(lr.Handler(files))
	srv.Config.RegisterOnShutdown(func() { lr.Close() })
	srv.Start()
	defer srv.Close()

	// The page, with the script.
	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(string(body))

	// What the script listens to, told of an edit.
	resp, err = http.Get(srv.URL + "/.httpserver/events")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	os.WriteFile(page, []byte("<h1>Hello again</h1></body>"), 0o644)
	events := bufio.NewScanner(resp.Body)
	for events.Scan() {
		if line := events.Text(); strings.HasPrefix(line, "event: ") {
			fmt.Println(line)
			break
		}
	}
	// Output:
	// <h1>Hello</h1><script src=".httpserver/live.js"></script></body>
	// event: reload
}
