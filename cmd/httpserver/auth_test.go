package main

import (
	"encoding/base64"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/pyhttp/httpserver/internal/app"
)

// The password has ':' in it (dufs #449), and a word the logs and pages
// are searched for.
const authPassword = "open:sesame-77"

// writeHtpasswd writes an htpasswd file for user with authPassword, as
// "htpasswd -B" would ($2y$), at bcrypt's lowest cost.
func writeHtpasswd(t testing.TB, user string) string {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(authPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "users.htpasswd")
	line := "# made for the test\n" + user + ":$2y$" + string(hash[4:]) + "\n"
	if err := os.WriteFile(name, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

func basicHeader(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

// authSite is site with a CGI script that prints what it was told of the
// user, and a live-reload tree.
func authSite(t *testing.T) string {
	dir := site(t)
	writeSiteFile(t, dir, "cgi-bin/whoami.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\nuser=%s type=%s auth=%s\\n' \"$REMOTE_USER\" \"$AUTH_TYPE\" \"$HTTP_AUTHORIZATION\"\n")
	return dir
}

// TestAuthEveryEntryPoint: with --auth-file (scope all), every entry
// point answers 401 with the challenge to a request without credentials
// or with wrong ones, and shows nothing of the tree; a CORS preflight,
// which browsers send without credentials, is answered by CORS alone.
// The right credentials reach everything, CGI sees the verified user,
// and the log names the user but never the credentials.
func TestAuthEveryEntryPoint(t *testing.T) {
	dir := authSite(t)
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--cgi", "--live-reload", "--cors", "--log-format", "combined",
		"--auth-file", writeHtpasswd(t, "ann"), "--shutdown-grace", "1s")
	entries := []struct{ method, path, accept string }{
		{"GET", "/hello.txt", ""},
		{"HEAD", "/hello.txt", ""},
		{"GET", "/", ""},
		{"GET", "/docs/", ""},
		{"GET", "/docs", ""}, // the redirect to /docs/
		{"GET", "/?format=json", ""},
		{"GET", "/", "application/json"},
		{"GET", "/.env", ""},
		{"GET", "/missing", ""},
		{"GET", "/cgi-bin/hello.sh", ""},
		{"POST", "/cgi-bin/hello.sh", ""},
		{"GET", "/cgi-bin/whoami.sh", ""},
		{"GET", "/.httpserver/live.js", ""},
		{"GET", "/.httpserver/events", "text/event-stream"},
		{"GET", "/.httpserver/nothing", ""},
		{"PUT", "/new.txt", ""},
		{"DELETE", "/hello.txt", ""},
		{"OPTIONS", "/", ""},
		{"POST", "/", ""},
	}
	for _, e := range entries {
		for _, auth := range []string{"", basicHeader("ann", "wrong"), basicHeader("bob", authPassword), "Bearer " + authPassword} {
			header := []string{"Origin", "https://other.example"}
			if e.accept != "" {
				header = append(header, "Accept", e.accept)
			}
			if auth != "" {
				header = append(header, "Authorization", auth)
			}
			resp, body := send(t, e.method, s.base+e.path, header...)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s %s (Authorization %q): status %d; want 401", e.method, e.path, auth, resp.StatusCode)
			}
			if got := resp.Header.Get("WWW-Authenticate"); got != `Basic realm="httpserver", charset="UTF-8"` {
				t.Errorf("%s %s: WWW-Authenticate %q", e.method, e.path, got)
			}
			for _, leak := range []string{"hello", "docs", "cgi", "SECRET", "a.txt", "sesame", "live", "whoami"} {
				if strings.Contains(body, leak) {
					t.Errorf("%s %s (Authorization %q): body has %q:\n%s", e.method, e.path, auth, leak, body)
				}
			}
		}
	}

	// A preflight: answered by CORS with no content and no challenge.
	resp, body := send(t, "OPTIONS", s.base+"/hello.txt", "Origin", "https://other.example", "Access-Control-Request-Method", "GET")
	if resp.StatusCode != http.StatusNoContent || body != "" || resp.Header.Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("preflight: status %d, credentials %q, body %q; want 204, none, none", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Credentials"), body)
	}

	// The right credentials.
	auth := []string{"Authorization", basicHeader("ann", authPassword)}
	for _, tt := range []struct {
		path string
		code int
		want string
	}{
		{"/hello.txt", 200, "hello\n"},
		{"/", 200, "docs/"},
		{"/?format=json", 200, `"hello.txt"`},
		{"/cgi-bin/hello.sh", 200, "hello from cgi GET"},
		{"/cgi-bin/whoami.sh", 200, "user=ann type=Basic auth=\n"},
		{"/.httpserver/live.js", 200, "EventSource"},
		{"/missing", 404, "File not found"},
	} {
		resp, body := get(t, s.base+tt.path, auth...)
		if resp.StatusCode != tt.code || !strings.Contains(body, tt.want) {
			t.Errorf("GET %s as ann: %d; want %d and %q\n%.300s", tt.path, resp.StatusCode, tt.code, tt.want, body)
		}
	}

	s.stop()
	logs := s.stderr.String()
	if !strings.Contains(logs, `127.0.0.1 - ann [`) || !strings.Contains(logs, `"GET /cgi-bin/whoami.sh HTTP/1.1" 200`) {
		t.Errorf("the log does not name ann:\n%s", logs)
	}
	if !strings.Contains(logs, `127.0.0.1 - - [`) || !strings.Contains(logs, `" 401 `) {
		t.Errorf("the log does not show the refusals:\n%s", logs)
	}
	for _, secret := range []string{authPassword, "sesame", base64.StdEncoding.EncodeToString([]byte("ann:" + authPassword)), base64.StdEncoding.EncodeToString([]byte("ann:wrong")), "Authorization", "Basic "} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log has %q:\n%s", secret, logs)
		}
	}
}

