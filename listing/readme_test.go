package listing

import (
	"errors"
	"html"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

// readmeFS is a directory with one file besides its READMEs.
func readmeFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{"a.txt": {Data: []byte("a"), ModTime: t0}}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data), ModTime: t0}
	}
	return fsys
}

// readmeSection returns the README section of a modern page, after its
// heading; "" if none.
func readmeSection(t *testing.T, body string) string {
	t.Helper()
	_, after, ok := strings.Cut(body, `<section class="readme"`)
	if !ok {
		return ""
	}
	sec, _, ok := strings.Cut(after, "</section>")
	if !ok {
		t.Fatalf("README section not closed:\n%s", after)
	}
	_, sec, ok = strings.Cut(sec, "</h2>")
	if !ok {
		t.Fatalf("README section has no heading:\n%s", after)
	}
	return sec
}

var readmeOn = New(Options{Readme: true})

func TestReadme(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  []string // in the section
		not   []string // not in the section
	}{
		{"markdown", map[string]string{"README.md": "# Title\n\nSome *text*.\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n- [x] done\n~~old~~\n"},
			[]string{"<h1>Title</h1>", "<em>text</em>", "<table>", "<td>1</td>", `<input checked="" disabled="" type="checkbox"`, "<del>old</del>"}, nil},
		{"raw HTML shows as text", map[string]string{"README.md": "<script>alert(1)</script>\n\nInline <b onclick=\"x()\">bold</b> and <img src=x onerror=alert(1)>.\n\n<div>\n<iframe src=\"https://evil.example/\"></iframe>\n</div>\n"},
			[]string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;b onclick=&quot;x()&quot;&gt;bold&lt;/b&gt;", "&lt;img src=x onerror=alert(1)&gt;", "&lt;iframe"},
			[]string{"<script", "<b ", "<img", "<iframe", "<div", "raw HTML omitted"}},
		{"links kept", map[string]string{"README.md": "[a](https://example.com/x) [b](docs/guide.md) [c](mailto:me@example.com) [d](#top) <https://example.org/> www.example.net ![i](shot.png)"},
			[]string{`href="https://example.com/x"`, `href="docs/guide.md"`, `href="mailto:me@example.com"`, `href="#top"`, `href="https://example.org/"`, `href="http://www.example.net"`, `src="shot.png"`}, nil},
		{"hostile links dropped", map[string]string{"README.md": "[js](javascript:alert(1)) [JS](JaVaScRiPt:alert(1)) [vb](vbscript:msgbox) [ent](&#x6A;avascript:alert(1)) [tab](java&#x09;script:alert(1)) [data](data:text/html,<script>alert(1)</script>) ![img](data:image/png;base64,AAAA) ![f](file:///etc/passwd) <javascript:alert(2)> [ref][r]\n\n[r]: javascript:alert(3)\n"},
			[]string{"<p>js JS vb ent ", ` data img f javascript:alert(2) ref</p>`},
			[]string{"href=\"javascript", "href=\"JaVaScRiPt", "vbscript:", "data:", "file:", "<img"}},
		{"plain README escaped", map[string]string{"README": "<script>alert(1)</script>\n  & indented\n"},
			[]string{`<pre class="readme-text">&lt;script&gt;alert(1)&lt;/script&gt;` + "\n  &amp; indented\n</pre>"}, []string{"<script"}},
		{"README.txt escaped", map[string]string{"README.txt": "# not markdown <b>"},
			[]string{`<pre class="readme-text"># not markdown &lt;b&gt;</pre>`}, []string{"<h1>"}},
		{"README.md preferred", map[string]string{"README.md": "md", "README": "plain", "README.txt": "txt"},
			[]string{"<p>md</p>"}, []string{"plain", "txt"}},
		{"README before README.txt", map[string]string{"README": "plain", "README.txt": "txt"},
			[]string{"plain"}, []string{"txt"}},
		{"bytes that are not UTF-8", map[string]string{"README.md": "caf\xe9 \xff"},
			[]string{"caf\uFFFD \uFFFD"}, nil},
		{"exactly the cap", map[string]string{"README.txt": strings.Repeat("x", MaxReadmeSize)},
			[]string{strings.Repeat("x", 100)}, []string{"larger than"}},
		{"over the cap", map[string]string{"README.md": strings.Repeat("x", MaxReadmeSize+1)},
			[]string{"This file is larger than 256 KiB and is not shown here."}, []string{"xxx"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := serve(t, readmeOn, readmeFS(tc.files), ".", "GET", "/")
			sec := readmeSection(t, res.body)
			if sec == "" {
				t.Fatalf("no README section:\n%s", res.body)
			}
			file := "README.md"
			for _, n := range []string{"README.md", "README", "README.txt"} {
				if _, ok := tc.files[n]; ok {
					file = n // the first of them the case has
					break
				}
			}
			if h := `<h2 id="readme"><a href="` + file + `">` + file + `</a></h2>`; !strings.Contains(res.body, h) {
				t.Errorf("page lacks the heading %s", h)
			}
			for _, w := range tc.want {
				if !strings.Contains(sec, w) {
					t.Errorf("README section lacks %q:\n%s", w, sec)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(strings.ToLower(sec), strings.ToLower(n)) {
					t.Errorf("README section has %q:\n%s", n, sec)
				}
			}
			checkReadmeURLs(t, sec)
			if !utf8.ValidString(res.body) {
				t.Error("page is not valid UTF-8")
			}
		})
	}
}

