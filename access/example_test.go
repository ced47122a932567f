package access_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/pyhttp/httpserver/access"
	"github.com/pyhttp/httpserver/fileserver"
)

// A file server that never serves the .git directory or key files, and
// leaves node_modules out of its listings.
func Example() {
	policy, err := access.New(access.Options{
		Hide: []string{"node_modules"},
		Deny: []string{"**/.git", "*.key"},
	})
	if err != nil {
		log.Fatal(err)
	}
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	os.MkdirAll(filepath.Join(dir, ".git"), 0o755)
	os.WriteFile(filepath.Join(dir, ".git", "config"), []byte("[core]"), 0o644)
	os.WriteFile(filepath.Join(dir, "server.key"), []byte("secret"), 0o600)
	root, err := os.OpenRoot(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer root.Close()

	h := fileserver.New(fileserver.RootFS(root), fileserver.Options{Access: policy})
	for _, path := range []string{"/.git/config", "/server.key", "/"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		fmt.Println(path, w.Code)
	}
	fmt.Println(policy.Hidden("web/node_modules"), policy.Denied("a/.git/HEAD"))
	// Output:
	// /.git/config 404
	// /server.key 404
	// / 200
	// true true
}