// TestAuthScopeWrite: with --auth-scope write, reading is anonymous, but
// credentials that are sent must still be right.
func TestAuthScopeWrite(t *testing.T) {
	dir := authSite(t)
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--cgi", "--auth-file", writeHtpasswd(t, "ann"), "--auth-scope", "write", "--log-format", "json")
	for _, tt := range []struct {
		path, auth string
		code       int
		want       string
	}{
		{"/hello.txt", "", 200, "hello"},
		{"/?format=json", "", 200, "hello.txt"},
		{"/cgi-bin/whoami.sh", "", 200, "user= type= auth="},
		{"/hello.txt", basicHeader("ann", "wrong"), 401, ""},
		{"/cgi-bin/whoami.sh", basicHeader("ann", "wrong"), 401, ""},
		{"/hello.txt", basicHeader("ann", authPassword), 200, "hello"},
		{"/cgi-bin/whoami.sh", basicHeader("ann", authPassword), 200, "user=ann type=Basic auth=\n"},
	} {
		var header []string
		if tt.auth != "" {
			header = []string{"Authorization", tt.auth}
		}
		resp, body := get(t, s.base+tt.path, header...)
		if resp.StatusCode != tt.code || !strings.Contains(body, tt.want) {
			t.Errorf("GET %s (Authorization %q): %d; want %d and %q\n%.300s", tt.path, tt.auth, resp.StatusCode, tt.code, tt.want, body)
		}
	}
	s.stop()
	logs := s.stderr.String()
	if !strings.Contains(logs, `"user":"ann"`) || strings.Contains(logs, authPassword) {
		t.Errorf("json log: want the user, not the password:\n%s", logs)
	}
}