var urlAttrRE = regexp.MustCompile(`(?i)\b(href|src)="([^"]*)"`)

// checkReadmeURLs fails if a link or image of a rendered README has a URL
// that safeURL refuses.
func checkReadmeURLs(t *testing.T, sec string) {
	t.Helper()
	for _, m := range urlAttrRE.FindAllStringSubmatch(sec, -1) {
		if u := html.UnescapeString(m[2]); !safeURL(u) {
			t.Errorf("README has %s=%q", m[1], u)
		}
	}
}

func TestNoReadme(t *testing.T) {
	dirs := fstest.MapFS{"README.md": {Mode: fs.ModeDir, ModTime: t0}, "README": {Mode: fs.ModeDir, ModTime: t0}}
	for _, tc := range []struct {
		name   string
		rd     *Renderer
		fsys   fs.FS
		target string
	}{
		{"option off", New(Options{}), readmeFS(map[string]string{"README.md": "# x"}), "/"},
		{"python page", New(Options{Format: Python, Readme: true}), readmeFS(map[string]string{"README.md": "# x"}), "/"},
		{"JSON", readmeOn, readmeFS(map[string]string{"README.md": "# x"}), "/?format=json"},
		{"no README", readmeOn, readmeFS(nil), "/"},
		{"README.html never", readmeOn, readmeFS(map[string]string{"README.html": "<h1>x</h1>", "readme.md": "lower case", "README.markdown": "# x"}), "/"},
		{"directories", readmeOn, dirs, "/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := serve(t, tc.rd, tc.fsys, ".", "GET", tc.target)
			if res.code != 200 {
				t.Fatalf("status %d", res.code)
			}
			if strings.Contains(res.body, `class="readme"`) || strings.Contains(res.body, "<h1>x</h1>") {
				t.Errorf("README shown:\n%s", res.body)
			}
		})
	}
}

// TestReadmeSubdir checks that a subdirectory's README is read from that
// directory, and linked relative to it.
func TestReadmeSubdir(t *testing.T) {
	fsys := fstest.MapFS{
		"README.md":     {Data: []byte("root readme"), ModTime: t0},
		"sub/README.md": {Data: []byte("sub readme"), ModTime: t0},
	}
	body := serve(t, readmeOn, fsys, "sub", "GET", "/sub/").body
	if sec := readmeSection(t, body); !strings.Contains(sec, "<p>sub readme</p>") || !strings.Contains(body, `<h2 id="readme"><a href="README.md">README.md</a></h2>`) {
		t.Errorf("sub/: README section = %q", sec)
	}
}

