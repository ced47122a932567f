package middleware

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

// hostCases are hostile and friendly Host values, each sent as the Host
// header of an HTTP/1.1 request, and whether the zero AllowedHostsOptions
// let it through.
var hostCases = []struct {
	host string
	ok   bool
}{
	{"localhost", true},
	{"localhost:8000", true},
	{"LOCALHOST:8000", true},
	{"LocalHost", true},
	{"localhost.", true},
	{"localhost.:8000", true},
	{"localhost:", true}, // RFC 3986 allows an empty port
	{"app.localhost", true},
	{"a.b.localhost:1", true},
	{"127.0.0.1", true},
	{"127.0.0.1:8000", true},
	{"127.1.2.3:80", true},
	{"127.255.255.255", true},
	{"127.0.0.1.", true},
	{"[::1]", true},
	{"[::1]:8000", true},
	{"[0:0:0:0:0:0:0:1]:8000", true},
	{"[::ffff:127.0.0.1]:8000", true},
	{"[::FFFF:7F00:1]", true},

	{"evil.example", false},
	{"evil.example.", false},
	{"EVIL.EXAMPLE:8000", false},
	{"localhost.evil.example", false},
	{"localhost.evil.example:8000", false},
	{"127.0.0.1.nip.io", false},
	{"127.0.0.1.evil.example", false},
	{"xlocalhost", false},
	{"localhost..", false},
	{".localhost", false},
	{"app..localhost", false},
	{"0.0.0.0", false},
	{"10.0.0.1:8000", false},
	{"127.000.000.001", false}, // not an address netip accepts; a name then
	{"2130706433", false},      // 127.0.0.1 as one number, which some resolvers take
	{"0x7f.0.0.1", false},
	{"::1", false}, // IPv6 without brackets
	{"[::1", false},
	{"[::1]x", false},
	{"[::1]:80x", false},
	{"[::1%25lo]", false},
	{"[fe80::1%25eth0]:80", false},
	{"[127.0.0.1]", false},
	{"[fe80::1]", false},
	{"[::]", false},
	{"localhost:abc", false},
	{"localhost:-1", false},
	{"localhost:8000:8000", false},
	{"local%68ost", false},
	{"user@localhost", false},
	{"localhost/evil", false},
	{"localhost\\evil", false},
	{"localhost evil", false},
	{"lоcalhost", false}, // Cyrillic о
	{"xn--lcalhost-9aa", false},
	{strings.Repeat("a.", 200) + "localhost", false},
}

// serveRaw parses raw as net/http's server does and answers it through h.
func serveRaw(t *testing.T, h http.Handler, raw string) *httptest.ResponseRecorder {
	t.Helper()
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		t.Fatalf("%q: %v", raw, err)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestAllowedHosts(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("served")) })
	guard := AllowedHosts(AllowedHostsOptions{})(ok)
	for _, tt := range hostCases {
		w := serveRaw(t, guard, "GET / HTTP/1.1\r\nHost: "+tt.host+"\r\n\r\n")
		if got := w.Code == 200 && w.Body.String() == "served"; got != tt.ok {
			t.Errorf("Host %q: status = %d; allowed = %v, want %v", tt.host, w.Code, got, tt.ok)
		}
		if !tt.ok && (w.Code != 403 || !strings.Contains(w.Body.String(), "Error code: 403")) {
			t.Errorf("Host %q: status = %d; want 403 with the error page\n%s", tt.host, w.Code, w.Body)
		}
	}

	for _, tt := range []struct {
		name, raw string
		code      int
	}{
		{"HTTP/1.0 without Host: no browser's", "GET / HTTP/1.0\r\n\r\n", 200},
		{"HTTP/1.0 with Host", "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n", 200},
		{"empty Host: no browser's", "GET / HTTP/1.1\r\nHost: \r\n\r\n", 200},
		{"absolute-form target names the host (RFC 9112 §3.2.2)", "GET http://evil.example/ HTTP/1.1\r\nHost: localhost\r\n\r\n", 403},
		{"absolute-form target on loopback", "GET http://localhost:8000/ HTTP/1.1\r\nHost: evil.example\r\n\r\n", 200},
		{"absolute-form IPv6 target", "GET http://[::1]:8000/ HTTP/1.1\r\nHost: evil.example\r\n\r\n", 200},
		{"absolute-form with userinfo", "GET http://localhost@evil.example/ HTTP/1.1\r\nHost: localhost\r\n\r\n", 403},
		{"OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: evil.example\r\n\r\n", 403},
	} {
		if w := serveRaw(t, guard, tt.raw); w.Code != tt.code {
			t.Errorf("%s: status = %d; want %d", tt.name, w.Code, tt.code)
		}
	}
}

