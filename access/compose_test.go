package access_test

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"golang.org/x/crypto/bcrypt"

	"github.com/pyhttp/httpserver/access"
	"github.com/pyhttp/httpserver/fileserver"
)

// TestBasicAuthMounted: authentication is not skipped under a mount
// prefix (dufs #138, auth skipped with --path-prefix), whether the
// middleware is the router's or wraps the mounted handler, and a JSON
// listing says nothing without credentials (gohttpserver #231).
func TestBasicAuthMounted(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "secret-name.txt"), []byte("top secret"), 0o644)
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	hash, _ := bcrypt.GenerateFromPassword([]byte("s3:cret"), bcrypt.MinCost)
	users, err := access.ParseHtpasswd(strings.NewReader("ann:" + string(hash)))
	if err != nil {
		t.Fatal(err)
	}
	policy, err := access.New(access.Options{Authenticate: access.Everyone})
	if err != nil {
		t.Fatal(err)
	}
	files := fileserver.New(fileserver.RootFS(root), fileserver.Options{Access: policy})

	useRouter := chi.NewRouter()
	useRouter.Use(policy.BasicAuth(users))
	useRouter.Mount("/files", http.StripPrefix("/files", files))

	wrapMounted := chi.NewRouter()
	wrapMounted.Mount("/files", policy.BasicAuth(users)(http.StripPrefix("/files", files)))

	mux := http.NewServeMux()
	mux.Handle("/files/", http.StripPrefix("/files", policy.BasicAuth(users)(files)))

	// Without BasicAuth at all, the Policy alone still refuses.
	bare := http.NewServeMux()
	bare.Handle("/files/", http.StripPrefix("/files", files))

	for name, h := range map[string]http.Handler{"chi Use": useRouter, "chi Mount": wrapMounted, "ServeMux": mux, "Policy only": bare} {
		srv := httptest.NewServer(h)
		for _, tt := range []struct {
			path, accept string
		}{
			{"/files/secret-name.txt", ""},
			{"/files/", ""},
			{"/files/?format=json", ""},
			{"/files/", "application/json"},
			{"/files//secret-name.txt", ""},
			{"/files/./secret-name.txt", ""},
			{"/files/%2e/secret-name.txt", ""},
		} {
			req, _ := http.NewRequest("GET", srv.URL+tt.path, nil)
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			for _, auth := range []string{"", "Basic " + base64.StdEncoding.EncodeToString([]byte("ann:wrong"))} {
				if auth != "" {
					req.Header.Set("Authorization", auth)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if name == "Policy only" && auth != "" {
					continue // nothing there checks a password
				}
				if resp.StatusCode != http.StatusUnauthorized && (name != "Policy only" || resp.StatusCode != http.StatusMovedPermanently) {
					t.Errorf("%s: GET %s (Authorization %q): status %d; want 401", name, tt.path, auth, resp.StatusCode)
				}
				if strings.Contains(string(body), "secret") {
					t.Errorf("%s: GET %s: body leaks:\n%s", name, tt.path, body)
				}
			}
			req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("ann:s3:cret")))
			if name != "Policy only" && tt.path == "/files/secret-name.txt" {
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || string(body) != "top secret" {
					t.Errorf("%s: GET %s as ann: status %d, %q", name, tt.path, resp.StatusCode, body)
				}
			}
		}
		srv.Close()
	}
}
