//go:build unix

package cgihandler_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/pyhttp/httpserver/access"
	"github.com/pyhttp/httpserver/cgihandler"
)

// TestEnvVerifiedUser: behind access.Policy.BasicAuth, a script sees
// AUTH_TYPE Basic and REMOTE_USER for a verified user, and neither the
// password nor the header; a wrong password never reaches it.
func TestEnvVerifiedUser(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("pa:ss"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	users, err := access.ParseHtpasswd(strings.NewReader("alice:" + string(hash) + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	policy, err := access.New(access.Options{Authenticate: access.Writers})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := newHandler(t, cgihandler.Options{Access: policy})
	srv := httptest.NewServer(policy.BasicAuth(users)(h))
	t.Cleanup(srv.Close)

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/cgi-bin/child?mode=env", nil)
	req.SetBasicAuth("alice", "pa:ss")
	code, _, body := do(t, req)
	env := envOf(body)
	if code != http.StatusOK || env["REMOTE_USER"] != "alice" || env["AUTH_TYPE"] != "Basic" {
		t.Errorf("verified: status %d, REMOTE_USER %q, AUTH_TYPE %q; want 200, alice, Basic", code, env["REMOTE_USER"], env["AUTH_TYPE"])
	}
	if _, ok := env["HTTP_AUTHORIZATION"]; ok || strings.Contains(body, "pa:ss") || strings.Contains(body, req.Header.Get("Authorization")[6:]) {
		t.Errorf("the credentials reached the script:\n%s", body)
	}

	req, _ = http.NewRequest(http.MethodGet, srv.URL+"/cgi-bin/child?mode=env", nil)
	req.SetBasicAuth("alice", "wrong")
	if code, _, body := do(t, req); code != http.StatusUnauthorized || strings.Contains(body, "REMOTE_") {
		t.Errorf("wrong password: status %d; want 401 and no script output\n%s", code, body)
	}

	// Anonymous, with scope Writers: the script runs, with no user.
	code, _, body = get(t, srv.URL+"/cgi-bin/child?mode=env")
	if env := envOf(body); code != http.StatusOK || env["REMOTE_USER"] != "" || env["AUTH_TYPE"] != "" {
		t.Errorf("anonymous: status %d, REMOTE_USER %q, AUTH_TYPE %q; want 200 and none", code, env["REMOTE_USER"], env["AUTH_TYPE"])
	}
}