// TestAuthUploads: with --auth-scope write, reading stays anonymous and
// every change needs a verified user; the upload's log line names the
// user, and a denied name is 404 even to a user. Nothing anonymous
// reaches the disk.
func TestAuthUploads(t *testing.T) {
	dir := authSite(t)
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--upload", "--delete", "--deny", "*.key",
		"--auth-file", writeHtpasswd(t, "ann"), "--auth-scope", "write")
	ann := basicHeader("ann", authPassword)
	for _, tt := range []struct {
		method, path, auth string
		code               int
	}{
		{"PUT", "/anon.txt", "", 401},
		{"PUT", "/anon.txt", basicHeader("ann", "wrong"), 401},
		{"MKCOL", "/anon-dir", "", 401},
		{"DELETE", "/hello.txt", "", 401},
		{"GET", "/hello.txt", "", 200},
		{"PUT", "/ann.txt", ann, 201},
		{"PUT", "/id.key", ann, 404},
		{"DELETE", "/ann.txt", ann, 204},
		{"PUT", "/kept.txt", ann, 201},
	} {
		req, err := http.NewRequest(tt.method, s.base+tt.path, strings.NewReader("body"))
		if err != nil {
			t.Fatal(err)
		}
		if tt.auth != "" {
			req.Header.Set("Authorization", tt.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.code {
			t.Errorf("%s %s (Authorization %q): %d; want %d", tt.method, tt.path, tt.auth, resp.StatusCode, tt.code)
		}
	}
	for name, want := range map[string]bool{"anon.txt": false, "anon-dir": false, "hello.txt": true, "ann.txt": false, "id.key": false, "kept.txt": true} {
		if _, err := os.Lstat(filepath.Join(dir, name)); (err == nil) != want {
			t.Errorf("%s on disk: %v; want %v", name, err == nil, want)
		}
	}
	if !waitContains(t, s.stderr, "user=ann") {
		t.Errorf("no upload log line names ann:\n%s", s.stderr)
	}
	s.stop()
	if logs := s.stderr.String(); strings.Contains(logs, authPassword) {
		t.Errorf("the log holds the password:\n%s", logs)
	}
}

// TestAuthFileErrors: a bad --auth-file stops the command before it
// listens, with a message that names the file and line but never the
// hash; --auth-scope without --auth-file is a usage error.
func TestAuthFileErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(data), 0o600)
		return p
	}
	apr1 := "$apr1$rDmXKlWS$EK3dnB9WbaKFYQFMz.nEr/"
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--auth-file", filepath.Join(dir, "missing")}, 1, "--auth-file: open " + filepath.Join(dir, "missing") + ": no such file or directory"},
		{[]string{"--auth-file", write("empty", "")}, 1, "no users"},
		{[]string{"--auth-file", write("comments", "# nobody\n\n")}, 1, "no users"},
		{[]string{"--auth-file", write("apr1", "# c\nann:"+apr1+"\n")}, 1, `htpasswd line 2: user "ann": $apr1$ (Apache MD5) hashes are not supported; use bcrypt (htpasswd -B)`},
		{[]string{"--auth-file", write("sha", "ann:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n")}, 1, "{SHA} (SHA-1)"},
		{[]string{"--auth-file", write("plain", "ann:hunter2\n")}, 1, "crypt or plain-text"},
		{[]string{"--auth-file", dir}, 1, "--auth-file"},
		{[]string{"--auth-scope", "write"}, 2, "--auth-scope requires --auth-file"},
		{[]string{"--auth-file", write("x", ""), "--auth-scope", "read"}, 2, `argument --auth-scope: "read" is not all or write`},
	} {
		args := append([]string{"0", "-b", "127.0.0.1", "-d", dir}, tt.args...)
		err := run(nil, args, new(syncBuffer), new(syncBuffer))
		if err == nil || !strings.Contains(err.Error(), tt.want) || exitCode(err) != tt.code {
			t.Errorf("run(%q) = %v (exit %d); want exit %d and %q", tt.args, err, exitCode(err), tt.code, tt.want)
			continue
		}
		if strings.Contains(err.Error(), "rDmXKlWS") || strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "W6ph5M") {
			t.Errorf("run(%q): error %q repeats the hash", tt.args, err)
		}
	}

	// The file inside the served directory: refused unless denied.
	served := t.TempDir()
	hash, _ := os.ReadFile(writeHtpasswd(t, "ann"))
	os.WriteFile(filepath.Join(served, ".htpasswd"), hash, 0o600)
	os.MkdirAll(filepath.Join(served, "conf"), 0o755)
	os.WriteFile(filepath.Join(served, "conf", "users"), hash, 0o600)
	for _, tt := range []struct {
		args []string
		want string // "" for no error
	}{
		{[]string{"--auth-file", filepath.Join(served, ".htpasswd")}, "--auth-file: " + filepath.Join(served, ".htpasswd") + " is inside the served directory, where clients could download its hashes; move it out, or add --deny .htpasswd"},
		{[]string{"--auth-file", filepath.Join(served, "conf", "..", "conf", "users")}, "add --deny conf/users"},
		{[]string{"--auth-file", filepath.Join(served, "conf", "users"), "--hide", "users"}, "add --deny conf/users"}, // hidden is still served
		{[]string{"--auth-file", filepath.Join(served, ".htpasswd"), "--hide-dotfiles"}, ""},
		{[]string{"--auth-file", filepath.Join(served, "conf", "users"), "--deny", "conf"}, ""},
	} {
		args := append([]string{"0", "-b", "127.0.0.1", "-d", served}, tt.args...)
		if tt.want == "" {
			start(t, args...).stop()
			continue
		}
		err := run(nil, args, new(syncBuffer), new(syncBuffer))
		if err == nil || !strings.Contains(err.Error(), tt.want) || exitCode(err) != 1 {
			t.Errorf("run(%q) = %v; want exit 1 and %q", tt.args, err, tt.want)
		}
	}
	// Reached through a symlink to the served directory, too.
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(served, link); err == nil {
		err := run(nil, []string{"0", "-b", "127.0.0.1", "-d", served, "--auth-file", filepath.Join(link, ".htpasswd")}, new(syncBuffer), new(syncBuffer))
		if err == nil || !strings.Contains(err.Error(), "inside the served directory") {
			t.Errorf("--auth-file through a symlink: %v", err)
		}
	}

	if os.Geteuid() != 0 {
		unreadable := write("unreadable", "")
		os.Chmod(unreadable, 0)
		err := run(nil, []string{"0", "-b", "127.0.0.1", "-d", dir, "--auth-file", unreadable}, new(syncBuffer), new(syncBuffer))
		if err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("unreadable --auth-file: %v", err)
		}
	}
}