// TestReadmeOSRoot checks, through an os.Root, that a README.md linking
// out of the root is not read (the listing leaves the link out, and the
// next README is shown), that one linking inside is, and that a FIFO is
// skipped without opening it (which would wait for a writer).
func TestReadmeOSRoot(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "root")
	for _, d := range []string{dir, filepath.Join(dir, "in"), filepath.Join(dir, "fifo")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(name, data string) {
		t.Helper()
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(base, "secret.md"), "TOP SECRET")
	write(filepath.Join(dir, "README.txt"), "the root's own")
	write(filepath.Join(dir, "in", "target.md"), "linked *inside*")
	if err := os.Symlink(filepath.Join("..", "secret.md"), filepath.Join(dir, "README.md")); err != nil {
		t.Skipf("cannot make a symlink: %v", err)
	}
	if err := os.Symlink("target.md", filepath.Join(dir, "in", "README.md")); err != nil {
		t.Fatal(err)
	}
	fifo := mkfifo(filepath.Join(dir, "fifo", "README.md")) == nil
	write(filepath.Join(dir, "fifo", "README"), "after the fifo")
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()

	sec := readmeSection(t, serve(t, readmeOn, root.FS(), ".", "GET", "/").body)
	if strings.Contains(sec, "SECRET") || !strings.Contains(sec, "the root&#39;s own") {
		t.Errorf("root: README section = %q; want README.txt's, not the link out of the root", sec)
	}
	if sec := readmeSection(t, serve(t, readmeOn, root.FS(), "in", "GET", "/in/").body); !strings.Contains(sec, "linked <em>inside</em>") {
		t.Errorf("in/: README section = %q; want the linked file's", sec)
	}
	if fifo {
		if sec := readmeSection(t, serve(t, readmeOn, root.FS(), "fifo", "GET", "/fifo/").body); !strings.Contains(sec, "after the fifo") {
			t.Errorf("fifo/: README section = %q; want README's", sec)
		}
	}
}

// faultFS wraps an FS and fails, or misreports, what a README read goes
// through.
type faultFS struct {
	fs.FS
	openFails int // fail the n-th Open of README.md (1-based), 0 never
	opens     *int
	file      func(fs.File) fs.File
}

func (f faultFS) Open(name string) (fs.File, error) {
	if name == "README.md" {
		*f.opens++
		if *f.opens == f.openFails {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
		}
	}
	file, err := f.FS.Open(name)
	if err == nil && name == "README.md" && f.file != nil {
		file = f.file(file)
	}
	return file, err
}

type statFails struct{ fs.File }

func (statFails) Stat() (fs.FileInfo, error) { return nil, errors.New("stat failed") }

type readFails struct{ fs.File }

func (readFails) Read([]byte) (int, error) { return 0, errors.New("read failed") }

// statAs reports info, the first n Stats, then the file's own.
type statAs struct {
	fs.File
	info fs.FileInfo
	n    *int
}

func (s statAs) Stat() (fs.FileInfo, error) {
	if *s.n > 0 {
		*s.n--
		return s.info, nil
	}
	return s.File.Stat()
}

// grows reads more than its Stat said.
type grows struct{ fs.File }

func (grows) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

type fakeInfo struct {
	fs.FileInfo
	mode fs.FileMode
}

func (f fakeInfo) Mode() fs.FileMode { return f.mode }

