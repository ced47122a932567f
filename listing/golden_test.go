package listing

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pyhttp/httpserver/internal/safepath"
)

// tree is testdata/tree.json: the fixture tree shared with mkgolden.py,
// the script that recorded the goldens from python3 -m http.server.
type tree struct {
	Entries []struct {
		Note    string `json:"note"`
		Name    string `json:"name"` // hex
		Kind    string `json:"kind"`
		Content string `json:"content"`
		Target  string `json:"target"`
	} `json:"entries"`
	Requests []struct {
		Path   string `json:"path"`
		Golden string `json:"golden"`
	} `json:"requests"`
}

// buildTree makes the fixture tree in a temporary directory and returns
// the served root and the directory beside it that symlinks escape to.
func buildTree(t *testing.T) (root, outside string, spec tree) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "tree.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &spec); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	root, outside = filepath.Join(tmp, "root"), filepath.Join(tmp, "outside")
	for _, d := range []string{root, outside} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("secret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, e := range spec.Entries {
		name, err := hex.DecodeString(e.Name)
		if err != nil {
			t.Fatalf("%s: %v", e.Note, err)
		}
		p := filepath.Join(root, string(name))
		switch e.Kind {
		case "dir":
			err = os.MkdirAll(p, 0o755)
		case "file":
			err = os.WriteFile(p, []byte(e.Content), 0o644)
		case "symlink":
			target := e.Target
			if rest, ok := strings.CutPrefix(target, "OUTSIDE/"); ok {
				target = filepath.Join(outside, rest)
			}
			err = os.Symlink(target, p)
		default:
			t.Fatalf("%s: unknown kind %q", e.Note, e.Kind)
		}
		if err != nil {
			t.Skipf("cannot build the fixture tree here (%s): %v", e.Note, err)
		}
	}
	return root, outside, spec
}

// TestPythonGolden checks the Python page against CPython's own output for
// the same tree and request (testdata/golden, recorded by mkgolden.py).
func TestPythonGolden(t *testing.T) {
	root, _, spec := buildTree(t)
	r, err := os.OpenRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	h := New(Options{Format: Python})
	for _, req := range spec.Requests {
		t.Run(req.Golden, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", "golden", req.Golden))
			if err != nil {
				t.Fatal(err)
			}
			rq := httptest.NewRequest(http.MethodGet, req.Path, nil)
			name, _, ok := safepath.Resolve(rq.URL.Path)
			if !ok {
				t.Fatalf("safepath.Resolve(%q) failed", rq.URL.Path)
			}
			w := httptest.NewRecorder()
			if err := h.ServeDir(w, rq, r.FS(), name, ReadOptions{}); err != nil {
				t.Fatalf("GET %q: ServeDir: %v", req.Path, err)
			}
			got := w.Body.Bytes()
			if !bytes.Equal(got, want) {
				t.Errorf("GET %q: body differs from CPython's:\n%s", req.Path, firstDiff(got, want))
			}
			if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("GET %q: Content-Type = %q; want Python's %q", req.Path, ct, "text/html; charset=utf-8")
			}
			if cl := w.Header().Get("Content-Length"); cl != strconv.Itoa(len(want)) {
				t.Errorf("GET %q: Content-Length = %q; want %d", req.Path, cl, len(want))
			}
		})
	}
}

// firstDiff shows the first differing line of got and want.
func firstDiff(got, want []byte) string {
	g, w := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl []byte
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if !bytes.Equal(gl, wl) {
			return fmt.Sprintf("line %d:\n got  %q\n want %q", i+1, gl, wl)
		}
	}
	return "(same lines)"
}

// tagRE matches an HTML tag, to compare texts.
var tagRE = regexp.MustCompile(`<[^>]*>`)

var pyLinkRE = regexp.MustCompile(`<li><a href="([^"]*)">`)

// TestModernKeepsPythonLinks checks that the modern page has Python's
// title, heading and entry links, so that a script
// that scrapes Python's page reads the modern one too.
func TestModernKeepsPythonLinks(t *testing.T) {
	root, _, spec := buildTree(t)
	r, err := os.OpenRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	h := New(Options{})
	for _, req := range spec.Requests {
		want, err := os.ReadFile(filepath.Join("testdata", "golden", req.Golden))
		if err != nil {
			t.Fatal(err)
		}
		rq := httptest.NewRequest(http.MethodGet, req.Path, nil)
		name, _, _ := safepath.Resolve(rq.URL.Path)
		w := httptest.NewRecorder()
		if err := h.ServeDir(w, rq, r.FS(), name, ReadOptions{}); err != nil {
			t.Fatalf("GET %q: %v", req.Path, err)
		}
		got := w.Body.String()
		var pyLinks []string
		for _, m := range pyLinkRE.FindAllStringSubmatch(string(want), -1) {
			if m[1] == "dangling" || m[1] == "escape-file" {
				continue // links that cannot be followed: the modern page leaves them out
			}
			pyLinks = append(pyLinks, m[1])
		}
		l := links(got)
		// The modern page sorts as asked and lists directories first;
		// Python ignores the query and mixes them: compare the sets.
		slices.Sort(l)
		slices.Sort(pyLinks)
		if !slices.Equal(l, pyLinks) {
			t.Errorf("GET %q: modern links = %q; want Python's %q", req.Path, l, pyLinks)
		}
		for _, tag := range []string{"title", "h1"} {
			// The modern heading's path is breadcrumb links; its text
			// is Python's.
			re := regexp.MustCompile("<" + tag + ">.*</" + tag + ">")
			g, w := tagRE.ReplaceAllString(re.FindString(got), ""), tagRE.ReplaceAllString(re.FindString(string(want)), "")
			if g != w || g == "" {
				t.Errorf("GET %q: modern %s text %q; want Python's %q", req.Path, tag, g, w)
			}
		}
	}
}