func TestAuthWarnings(t *testing.T) {
	lo := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8000}
	all := &net.TCPAddr{IP: net.IPv4zero, Port: 8000}
	lan := &net.TCPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 8000}
	for _, tt := range []struct {
		cfg  config
		addr net.Addr
		tls  bool
		want []string // substrings, one per warning
	}{
		{config{}, all, false, nil},
		{config{authFile: "f"}, lo, false, nil},
		{config{authFile: "f"}, all, false, []string{"clear text"}},
		{config{authFile: "f"}, lan, false, []string{"clear text"}},
		{config{authFile: "f"}, all, true, nil},
		{config{Config: app.Config{Upload: true}}, lo, false, []string{"no --auth-file"}},
		{config{Config: app.Config{Delete: true}, authFile: "f"}, lo, false, nil},
		{config{Config: app.Config{Delete: true}, authFile: "f"}, lan, false, []string{"clear text"}},
	} {
		got := warnings(tt.cfg, tt.addr, tt.tls)
		if len(got) != len(tt.want) || !slices.EqualFunc(got, tt.want, strings.Contains) {
			t.Errorf("warnings(auth %q, writes %v, %v, tls %v) = %q; want %q", tt.cfg.authFile, tt.cfg.Upload || tt.cfg.Delete, tt.addr, tt.tls, got, tt.want)
		}
	}
	// Through the command: on loopback, no warning (written before the
	// banner, which start waited for).
	s := start(t, "0", "-b", "127.0.0.1", "-d", t.TempDir(), "--auth-file", writeHtpasswd(t, "ann"))
	if strings.Contains(s.stderr.String(), "warning") {
		t.Errorf("loopback: %q", s.stderr.String())
	}
}