func TestReadmeErrors(t *testing.T) {
	base := readmeFS(map[string]string{"README.md": "# md", "README.txt": "the fallback"})
	small, _ := fs.Stat(base, "a.txt")
	for _, tc := range []struct {
		name      string
		openFails int
		file      func(fs.File) fs.File
		want      string // in the section
	}{
		{"stat fails", 1, nil, "the fallback"},
		{"open fails", 2, nil, "the fallback"},
		{"file stat fails", 0, func() func(fs.File) fs.File {
			n := 1 // fs.Stat's own Open+Stat sees a file; the read's Stat fails
			return func(f fs.File) fs.File { return statAs{File: statFails{f}, info: small, n: &n} }
		}(), "the fallback"},
		{"read fails", 0, func(f fs.File) fs.File { return readFails{f} }, "the fallback"},
		{"replaced by a FIFO since the stat", 0, func() func(fs.File) fs.File {
			n := 1 // fs.Stat's own Open+Stat sees a file; the read's, a FIFO
			return func(f fs.File) fs.File { return fifoAfter{f, &n} }
		}(), "the fallback"},
		{"grown since the stat", 0, func(f fs.File) fs.File { return grows{f} }, "larger than 256 KiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := faultFS{FS: onlyOpen{base}, openFails: tc.openFails, opens: new(int), file: tc.file}
			sec := readmeSection(t, serve(t, readmeOn, fsys, ".", "GET", "/").body)
			if !strings.Contains(sec, tc.want) {
				t.Errorf("README section = %q; want %q", sec, tc.want)
			}
		})
	}
}

// onlyOpen hides every method of its FS but Open, so that fs.Stat and
// fs.ReadDir go through it.
type onlyOpen struct{ fsys fs.FS }

func (o onlyOpen) Open(name string) (fs.File, error) { return o.fsys.Open(name) }

// fifoAfter stats as a regular file the first *n times, then as a FIFO.
type fifoAfter struct {
	fs.File
	n *int
}

func (f fifoAfter) Stat() (fs.FileInfo, error) {
	fi, err := f.File.Stat()
	if err != nil {
		return nil, err
	}
	if *f.n > 0 {
		*f.n--
		return fi, nil
	}
	return fakeInfo{fi, fs.ModeNamedPipe}, nil
}

// TestReadmeETag checks that the ETag changes with the option and with
// the README's content.
func TestReadmeETag(t *testing.T) {
	fsys := readmeFS(map[string]string{"README.md": "one"})
	off := serve(t, New(Options{}), fsys, ".", "GET", "/").header.Get("ETag")
	on := serve(t, readmeOn, fsys, ".", "GET", "/").header.Get("ETag")
	fsys["README.md"].Data = []byte("two, longer")
	changed := serve(t, readmeOn, fsys, ".", "GET", "/").header.Get("ETag")
	if off == on || on == changed {
		t.Errorf("ETags: off %s, on %s, after an edit %s; want three different", off, on, changed)
	}
}

func TestReadmeCSP(t *testing.T) {
	fsys := readmeFS(nil)
	for _, tc := range []struct {
		rd   *Renderer
		want string
	}{
		{New(Options{}), "img-src data:;"},
		{readmeOn, "img-src 'self' data:;"},
	} {
		if csp := serve(t, tc.rd, fsys, ".", "GET", "/").header.Get("Content-Security-Policy"); !strings.Contains(csp, tc.want) {
			t.Errorf("CSP = %q; want %q", csp, tc.want)
		}
	}
}

func TestReadmeTemplate(t *testing.T) {
	tmpl := template.Must(template.New("t").Parse(`{{with .Readme}}{{.Name}} {{.URL}} {{.HTML}}{{end}}`))
	res := serve(t, New(Options{Template: tmpl, Readme: true}), readmeFS(map[string]string{"README.md": "*hi*"}), ".", "GET", "/")
	if want := "README.md README.md <p><em>hi</em></p>\n"; res.body != want {
		t.Errorf("template body = %q; want %q", res.body, want)
	}
}

// TestModernCutReadme is TestModernCut for a page with a README.
func TestModernCutReadme(t *testing.T) {
	m := newModernPage(true, Actions{}, false)
	whole := template.Must(template.New("whole").Funcs(m.funcs()).Parse(modernHTML))
	l := &Listing{Path: "/", Name: ".", Entries: []Entry{{Name: "README.md"}}}
	for _, r := range []*Readme{{Name: "README.md", URL: "README.md", HTML: "<p>x</p>"}, {Name: "README", URL: "README", TooLarge: true}} {
		p := newPage(l, query{}, ".", false)
		p.Readme = r
		var want, got strings.Builder
		if err := whole.Execute(&want, p); err != nil {
			t.Fatal(err)
		}
		var b = getPageBuf()
		if err := m.execute(b, p); err != nil {
			t.Fatal(err)
		}
		got.Write(b.Bytes())
		putPageBuf(b)
		if got.String() != want.String() {
			t.Errorf("%+v: the page in two halves differs from the whole template", r)
		}
	}
}

