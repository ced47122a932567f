package fileserver_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/pyhttp/httpserver/fileserver"
)

// A file whose name is not UTF-8 ("caf\xe9.txt", café in Latin-1, as an
// old archive may hold it) is listed and served under RootFS; root.FS()
// cannot open it. (This example runs on Linux only: macOS's APFS refuses
// such names.)
func ExampleRootFS() {
	dir, err := os.MkdirTemp("", "example-rootfs")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "caf\xe9.txt"), []byte("crème\n"), 0o644); err != nil {
		fmt.Println(err)
		return
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer root.Close()
	h := fileserver.New(fileserver.RootFS(root), fileserver.Options{})

	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/?format=json", nil))
	// The listing's JSON, as the listing package documents it.
	var l struct {
		Entries []struct{ Name, URL string }
	}
	if err := json.Unmarshal(w.Body.Bytes(), &l); err != nil {
		fmt.Println(err)
		return
	}
	e := l.Entries[0]
	fmt.Printf("listed as %q, linked as %q\n", e.Name, e.URL)

	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/"+e.URL, nil))
	fmt.Print("RootFS: ", w.Code, " ", w.Body.String())

	w = httptest.NewRecorder()
	quiet := fileserver.Options{ErrorLog: slog.New(slog.DiscardHandler)} // it logs the EINVAL
	fileserver.New(root.FS(), quiet).ServeHTTP(w, httptest.NewRequest("GET", "/"+e.URL, nil))
	fmt.Println("root.FS():", w.Code)
	// Output:
	// listed as "caf�.txt", linked as "caf%E9.txt"
	// RootFS: 200 crème
	// root.FS(): 404
}
