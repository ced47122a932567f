package access_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

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

// Basic authentication in front of a file server: reading is anonymous,
// and the user that an htpasswd file's bcrypt hash verifies reaches the
// handlers (and the access log, and CGI's REMOTE_USER) through the
// request's context. The line is as "htpasswd -B -C 5 -c FILE ann"
// writes it, for the password "correct horse".
func ExamplePolicy_BasicAuth() {
	users, err := access.ParseHtpasswd(strings.NewReader(
		"ann:$2y$05$KJBXuh7x5lUjWQerOxJnKeqONZf42CUs.ggMHF.BLh46lx0FW5a9.\n"))
	if err != nil {
		log.Fatal(err)
	}
	policy, err := access.New(access.Options{Authenticate: access.Writers, Realm: "files"})
	if err != nil {
		log.Fatal(err)
	}
	whoami := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "user %q", access.User(r.Context()))
	})
	h := policy.BasicAuth(users)(whoami)

	for _, password := range []string{"", "correct horse", "wrong"} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if password != "" {
			r.SetBasicAuth("ann", password)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code == http.StatusUnauthorized {
			fmt.Println(w.Code, w.Header().Get("WWW-Authenticate"))
			continue
		}
		fmt.Println(w.Code, w.Body)
	}
	// Output:
	// 200 user ""
	// 200 user "ann"
	// 401 Basic realm="files", charset="UTF-8"
}