func TestSafeURL(t *testing.T) {
	for _, tc := range []struct {
		url  string
		safe bool
	}{
		{"", true},
		{"docs/a.md", true},
		{"./x:y", true},
		{"a b:c", true},
		{"?q=a:b", true},
		{"#frag:x", true},
		{"/abs/path", true},
		{"//example.com/x", true},
		{"http://example.com", true},
		{"HTTPS://example.com", true},
		{"mailto:a@example.com", true},
		{"1abc:x", true}, // a scheme starts with a letter
		{"javascript:alert(1)", false},
		{"JaVaScRiPt:alert(1)", false},
		{" javascript:alert(1)", false},
		{"\x00javascript:alert(1)", false},
		{"\x1fjavascript:alert(1)", false},
		{"java\tscript:alert(1)", false},
		{"java\nscript:alert(1)", false},
		{"java\rscript:alert(1)", false},
		{"javascript\t:alert(1)", false},
		{"vbscript:msgbox", false},
		{"data:text/html,<script>", false},
		{"data:image/png;base64,AAAA", false},
		{"file:///etc/passwd", false},
		{"ftp://example.com", false},
		{"x-custom+scheme.1:anything", false},
		{"java%09script:alert(1)", true}, // a path: browsers do not decode a scheme
		{"&#x6A;avascript:alert(1)", true},
	} {
		if got := safeURL(tc.url); got != tc.safe {
			t.Errorf("safeURL(%q) = %v; want %v", tc.url, got, tc.safe)
		}
	}
}

// TestMarkdownTooCostly checks that the shapes of README.md that goldmark
// parses in quadratic time or memory are shown as text, and that an
// ordinary README.md of the largest size rendered is not.
func TestMarkdownTooCostly(t *testing.T) {
	ordinary := strings.Repeat("## Section\n\nSome *prose* with a [link](https://example.com) and `code`.\n\n| a | b | c |\n|---|---|---|\n| 1 | 2 | 3 |\n\n- [ ] item\n> quoted\n\n", 1000)[:maxMarkdownSize]
	for _, tc := range []struct {
		name   string
		src    string
		costly bool
	}{
		{"ordinary", ordinary, false},
		{"empty", "", false},
		{"over 64 KiB", ordinary + "x", true},
		{"one long line", strings.Repeat("[a](", 4097), true},
		{"long lines", strings.Repeat(strings.Repeat("*a _", 1100)+"\n", 15), true},
		{"brackets", strings.Repeat("[\n", maxBrackets+1), true},
		{"deep quotes", strings.Repeat("> ", maxQuoteNest+1) + "x", true},
		{"deep quotes, no spaces", strings.Repeat(">", maxQuoteNest+1), true},
		{"quotes at the limit", strings.Repeat("> ", maxQuoteNest) + "x", false},
		{"wide table", "|" + strings.Repeat("a|", 600) + "\n|" + strings.Repeat("-|", 600) + "\n" + strings.Repeat("|\n", 500), true},
	} {
		if got := markdownTooCostly([]byte(tc.src)); got != tc.costly {
			t.Errorf("%s: markdownTooCostly = %v; want %v", tc.name, got, tc.costly)
		}
	}
	// Shown as text, escaped.
	r, _ := readmeOn.renderReadme("README.md", []byte(strings.Repeat("<b>[a](", 20000)))
	if !strings.HasPrefix(string(r.HTML), `<pre class="readme-text">&lt;b&gt;[a](`) {
		t.Errorf("costly README.md = %.80q…; want it as text", r.HTML)
	}
}
