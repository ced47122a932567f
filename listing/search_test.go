package listing

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"
)

func searchFS() fstest.MapFS {
	return fstest.MapFS{
		"Été/Rapport.TXT":         {Data: []byte("1")},
		"été/notes.md":            {Data: []byte("2")},
		"a*b.txt":                 {Data: []byte("3")},
		"[x].txt":                 {Data: []byte("4")},
		"..hidden":                {Data: []byte("5")},
		".env":                    {Data: []byte("6")},
		"deep/1/2/3/4/needle.txt": {Data: []byte("7")},
		"KELVIN-\u212a.txt":       {Data: []byte("8")}, // KELVIN SIGN lowers to k
		"node_modules/x/t.txt":    {Data: []byte("9")},
	}
}

func TestSearch(t *testing.T) {
	for _, c := range []struct {
		text string
		opts SearchOptions
		want []string
		stop Stop
	}{
		{"txt", SearchOptions{}, []string{"KELVIN-\u212a.txt", "[x].txt", "a*b.txt", "deep/1/2/3/4/needle.txt", "node_modules/x/t.txt", "Été/Rapport.TXT"}, Complete},
		{"ÉTÉ", SearchOptions{}, []string{"Été", "été"}, Complete},
		{"rapport.txt", SearchOptions{}, []string{"Été/Rapport.TXT"}, Complete},
		{"kelvin-k", SearchOptions{}, []string{"KELVIN-\u212a.txt"}, Complete},
		{"*", SearchOptions{}, []string{"a*b.txt"}, Complete},
		{"*.txt", SearchOptions{}, nil, Complete},
		{"[x]", SearchOptions{}, []string{"[x].txt"}, Complete},
		{"../", SearchOptions{}, nil, Complete},
		{"..", SearchOptions{}, []string{"..hidden"}, Complete},
		{".", SearchOptions{ReadOptions: ReadOptions{HideDotfiles: true}}, []string{"KELVIN-\u212a.txt", "[x].txt", "a*b.txt", "deep/1/2/3/4/needle.txt", "node_modules/x/t.txt", "Été/Rapport.TXT", "été/notes.md"}, Complete},
		{"t", SearchOptions{ReadOptions: ReadOptions{Hide: func(n string) bool { return strings.HasSuffix(n, "node_modules") }}}, []string{"KELVIN-\u212a.txt", "[x].txt", "a*b.txt", "deep/1/2/3/4/needle.txt", "Été", "Été/Rapport.TXT", "été", "été/notes.md"}, Complete},
		{"needle", SearchOptions{MaxDepth: 3}, nil, StopDepth},
		{"needle", SearchOptions{MaxDepth: 6}, []string{"deep/1/2/3/4/needle.txt"}, Complete},
		{"txt", SearchOptions{MaxResults: 2}, []string{"KELVIN-\u212a.txt", "[x].txt"}, StopResults},
	} {
		l, stop, err := Search(context.Background(), searchFS(), ".", c.text, c.opts)
		if err != nil {
			t.Fatalf("Search(%q): %v", c.text, err)
		}
		got := names(l)
		slices.Sort(got)
		want := slices.Clone(c.want)
		slices.Sort(want)
		if !slices.Equal(got, want) || stop != c.stop {
			t.Errorf("Search(%q) = %q, %v; want %q, %v", c.text, got, stop, want, c.stop)
		}
	}
	// Below a directory: names relative to it, nothing from above.
	l, _, err := Search(context.Background(), searchFS(), "deep/1", "", SearchOptions{})
	if err != nil || !slices.Equal(names(l), []string{"2", "2/3", "2/3/4", "2/3/4/needle.txt"}) {
		t.Errorf("Search(deep/1) = %q, %v", names(l), err)
	}
	if _, _, err := Search(context.Background(), searchFS(), "a*b.txt", "x", SearchOptions{}); err == nil {
		t.Error("Search of a file: no error")
	}
}

