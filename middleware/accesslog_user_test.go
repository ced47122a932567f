package middleware

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/pyhttp/httpserver/access"
)

// TestAccessLogUser: the user that authentication inside the log
// verified is the user field of common and combined, and the "user" key
// of json; Python's line has no such field and stays as it was. No
// format ever writes the Authorization header, the password or its
// base64.
func TestAccessLogUser(t *testing.T) {
	const password = "pass:w0rd"
	hash, _ := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	users, err := access.ParseHtpasswd(strings.NewReader("ann:" + string(hash)))
	if err != nil {
		t.Fatal(err)
	}
	policy, _ := access.New(access.Options{Authenticate: access.Writers})
	auth := policy.BasicAuth(users)
	good := "Basic " + base64.StdEncoding.EncodeToString([]byte("ann:"+password))
	bad := "Basic " + base64.StdEncoding.EncodeToString([]byte("ann:"+password+"x"))

	for _, tt := range []struct {
		format LogFormat
		want   map[string]string // Authorization → what the line has
	}{
		{Python, map[string]string{good: `192.0.2.1 - - [23/Nov/2026 18:53:00] "GET / HTTP/1.1" 200 -`, bad: "192.0.2.1 - - [23/Nov/2026 18:53:00] code 401, message Unauthorized\n192.0.2.1 - - [23/Nov/2026 18:53:00] \"GET / HTTP/1.1\" 401 -", "": `192.0.2.1 - - [23/Nov/2026 18:53:00] "GET / HTTP/1.1" 200 -`}},
		{Common, map[string]string{good: `192.0.2.1 - ann [23/Nov/2026:18:53:00 +0100] "GET / HTTP/1.1" 200 5`, bad: `192.0.2.1 - - [`, "": `192.0.2.1 - - [`}},
		{Combined, map[string]string{good: `192.0.2.1 - ann [23/Nov/2026:18:53:00 +0100] "GET / HTTP/1.1" 200 5 "-" "-"`, bad: `192.0.2.1 - - [`, "": `192.0.2.1 - - [`}},
		{JSON, map[string]string{good: `"user":"ann"`, bad: `"status":401`, "": `"status":200`}},
	} {
		for header, want := range tt.want {
			var buf bytes.Buffer
			a := NewAccessLog(&buf, AccessLogOptions{Format: tt.format, Now: fixedNow})
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = "192.0.2.1:1234"
			if header != "" {
				r.Header.Set("Authorization", header)
			}
			a.Handler(auth(http.HandlerFunc(ok))).ServeHTTP(httptest.NewRecorder(), r)
			line := buf.String()
			if !strings.Contains(line, want) {
				t.Errorf("%v, Authorization %q: line\n%s\nwant it to contain\n%s", tt.format, header, line, want)
			}
			if header != good && strings.Contains(line, "ann") || tt.format == Python && strings.Contains(line, "ann") {
				t.Errorf("%v, Authorization %q: line names a user it should not:\n%s", tt.format, header, line)
			}
			for _, secret := range []string{password, "w0rd", header[min(len(header), 6):], "Authorization", "Basic"} {
				if secret != "" && strings.Contains(line, secret) {
					t.Errorf("%v: line has %q:\n%s", tt.format, secret, line)
				}
			}
		}
	}
}

// TestAccessLogUserOutside: authentication that ran outside the log (its
// user already in the request's context) is logged too, escaped.
func TestAccessLogUserOutside(t *testing.T) {
	var buf bytes.Buffer
	a := NewAccessLog(&buf, AccessLogOptions{Format: Common, Now: fixedNow})
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "192.0.2.1:1234"
	r = r.WithContext(access.WithUser(r.Context(), "b\x1b[31mob"))
	a.Handler(http.HandlerFunc(ok)).ServeHTTP(httptest.NewRecorder(), r)
	if want := `192.0.2.1 - b\x1b[31mob [`; !strings.HasPrefix(buf.String(), want) {
		t.Errorf("line %q; want prefix %q", buf.String(), want)
	}
}
