package listing

import (
	"bytes"
	"context"
	"flag"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/pyhttp/httpserver/internal/browsertest"
	"github.com/pyhttp/httpserver/internal/safepath"
)

// browserHandler is the smallest file server around ServeDir: a listing
// for a directory, the file otherwise. It is mounted under /files/ with
// StripPrefix, so the page must work below a prefix.
func browserHandler(fsys fs.FS, lh *Renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, _, ok := safepath.Resolve(r.URL.Path)
		if !ok {
			http.NotFound(w, r)
			return
		}
		info, err := fs.Stat(fsys, name)
		switch {
		case err != nil:
			http.NotFound(w, r)
		case info.IsDir():
			if err := lh.ServeDir(w, r, fsys, name, ReadOptions{}); err != nil {
				http.NotFound(w, r)
			}
		default:
			http.ServeFileFS(w, r, fsys, name)
		}
	})
}

// TestBrowser drives a real Chromium over a listing: sorting by clicking
// the size header, following a directory link and the parent link,
// fetching the JSON form, and checking that the page fits a phone.
func TestBrowser(t *testing.T) {
	bctx := browsertest.Start(t, 1280, 900)
	srv := browserServer(t)
	browseAndSort(t, bctx, srv.URL)
	crumbsAndCounts(t, bctx, srv.URL)
	filterRows(t, bctx)
	screenshot(t, bctx, "modern-desktop.png")
	darkMode(t, bctx)
	fetchJSON(t, bctx)
	fitsPhone(t, bctx)
}

// screenshots, when set, writes the browser test's screenshots of the
// modern page to testdata/ (go test -run Browser -screenshots ./listing/);
// else they go to a temporary directory.
var screenshots = flag.Bool("screenshots", false, "write the browser test's screenshots to testdata/")

// screenshot captures the page the browser is on as file.
func screenshot(t *testing.T, bctx context.Context, file string) {
	t.Helper()
	png := run(t, bctx, "take a screenshot", chromedp.CaptureScreenshot())
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("screenshot is not a PNG (%d bytes)", len(png))
	}
	dir := "testdata"
	if !*screenshots {
		dir = t.TempDir()
	}
	shot := filepath.Join(dir, file)
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", shot, len(png))
}

// setMedia emulates prefers-color-scheme: scheme ("" for none).
func setMedia(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		p := emulation.SetEmulatedMediaParams{}
		if scheme != "" {
			p.Features = []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}
		}
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, p)
		return err
	})
}