func TestSearchStops(t *testing.T) {
	fsys := fstest.MapFS{}
	for i := range 2000 {
		fsys[strings.Repeat("d/", i%20)+"f"+string(rune('a'+i%26))+time.Duration(i).String()] = &fstest.MapFile{}
	}
	_, stop, err := Search(context.Background(), fsys, ".", "f", SearchOptions{Timeout: time.Nanosecond})
	if err != nil || stop != StopTime {
		t.Errorf("with a 1 ns timeout: %v, %v; want StopTime", stop, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Search(ctx, fsys, ".", "f", SearchOptions{}); err != context.Canceled {
		t.Errorf("with a cancelled context: %v; want context.Canceled", err)
	}
}

// TestServeSearchPage checks the page of results: rows linking relative
// to the directory, the count, the stop note, and the CSP.
func TestServeSearchPage(t *testing.T) {
	rd := New(Options{SearchBox: true, Downloads: []string{"zip"}})
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/files/?q=%3Cb%3E+txt", nil)
	if err := rd.ServeSearch(w, r, searchFS(), ".", "<b> txt", SearchOptions{}); err != nil {
		t.Fatal(err)
	}
	body := w.Body.String()
	for _, want := range []string{
		`value="&lt;b&gt; txt"`,
		`0 results for “&lt;b&gt; txt”.`,
		`No names match.`,
		`<a href="?download=zip" download>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self'") {
		t.Errorf("CSP = %q; want form-action 'self'", csp)
	}
	if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q", cc)
	}

	w = httptest.NewRecorder()
	r = httptest.NewRequest("GET", "/?q=txt", nil)
	if err := rd.ServeSearch(w, r, searchFS(), ".", "txt", SearchOptions{MaxResults: 2}); err != nil {
		t.Fatal(err)
	}
	body = w.Body.String()
	for _, want := range []string{`<a href="%5Bx%5D.txt">[x].txt</a>`, "2 results for “txt”.", StopResults.String()} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}

	// HEAD: headers, no search.
	w = httptest.NewRecorder()
	r = httptest.NewRequest("HEAD", "/?q=txt", nil)
	if err := rd.ServeSearch(w, r, searchFS(), ".", "txt", SearchOptions{}); err != nil || w.Body.Len() != 0 || w.Code != http.StatusOK {
		t.Errorf("HEAD: %v, %d bytes, %d", err, w.Body.Len(), w.Code)
	}
}

// TestListingLinksOnlyWhenAsked checks that the modern page has no box,
// no download links and the strict CSP by default.
func TestListingLinksOnlyWhenAsked(t *testing.T) {
	for _, c := range []struct {
		opts      Options
		box, link bool
	}{
		{Options{}, false, false},
		{Options{SearchBox: true}, true, false},
		{Options{Downloads: []string{"zip", "tar.gz"}}, false, true},
	} {
		w := httptest.NewRecorder()
		if err := New(c.opts).ServeDir(w, httptest.NewRequest("GET", "/", nil), searchFS(), ".", ReadOptions{}); err != nil {
			t.Fatal(err)
		}
		body := w.Body.String()
		if got := strings.Contains(body, `name="q"`); got != c.box {
			t.Errorf("%+v: search box %v; want %v", c.opts, got, c.box)
		}
		if got := strings.Contains(body, `?download=tar.gz`); got != c.link {
			t.Errorf("%+v: download links %v; want %v", c.opts, got, c.link)
		}
		if got := strings.Contains(w.Header().Get("Content-Security-Policy"), "form-action 'self'"); got != c.box {
			t.Errorf("%+v: CSP %q", c.opts, w.Header().Get("Content-Security-Policy"))
		}
	}
}

// FuzzSearchMatch checks the matcher against the plain definition:
// strings.Contains of the lower-cased strings.
func FuzzSearchMatch(f *testing.F) {
	for _, s := range [][2]string{{"Rapport.TXT", "txt"}, {"ÉTÉ", "été"}, {"KELVIN-\u212a", "k"}, {"a*b", "*"}, {"../x", "../"}, {"caf\xe9", "caf"}, {"ß", "SS"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, text string) {
		if !utf8.ValidString(text) {
			return // refused before a search starts
		}
		got := matcher(text)(name)
		want := strings.Contains(strings.ToLower(name), strings.ToLower(text))
		if got != want {
			t.Errorf("matcher(%q)(%q) = %v; want %v", text, name, got, want)
		}
	})
}
