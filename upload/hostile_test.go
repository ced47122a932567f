package upload

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pyhttp/httpserver/access"
)

// hostileCase is one request against the standard tree, with the status
// it must get and the changes to the tree it may make (nil: none).
type hostileCase struct {
	name    string
	method  string
	target  string
	header  map[string]string
	body    string
	files   [][2]string // a multipart body instead, one part per file
	opts    func(*Options)
	user    string
	want    int
	changes tree
}

// standardTree is the tree every hostile case starts from. "out" and
// "in" are symlinks to a directory outside the root and to "dir".
func standardTree(t *testing.T) (root, outside string) {
	base := t.TempDir()
	root, outside = filepath.Join(base, "root"), filepath.Join(base, "outside")
	writeFiles(t, outside, map[string]string{"victim": "precious"})
	writeFiles(t, root, map[string]string{
		"a.txt":       "old",
		"dir/b.txt":   "b",
		"dir/sub/":    "",
		"empty/":      "",
		".git/config": "secret",
		"out":         "->" + outside,
		"in":          "->dir",
		"fileln":      "->a.txt",
		"outfile":     "->" + filepath.Join(outside, "victim"),
	})
	return root, outside
}

var hostileCases = []hostileCase{
	// PUT: names in the URL.
	{name: "put new", method: "PUT", target: "/new.txt", body: "hello", want: 201, changes: tree{"new.txt": "file:hello"}},
	{name: "put into dir", method: "PUT", target: "/dir/c.txt", body: "c", want: 201, changes: tree{"dir/c.txt": "file:c"}},
	{name: "put existing", method: "PUT", target: "/a.txt", body: "new", want: 409},
	{name: "put existing overwrite", method: "PUT", target: "/a.txt", body: "new", opts: overwrite, want: 204, changes: tree{"a.txt": "file:new"}},
	{name: "put over symlink replaces the link", method: "PUT", target: "/outfile", body: "x", opts: overwrite, want: 204, changes: tree{"outfile": "file:x"}},
	{name: "put over symlink create-only", method: "PUT", target: "/outfile", body: "x", want: 409},
	{name: "put dotdot", method: "PUT", target: "/../outside/victim", body: "x", want: 400},
	{name: "put dotdot deep", method: "PUT", target: "/dir/../../outside/victim", body: "x", want: 400},
	{name: "put dotdot encoded", method: "PUT", target: "/dir/..%2f..%2foutside%2fvictim", body: "x", want: 400},
	{name: "put dot", method: "PUT", target: "/./a.txt", body: "x", want: 400},
	{name: "put double slash", method: "PUT", target: "//a2.txt", body: "x", want: 400},
	{name: "put backslash", method: "PUT", target: `/..%5c..%5coutside%5cvictim`, body: "x", want: 400},
	{name: "put NUL", method: "PUT", target: "/a%00.txt", body: "x", want: 400},
	{name: "put newline", method: "PUT", target: "/a%0a.txt", body: "x", want: 400},
	{name: "put escape", method: "PUT", target: "/%1b%5b31m.txt", body: "x", want: 400},
	{name: "put stream", method: "PUT", target: "/a.txt:evil", body: "x", want: 400},
	{name: "put reserved", method: "PUT", target: "/CON.txt", body: "x", want: 400},
	{name: "put reserved lower", method: "PUT", target: "/dir/com1", body: "x", want: 400},
	{name: "put trailing dot", method: "PUT", target: "/a.txt.", body: "x", want: 400},
	{name: "put 256 bytes", method: "PUT", target: "/" + strings.Repeat("n", 256), body: "x", want: 400},
	{name: "put 255 bytes", method: "PUT", target: "/" + strings.Repeat("n", 255), body: "x", want: 201, changes: tree{strings.Repeat("n", 255): "file:x"}},
	{name: "put root", method: "PUT", target: "/", body: "x", want: 400},
	{name: "put directory", method: "PUT", target: "/dir", body: "x", opts: overwrite, want: 409},
	{name: "put trailing slash", method: "PUT", target: "/new/", body: "x", want: 409},
	{name: "put missing parent", method: "PUT", target: "/nope/x", body: "x", want: 409},
	{name: "put through link out", method: "PUT", target: "/out/victim", body: "x", opts: overwrite, want: 409},
	{name: "put through link out new", method: "PUT", target: "/out/new", body: "x", want: 409},
	{name: "put through link in", method: "PUT", target: "/in/c.txt", body: "x", want: 409},
	{name: "put denied", method: "PUT", target: "/.git/config", body: "x", opts: overwrite, want: 404},
	{name: "put under denied", method: "PUT", target: "/.git/hooks-post", body: "x", want: 404},
	{name: "put new dotfile denied", method: "PUT", target: "/dir/.env", body: "x", want: 404},
	{name: "put disabled", method: "PUT", target: "/new.txt", body: "x", opts: func(o *Options) { o.AllowUpload = false }, want: 405},

	// Multipart file names.
	{name: "form one", method: "POST", target: "/", files: [][2]string{{"f.txt", "F"}}, want: 303, changes: tree{"f.txt": "file:F"}},
	{name: "form two", method: "POST", target: "/dir/", files: [][2]string{{"1.txt", "1"}, {"2.txt", "2"}}, want: 303, changes: tree{"dir/1.txt": "file:1", "dir/2.txt": "file:2"}},
	{name: "form folder", method: "POST", target: "/", files: [][2]string{{"pics/2026/x.jpg", "X"}, {"pics/y.jpg", "Y"}}, want: 303,
		changes: tree{"pics": "dir", "pics/2026": "dir", "pics/2026/x.jpg": "file:X", "pics/y.jpg": "file:Y"}},
	{name: "form keeps both", method: "POST", target: "/", files: [][2]string{{"a.txt", "new"}, {"a.txt", "newer"}}, want: 303,
		changes: tree{"a (1).txt": "file:new", "a (2).txt": "file:newer"}},
	{name: "form overwrite", method: "POST", target: "/", files: [][2]string{{"a.txt", "new"}}, opts: overwrite, want: 303, changes: tree{"a.txt": "file:new"}},
	{name: "form authorized_keys", method: "POST", target: "/", files: [][2]string{{"../../.ssh/authorized_keys", "ssh-rsa"}}, want: 400},
	{name: "form dotdot", method: "POST", target: "/", files: [][2]string{{"..", "x"}}, want: 400},
	{name: "form dot", method: "POST", target: "/", files: [][2]string{{".", "x"}}, want: 400},
	{name: "form backslash", method: "POST", target: "/", files: [][2]string{{`..\\..\\outside\\victim`, "x"}}, want: 400},
	{name: "form absolute", method: "POST", target: "/", files: [][2]string{{"/etc/passwd", "x"}}, want: 400},
	{name: "form control", method: "POST", target: "/", files: [][2]string{{"a\x01b", "x"}}, want: 400},
	{name: "form reserved", method: "POST", target: "/", files: [][2]string{{"sub/nul.txt", "x"}}, want: 400},
	{name: "form stream", method: "POST", target: "/", files: [][2]string{{"a.txt:$DATA", "x"}}, want: 400},
	{name: "form long", method: "POST", target: "/", files: [][2]string{{strings.Repeat("y", 256), "x"}}, want: 400},
	{name: "form through link in", method: "POST", target: "/", files: [][2]string{{"in/x", "x"}}, want: 409},
	{name: "form target link out", method: "POST", target: "/out/", files: [][2]string{{"x", "x"}}, want: 409},
	{name: "form target dotdot", method: "POST", target: "/dir/../../outside/", files: [][2]string{{"x", "x"}}, want: 400},
	{name: "form target missing", method: "POST", target: "/nope/", files: [][2]string{{"x", "x"}}, want: 404},
	{name: "form into denied", method: "POST", target: "/", files: [][2]string{{".git/config", "x"}}, want: 404},
	{name: "form target denied", method: "POST", target: "/.git/", files: [][2]string{{"config", "x"}}, want: 404},
	{name: "form folder into denied", method: "POST", target: "/", files: [][2]string{{"new/.ssh/keys", "x"}}, want: 404},
	{name: "form no file", method: "POST", target: "/", files: [][2]string{}, want: 400},
	{name: "form keeps the good first file", method: "POST", target: "/", files: [][2]string{{"ok.txt", "ok"}, {"../bad", "x"}}, want: 400, changes: tree{"ok.txt": "file:ok"}},

	// MKCOL and the form's mkdir.
	{name: "mkcol", method: "MKCOL", target: "/newdir", want: 201, changes: tree{"newdir": "dir"}},
	{name: "mkcol slash", method: "MKCOL", target: "/dir/new/", want: 201, changes: tree{"dir/new": "dir"}},
	{name: "mkcol exists", method: "MKCOL", target: "/dir", want: 405},
	{name: "mkcol file exists", method: "MKCOL", target: "/a.txt", want: 405},
	{name: "mkcol missing parent", method: "MKCOL", target: "/nope/x", want: 409},
	{name: "mkcol dotdot", method: "MKCOL", target: "/dir/../../outside/x", want: 400},
	{name: "mkcol through link", method: "MKCOL", target: "/out/x", want: 409},
	{name: "mkcol denied", method: "MKCOL", target: "/.ssh", want: 404},
	{name: "mkcol body", method: "MKCOL", target: "/newdir", body: "<xml/>", want: 415},
	{name: "form mkdir", method: "POST", target: "/dir/", header: form, body: "action=mkdir&name=made", want: 303, changes: tree{"dir/made": "dir"}},
	{name: "form mkdir dotdot", method: "POST", target: "/", header: form, body: "action=mkdir&name=..", want: 400},
	{name: "form mkdir slash", method: "POST", target: "/", header: form, body: "action=mkdir&name=a%2Fb", want: 400},
	{name: "form mkdir denied", method: "POST", target: "/", header: form, body: "action=mkdir&name=.ssh", want: 404},

	// DELETE and the form's delete.
	{name: "delete", method: "DELETE", target: "/a.txt", want: 204, changes: tree{"a.txt": ""}},
	{name: "delete empty dir", method: "DELETE", target: "/empty", want: 204, changes: tree{"empty": ""}},
	{name: "delete full dir", method: "DELETE", target: "/dir", want: 409},
	{name: "delete missing", method: "DELETE", target: "/nope", want: 404},
	{name: "delete link out removes the link", method: "DELETE", target: "/out", want: 204, changes: tree{"out": ""}},
	{name: "delete through link", method: "DELETE", target: "/out/victim", want: 409},
	{name: "delete through link in", method: "DELETE", target: "/in/b.txt", want: 409},
	{name: "delete dotdot", method: "DELETE", target: "/dir/../a.txt", want: 400},
	{name: "delete denied", method: "DELETE", target: "/.git/config", want: 404},
	{name: "delete denied dir", method: "DELETE", target: "/.git", want: 404},
	{name: "delete root", method: "DELETE", target: "/", want: 400},
	{name: "delete disabled", method: "DELETE", target: "/a.txt", opts: func(o *Options) { o.AllowDelete = false }, want: 405},
	{name: "form delete", method: "POST", target: "/", header: form, body: "action=delete&name=a.txt", want: 303, changes: tree{"a.txt": ""}},
	{name: "form delete denied", method: "POST", target: "/", header: form, body: "action=delete&name=.git", want: 404},
	{name: "form delete disabled", method: "POST", target: "/", header: form, body: "action=delete&name=a.txt", opts: func(o *Options) { o.AllowDelete = false }, want: 405},

	// MOVE and the form's move.
	{name: "move", method: "MOVE", target: "/a.txt", header: map[string]string{"Destination": "/dir/a.txt"}, want: 201, changes: tree{"a.txt": "", "dir/a.txt": "file:old"}},
	{name: "move absolute url", method: "MOVE", target: "/a.txt", header: map[string]string{"Destination": "http://example.com/z.txt"}, want: 201, changes: tree{"a.txt": "", "z.txt": "file:old"}},
	{name: "move dir", method: "MOVE", target: "/dir", header: map[string]string{"Destination": "/dir2"}, want: 201,
		changes: tree{"dir": "", "dir/b.txt": "", "dir/sub": "", "dir2": "dir", "dir2/b.txt": "file:b", "dir2/sub": "dir"}},
	{name: "move other host", method: "MOVE", target: "/a.txt", header: map[string]string{"Destination": "http://evil.example/a.txt"}, want: 502},
	{name: "move other scheme", method: "MOVE", target: "/a.txt", header: map[string]string{"Destination": "https://example.com/z.txt"}, want: 502},
	{name: "move userinfo", method: "MOVE", target: "/a.txt", header: map[string]string{"Destination": "http://u@example.com/z.txt"}, want: 400},
	{name: "move out of root", method: "MOVE", target: "/a.txt", header: map[string]string{"Destination": "/../outside/a.txt"}, want: 400},
	{name: "move out encoded", method: "MOVE", target: "/a.txt", header: map[string]string{"Destination": "/dir/%2e%2e/%2e%2e/outside/a.txt"}, want: 400},
	{name: "move through link out", method: "MOVE", target: "/a.txt", header: map[string]string{"Destination": "/out/a.txt"}, want: 409},
	{name: "move onto victim", method: "MOVE", target: "/a.txt", header: map[string]string{"Destination": "/out/victim"}, opts: overwrite, want: 409},
	{name: "move exists", method: "MOVE", target: "/a.txt", header: map[string]string{"Destination": "/dir/b.txt"}, want: 412},
	{name: "move exists overwrite", method: "MOVE", target: "/a.txt", header: map[string]string{"Destination": "/dir/b.txt"}, opts: overwrite, want: 204, changes: tree{"a.txt": "", "dir/b.txt": "file:old"}},
	{name: "move exists overwrite F", method: "MOVE", target: "/a.txt", header: map[string]string{"Destination": "/dir/b.txt", "Overwrite": "F"}, opts: overwrite, want: 412},
	{name: "move onto dir", method: "MOVE", target: "/a.txt", header: map[string]string{"Destination": "/empty"}, opts: overwrite, want: 409},
	{name: "move into itself", method: "MOVE", target: "/dir", header: map[string]string{"Destination": "/dir/sub/dir"}, want: 409},
	{name: "move same", method: "MOVE", target: "/a.txt", header: map[string]string{"Destination": "/a.txt"}, want: 403},
	{name: "move from denied", method: "MOVE", target: "/.git/config", header: map[string]string{"Destination": "/config"}, want: 404},
	{name: "move to denied", method: "MOVE", target: "/a.txt", header: map[string]string{"Destination": "/.ssh"}, want: 404},
	{name: "move no destination", method: "MOVE", target: "/a.txt", want: 400},
	{name: "move bad name", method: "MOVE", target: "/a.txt", header: map[string]string{"Destination": "/aux"}, want: 400},
	{name: "form move", method: "POST", target: "/", header: form, body: "action=move&name=a.txt&to=renamed.txt", want: 303, changes: tree{"a.txt": "", "renamed.txt": "file:old"}},
	{name: "form move never replaces", method: "POST", target: "/", header: form, body: "action=move&name=a.txt&to=fileln", opts: overwrite, want: 412},
	{name: "form move out", method: "POST", target: "/", header: form, body: "action=move&name=a.txt&to=..%2Foutside", want: 400},

	// No mutation on safe methods; unknown methods.
	{name: "get", method: "GET", target: "/a.txt", want: 405},
	{name: "head", method: "HEAD", target: "/a.txt", want: 405},
	{name: "get delete query", method: "GET", target: "/?delete=a.txt", want: 405},
	{name: "get mkdir query", method: "GET", target: "/?mkdir=x", want: 405},
	{name: "options", method: "OPTIONS", target: "/a.txt", want: 405},
	{name: "copy", method: "COPY", target: "/a.txt", header: map[string]string{"Destination": "/b.txt"}, want: 405},
	{name: "post other type", method: "POST", target: "/", header: map[string]string{"Content-Type": "text/plain"}, body: "x", want: 415},

	// Cross-site requests, with and without an authenticated user.
	{name: "cross-site put", method: "PUT", target: "/new.txt", header: crossSite, body: "x", want: 403},
	{name: "cross-site put as user", method: "PUT", target: "/new.txt", header: crossSite, body: "x", user: "alice", opts: writersAuth, want: 403},
	{name: "cross-origin put", method: "PUT", target: "/new.txt", header: map[string]string{"Origin": "http://evil.example"}, body: "x", want: 403},
	{name: "same-site put", method: "PUT", target: "/new.txt", header: map[string]string{"Sec-Fetch-Site": "same-site"}, body: "x", want: 403},
	{name: "cross-site post", method: "POST", target: "/", header: crossSite, files: [][2]string{{"f.txt", "x"}}, want: 403},
	{name: "cross-site post as user", method: "POST", target: "/", header: crossSite, files: [][2]string{{"f.txt", "x"}}, user: "alice", opts: writersAuth, want: 403},
	{name: "cross-site form delete", method: "POST", target: "/", header: map[string]string{"Sec-Fetch-Site": "cross-site", "Content-Type": "application/x-www-form-urlencoded"}, body: "action=delete&name=a.txt", want: 403},
	{name: "cross-origin form delete", method: "POST", target: "/", header: map[string]string{"Origin": "null", "Content-Type": "application/x-www-form-urlencoded"}, body: "action=delete&name=a.txt", want: 403},
	{name: "cross-site delete", method: "DELETE", target: "/a.txt", header: crossSite, want: 403},
	{name: "cross-site delete as user", method: "DELETE", target: "/a.txt", header: crossSite, user: "alice", opts: writersAuth, want: 403},
	{name: "cross-site mkcol", method: "MKCOL", target: "/x", header: crossSite, want: 403},
	{name: "cross-site move", method: "MOVE", target: "/a.txt", header: map[string]string{"Sec-Fetch-Site": "cross-site", "Destination": "/z"}, want: 403},
	{name: "same-origin put", method: "PUT", target: "/new.txt", header: map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://example.com"}, body: "x", want: 201, changes: tree{"new.txt": "file:x"}},
	{name: "anonymous put needs user", method: "PUT", target: "/new.txt", body: "x", opts: writersAuth, want: 401},
	{name: "anonymous delete needs user", method: "DELETE", target: "/a.txt", opts: writersAuth, want: 401},
	{name: "user put", method: "PUT", target: "/new.txt", body: "x", user: "alice", opts: writersAuth, want: 201, changes: tree{"new.txt": "file:x"}},
}

var (
	form      = map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	crossSite = map[string]string{"Sec-Fetch-Site": "cross-site"}
)

func overwrite(o *Options) { o.Overwrite = true }

func writersAuth(o *Options) {
	o.Access, _ = access.New(access.Options{DenyDotfiles: true, Authenticate: access.Writers})
}

func TestHostile(t *testing.T) {
	policy, err := access.New(access.Options{DenyDotfiles: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range hostileCases {
		t.Run(tc.name, func(t *testing.T) {
			dir, outside := standardTree(t)
			before, outsideBefore := snapshot(t, dir), snapshot(t, outside)
			opts := Options{AllowUpload: true, AllowDelete: true, Access: policy, ErrorLog: discard()}
			if tc.opts != nil {
				tc.opts(&opts)
			}
			h := New(openRoot(t, dir), opts)

			var body io.Reader = strings.NewReader(tc.body)
			var ctype string
			if tc.files != nil {
				body, ctype = multipartBody(tc.files...)
			}
			r := httptest.NewRequest(tc.method, "http://example.com/", body)
			// Parsed as a server parses a request target: dot segments
			// are kept, as net/http keeps them.
			r.URL, err = url.ParseRequestURI(tc.target)
			if err != nil {
				t.Fatal(err)
			}
			r.Host = "example.com"
			r.RequestURI = tc.target
			if ctype != "" {
				r.Header.Set("Content-Type", ctype)
			}
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			if tc.user != "" {
				r = r.WithContext(access.WithUser(r.Context(), tc.user))
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tc.want {
				t.Errorf("%s %q: status = %d; want %d (%s)", tc.method, tc.target, w.Code, tc.want, message(w.Body.String()))
			}
			checkTree(t, tc.method+" "+tc.target, dir, before.with(tc.changes))
			checkTree(t, "outside the root", outside, outsideBefore)
		})
	}
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// TestPutAnswers checks the headers of PUT's answers: Location for a new
// file, none for a replaced one.
func TestPutAnswers(t *testing.T) {
	dir := t.TempDir()
	h := New(openRoot(t, dir), Options{AllowUpload: true, Overwrite: true, ErrorLog: discard()})
	for i, want := range []int{201, 204} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("PUT", "/r%C3%A9sum%C3%A9%20%231.txt", strings.NewReader("x")))
		if w.Code != want {
			t.Fatalf("PUT %d: status = %d; want %d", i, w.Code, want)
		}
		if loc := w.Header().Get("Location"); i == 0 && loc != "r%C3%A9sum%C3%A9%20%231.txt" || i == 1 && loc != "" {
			t.Errorf("PUT %d: Location = %q", i, loc)
		}
	}
}

// TestFormJSON checks the JSON answer to a client that prefers it,
// with the final names.
func TestFormJSON(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"sub/a.txt": "old"})
	h := New(openRoot(t, dir), Options{AllowUpload: true, ErrorLog: discard()})
	body, ctype := multipartBody([2]string{"a.txt", "new"}, [2]string{"x/y.txt", "yy"})
	r := httptest.NewRequest("POST", "/sub/", body)
	r.Header.Set("Content-Type", ctype)
	r.Header.Set("Accept", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	want := `{"files":[{"name":"a (1).txt","size":3},{"name":"x/y.txt","size":2}]}` + "\n"
	if w.Code != 201 || w.Body.String() != want || w.Header().Get("Content-Type") != "application/json" {
		t.Errorf("POST: %d %q %q; want 201 %q", w.Code, w.Header().Get("Content-Type"), w.Body, want)
	}
	// And HTML clients are sent back to the directory, never to Referer.
	body, ctype = multipartBody([2]string{"b.txt", "b"})
	r = httptest.NewRequest("POST", "/sub", body)
	r.Header.Set("Content-Type", ctype)
	r.Header.Set("Referer", "http://evil.example/")
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if loc := w.Header().Get("Location"); w.Code != 303 || loc != "./sub/" {
		t.Errorf("POST /sub: %d Location %q; want 303 ./sub/", w.Code, loc)
	}
}

// TestChangeLog checks the one line each change logs: user, method,
// final path, bytes.
func TestChangeLog(t *testing.T) {
	var log logBuffer
	h := New(openRoot(t, t.TempDir()), Options{AllowUpload: true, ErrorLog: log.logger()})
	r := httptest.NewRequest("PUT", "/f.bin", strings.NewReader("12345"))
	r = r.WithContext(access.WithUser(r.Context(), "alice"))
	h.ServeHTTP(httptest.NewRecorder(), r)
	if got := log.String(); !strings.Contains(got, `msg=upload user=alice method=PUT path=/f.bin bytes=5`) {
		t.Errorf("log = %q", got)
	}
}

// message is the message of an error page, for test failures.
func message(page string) string {
	if m := regexp.MustCompile(`Message: (.*)</p>`).FindStringSubmatch(page); m != nil {
		return m[1]
	}
	return short(page)
}