func TestAllowedHostsNames(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	guard := AllowedHosts(AllowedHostsOptions{
		Names: []string{"Dev.Example", ".corp.test", "192.168.1.5", "::2", "[::3]", " spaced.test ", "port.test:8080", "bad name", "http://url.test", ""},
	})(ok)
	for host, want := range map[string]int{
		"dev.example": 200, "DEV.EXAMPLE.:8000": 200, "x.dev.example": 403, "dev.example.evil": 403,
		"corp.test": 200, "a.corp.test": 200, "a.b.corp.test:1": 200, "xcorp.test": 403, "corp.test.evil": 403,
		"192.168.1.5:80": 200, "192.168.1.6": 403, "[::2]": 200, "[::3]:1": 200, "[::4]": 403,
		"spaced.test": 200, "port.test": 200, "port.test:9": 200,
		"bad": 403, "url.test": 403, "http": 403,
		"localhost": 200, "127.0.0.1": 200, "evil.example": 403,
	} {
		if w := serveRaw(t, guard, "GET / HTTP/1.1\r\nHost: "+host+"\r\n\r\n"); w.Code != want {
			t.Errorf("Host %q: status = %d; want %d", host, w.Code, want)
		}
	}

	all := AllowedHosts(AllowedHostsOptions{Names: []string{"dev.example", "*"}})(ok)
	for _, raw := range []string{"GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n", "GET / HTTP/1.0\r\n\r\n"} {
		if w := serveRaw(t, all, raw); w.Code != 200 {
			t.Errorf("with *: %q: status = %d; want 200", raw, w.Code)
		}
	}
}

func TestAllowedHostsMessage(t *testing.T) {
	var got []string
	guard := AllowedHosts(AllowedHostsOptions{Message: func(name string) string {
		got = append(got, name)
		return "use --allowed-host " + name
	}})(http.NotFoundHandler())
	for _, raw := range []string{
		"GET / HTTP/1.1\r\nHost: EVIL.example.:8000\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: [FE80::1]:80\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: <b>\r\n\r\n",
	} {
		w := serveRaw(t, guard, raw)
		if w.Code != 403 || !strings.Contains(w.Body.String(), "use --allowed-host") || strings.Contains(w.Body.String(), "<b>") {
			t.Errorf("%q: %d\n%s", raw, w.Code, w.Body)
		}
	}
	if want := []string{"evil.example", "fe80::1", ""}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Message got names %q; want %q", got, want)
	}

	w := serveRaw(t, AllowedHosts(AllowedHostsOptions{})(http.NotFoundHandler()), "GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n")
	if !strings.Contains(w.Body.String(), "Message: Host evil.example is not allowed.") {
		t.Errorf("default message:\n%s", w.Body)
	}
}

// FuzzAllowedHosts checks that the guard never panics, that it agrees
// with net/url on which host a value names whenever it lets one through,
// and that what it lets through is loopback, whatever the letter case.
func FuzzAllowedHosts(f *testing.F) {
	for _, tt := range hostCases {
		f.Add(tt.host)
	}
	var g hostGuard
	f.Fuzz(func(t *testing.T, host string) {
		name, ok := g.check(host)
		if upper, _ := g.check(asciiUpper(host)); upper != name {
			t.Fatalf("check(%q) = %q but check of its upper case = %q", host, name, upper)
		}
		if !ok {
			return
		}
		u, err := url.Parse("http://" + host + "/")
		if err != nil {
			t.Fatalf("check(%q) allowed it; net/url: %v", host, err)
		}
		h := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
		if ip, err := netip.ParseAddr(h); err == nil {
			if !ip.Unmap().IsLoopback() || name != "" && ip.Unmap().String() != name {
				t.Fatalf("check(%q) allowed %q; net/url sees address %v", host, name, ip)
			}
			return
		}
		if h != name || name != "localhost" && !strings.HasSuffix(name, ".localhost") {
			t.Fatalf("check(%q) allowed %q; net/url sees host %q", host, name, h)
		}
	})
}

func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// FuzzValidName compares validName with the label-by-label check it
// replaced.
func FuzzValidName(f *testing.F) {
	for _, s := range []string{"", ".", "..", "a", "a.", ".a", "a..b", "a.b", "my-app_1.test", "A.b", "127.0.0.1", "a b", "é.test"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if got, want := validName(name), validNameByLabels(name); got != want {
			t.Fatalf("validName(%q) = %v; want %v", name, got, want)
		}
	})
}

func validNameByLabels(name string) bool {
	if name == "" {
		return false
	}
	for label := range strings.SplitSeq(name, ".") {
		if label == "" {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}