// darkMode switches the page to its dark theme, checks its colours and
// takes a screenshot.
func darkMode(t *testing.T, bctx context.Context) {
	t.Helper()
	do(t, bctx, "prefer dark", setMedia("dark"))
	if bg := run(t, bctx, "read the background", chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`)); bg != "rgb(13, 17, 23)" {
		t.Errorf("dark background = %q; want rgb(13, 17, 23)", bg)
	}
	screenshot(t, bctx, "modern-dark.png")
	do(t, bctx, "prefer light again", setMedia(""))
}

// browserServer serves a small tree with hostile names under /files/.
func browserServer(t *testing.T) *httptest.Server {
	t.Helper()
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	fsys := fstest.MapFS{
		"alpha.txt":        {Data: make([]byte, 5000), ModTime: t0},
		"Beta.bin":         {Data: make([]byte, 10), ModTime: t0},
		"gamma <x>.html":   {Data: make([]byte, 700), ModTime: t0},
		"sub/inner.txt":    {Data: []byte("inner"), ModTime: t0},
		"sub":              {Mode: fs.ModeDir | 0o755, ModTime: t0},
		"invoice\u202Efdp": {Data: []byte("x"), ModTime: t0},
	}
	mux := http.NewServeMux()
	mux.Handle("/files/", http.StripPrefix("/files", browserHandler(fsys, New(Options{}))))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server at %s; want 127.0.0.1", srv.URL)
	}
	return srv
}

// browseAndSort opens the listing at srvURL, sorts it by clicking the
// size header, follows a directory link and the parent link back.
func browseAndSort(t *testing.T, bctx context.Context, srvURL string) {
	t.Helper()
	const hrefs = `Array.from(document.querySelectorAll(".ls td:first-child a")).map(a => a.getAttribute("href"))`
	// click follows a link and waits for the page it leads to to load.
	click := func(label, selector string) {
		t.Helper()
		run(t, bctx, label, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(selector))))
	}
	location := func() string {
		t.Helper()
		return run(t, bctx, "read the location", chromedp.Evaluate[string](`location.pathname + location.search`))
	}

	do(t, bctx, "open the listing", chromedp.Navigate(srvURL+"/files/"), chromedp.WaitReady(chromedp.CSS("table")))
	if title := run(t, bctx, "read the title", chromedp.Title()); title != "Directory listing for /files/" {
		t.Errorf("title = %q; want %q", title, "Directory listing for /files/")
	}
	before := run(t, bctx, "read the links", chromedp.Evaluate[[]string](hrefs))
	wantName := []string{"sub/", "alpha.txt", "Beta.bin", "gamma%20%3Cx%3E.html", "invoice%E2%80%AEfdp"}
	if !slices.Equal(before, wantName) {
		t.Errorf("links by name = %q; want %q", before, wantName)
	}

	click("click the size header", "th.s a")
	if loc := location(); loc != "/files/?sort=size&order=asc" {
		t.Errorf("after clicking Size: at %q", loc)
	}
	after := run(t, bctx, "read the sorted links", chromedp.Evaluate[[]string](hrefs))
	wantSize := []string{"sub/", "invoice%E2%80%AEfdp", "Beta.bin", "gamma%20%3Cx%3E.html", "alpha.txt"}
	if slices.Equal(after, before) || !slices.Equal(after, wantSize) {
		t.Errorf("links after clicking Size = %q; want %q", after, wantSize)
	}
	if shown := run(t, bctx, "read the disguised name", chromedp.Text(chromedp.CSS(`a[href="invoice%E2%80%AEfdp"]`))); shown != `invoice\u202Efdp` {
		t.Errorf("bidi name shows as %q; want the visible escape", shown)
	}

	click("follow the directory link", `a[href="sub/"]`)
	if loc := location(); loc != "/files/sub/" {
		t.Errorf("after following sub/: at %q", loc)
	}
	if h1 := run(t, bctx, "read the heading", chromedp.Text(chromedp.CSS("h1"))); h1 != "Directory listing for /files/sub/" {
		t.Errorf("h1 in sub/ = %q", h1)
	}

	click("follow the parent link", `a[rel="up"]`)
	if loc := location(); loc != "/files/" {
		t.Errorf("after following the parent link: at %q", loc)
	}
}

// crumbsAndCounts follows the heading's breadcrumb links from /files/sub/
// and checks the counts and that the page has no inline script.
func crumbsAndCounts(t *testing.T, bctx context.Context, srvURL string) {
	t.Helper()
	do(t, bctx, "open sub/", chromedp.Navigate(srvURL+"/files/sub/"), chromedp.WaitReady(chromedp.CSS("table")))
	crumbs := run(t, bctx, "read the breadcrumbs", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("h1 a")).map(a => a.textContent + " " + a.getAttribute("href"))`))
	if want := []string{"/files/ ../", "sub/ ./"}; !slices.Equal(crumbs, want) {
		t.Errorf("breadcrumbs in sub/ = %q; want %q", crumbs, want)
	}
	if c := run(t, bctx, "read the counts", chromedp.Text(chromedp.CSS(".count"))); c != "0 directories, 1 file" {
		t.Errorf("counts in sub/ = %q", c)
	}
	run(t, bctx, "click the root crumb", chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS("h1 a"))))
	if loc := run(t, bctx, "read the location", chromedp.Evaluate[string](`location.pathname`)); loc != "/files/" {
		t.Errorf("after clicking the root crumb: at %q; want /files/", loc)
	}
	if c := run(t, bctx, "read the counts", chromedp.Text(chromedp.CSS(".count"))); c != "1 directory, 4 files" {
		t.Errorf("counts in /files/ = %q", c)
	}
	icons := run(t, bctx, "read the icons", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".ls td:first-child a")).map(a => {
		const m = getComputedStyle(a, "::before").maskImage;
		return m.includes("M1 3h5") ? "dir" : m.includes("M3 1h6") ? "file" : m;
	})`))
	if want := []string{"dir", "file", "file", "file", "file"}; !slices.Equal(icons, want) {
		t.Errorf("icons = %q; want %q", icons, want)
	}
	inline := run(t, bctx, "look for inline script", chromedp.Evaluate[int](`document.querySelectorAll("script:not([src])").length +
		Array.from(document.querySelectorAll("*")).filter(e => Array.from(e.attributes).some(a => a.name.startsWith("on"))).length`))
	if inline != 0 {
		t.Errorf("the page has %d inline scripts or handlers", inline)
	}
}

// filterRows types into the filter box, which the page's one script adds
// (so the CSP let it run), and checks that the rows narrow and come back.
func filterRows(t *testing.T, bctx context.Context) {
	t.Helper()
	const shown = `Array.from(document.querySelectorAll(".ls tbody tr:not([hidden]) td:first-child a")).map(a => a.getAttribute("href"))`
	do(t, bctx, "type in the filter", chromedp.SendKeys(chromedp.CSS(`nav input[type="search"]`), "GAM"))
	if got, want := run(t, bctx, "read the rows", chromedp.Evaluate[[]string](shown)), []string{"gamma%20%3Cx%3E.html"}; !slices.Equal(got, want) {
		t.Errorf("rows shown for GAM = %q; want %q", got, want)
	}
	if label := run(t, bctx, "read the label", chromedp.Evaluate[string](`document.activeElement.labels[0].textContent`)); label != "Filter " {
		t.Errorf("the filter box's label = %q; want %q", label, "Filter ")
	}
	do(t, bctx, "clear the filter", chromedp.SendKeys(chromedp.CSS(`nav input[type="search"]`), "\b\b\b"))
	if got := run(t, bctx, "read the rows", chromedp.Evaluate[[]string](shown)); len(got) != 5 {
		t.Errorf("rows shown after clearing the filter = %q; want all 5", got)
	}
}

// fetchJSON fetches the JSON form of the page the browser is on, as a
// script would.
func fetchJSON(t *testing.T, bctx context.Context) {
	t.Helper()
	type jsonResult struct {
		Vary    string `json:"vary"`
		Type    string `json:"type"`
		Path    string `json:"path"`
		Entries []struct {
			Name  string `json:"name"`
			URL   string `json:"url"`
			IsDir bool   `json:"is_dir"`
			Size  int64  `json:"size"`
		} `json:"entries"`
	}
	// The built-in page's CSP allows no fetch; lift it for this test, as
	// a script of the user's own would run from a page of its own.
	do(t, bctx, "bypass the CSP",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true})
			return err
		}),
		chromedp.Reload(),
		chromedp.WaitReady(chromedp.CSS("table")),
	)
	listing := run(t, bctx, "fetch the JSON listing", chromedp.Evaluate[jsonResult](`fetch("./", {headers: {Accept: "application/json"}}).then(async r => {
		const j = await r.json();
		return {vary: r.headers.get("Vary"), type: r.headers.get("Content-Type"), path: j.path, entries: j.entries};
	})`, chromedp.EvalAwaitPromise))
	if listing.Type != "application/json" || listing.Vary != "Accept" || listing.Path != "/files/" || len(listing.Entries) != 5 {
		t.Errorf("fetch JSON: type %q, Vary %q, path %q, %d entries; want application/json, Accept, /files/, 5",
			listing.Type, listing.Vary, listing.Path, len(listing.Entries))
	} else if e := listing.Entries[0]; e.Name != "alpha.txt" || e.Size != 5000 || e.URL != "alpha.txt" {
		t.Errorf("fetch JSON: first entry %+v", e)
	}
}

// fitsPhone checks that the page the browser is on fits a phone's width.
func fitsPhone(t *testing.T, bctx context.Context) {
	t.Helper()
	do(t, bctx, "emulate a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Reload(),
		chromedp.WaitReady(chromedp.CSS("table")),
	)
	if run(t, bctx, "measure the width", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)) {
		t.Errorf("the page scrolls sideways on a 390px-wide phone")
	}
	// The date stays on phones, on a line of its own under the name.
	dateShown := run(t, bctx, "look for the date", chromedp.Evaluate[bool](`(() => {
		const t = document.querySelector(".ls td:nth-child(3)"), n = document.querySelector(".ls td:first-child");
		const r = t.getBoundingClientRect();
		return r.width > 0 && r.top >= n.getBoundingClientRect().bottom - 1;
	})()`))
	if !dateShown {
		t.Errorf("on a 390px-wide phone the date is hidden or not under the name")
	}
	screenshot(t, bctx, "modern-390.png")
}

// run runs one browser action and returns its result.
func run[T any](t *testing.T, ctx context.Context, label string, a chromedp.Action[T]) T {
	t.Helper()
	return browsertest.Run(t, ctx, label, a)
}

// do runs browser actions that return nothing, in order.
func do(t *testing.T, ctx context.Context, label string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	run(t, ctx, label, chromedp.Steps(steps...))
}

// TestBrowserEverythingOnPhone: with every option of the modern page on
// (the search box, download links, the upload area, the rename and
// delete cell of each row, a README), the page still fits a phone, the
// date still under each name.
func TestBrowserEverythingOnPhone(t *testing.T) {
	bctx := browsertest.Start(t, 1280, 900)
	fsys := testFS()
	fsys["README.md"] = &fstest.MapFile{Data: []byte("# Notes\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"), ModTime: t0}
	rd := New(Options{Readme: true, SearchBox: true, Downloads: []string{"zip", "tar.gz"}, Actions: Actions{Upload: true, Delete: true}})
	srv := httptest.NewServer(http.StripPrefix("/files", browserHandler(fsys, rd)))
	t.Cleanup(srv.Close)
	do(t, bctx, "open the listing", chromedp.Navigate(srv.URL+"/files/"), chromedp.WaitReady(chromedp.CSS("table")))
	fitsPhone(t, bctx)
	screenshot(t, bctx, "modern-everything-390.png")
}
