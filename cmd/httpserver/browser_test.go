package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/pyhttp/httpserver/internal/browsertest"
)

// TestBrowserListing opens a listing served by the command in a real
// Chromium: it sorts by clicking the Size header, follows a directory link
// and the parent link, fetches the JSON listing and saves a screenshot.
func TestBrowserListing(t *testing.T) {
	bctx := browsertest.Start(t, 1024, 768)
	dir := t.TempDir()
	for name, size := range map[string]int{"small.txt": 10, "large.bin": 50000, "medium.html": 700, "sub/inner.txt": 5} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, make([]byte, size), 0o644)
	}
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--quiet")

	const links = `Array.from(document.querySelectorAll(".ls td:first-child a")).map(a => a.getAttribute("href"))`
	const location = `location.pathname + location.search`
	eval := func(what, expr string) string {
		t.Helper()
		return browsertest.Run(t, bctx, what, chromedp.Evaluate[string](expr))
	}
	evalList := func(what, expr string) []string {
		t.Helper()
		return browsertest.Run(t, bctx, what, chromedp.Evaluate[[]string](expr))
	}
	click := func(what, selector string) {
		t.Helper()
		browsertest.Run(t, bctx, what, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(selector))))
	}

	browsertest.Do(t, bctx, "open the listing", chromedp.Navigate(s.base+"/"), chromedp.WaitReady(chromedp.CSS("table")))
	byName := evalList("read the links", links)
	if !slices.Equal(byName, []string{"sub/", "large.bin", "medium.html", "small.txt"}) {
		t.Errorf("links by name = %q", byName)
	}
	click("sort by size", "th.s a")
	bySize, where := evalList("read the links", links), eval("read the location", location)
	if slices.Equal(bySize, byName) || where != "/?sort=size&order=asc" {
		t.Errorf("after clicking Size: at %q, links %q; want a new order", where, bySize)
	}
	click("follow sub/", `a[href="sub/"]`)
	if where := eval("read the location", location); where != "/sub/" {
		t.Errorf("after following sub/: at %q", where)
	}
	click("follow the parent link", `a[rel="up"]`)
	if where := eval("read the location", location); where != "/" {
		t.Errorf("after following the parent link: at %q", where)
	}

	// The built-in page's CSP allows no script; lift it, as a page of the
	// user's own that fetched the listing would not have it.
	browsertest.Do(t, bctx, "bypass the CSP",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true})
			return err
		}),
		chromedp.Reload(),
		chromedp.WaitReady(chromedp.CSS("table")),
	)
	names := browsertest.Run(t, bctx, "fetch the JSON listing", chromedp.Evaluate[[]string](
		`fetch("./", {headers: {Accept: "application/json"}}).then(r => r.json()).then(j => j.entries.map(e => e.name))`,
		chromedp.EvalAwaitPromise))
	if !slices.Equal(names, []string{"large.bin", "medium.html", "small.txt", "sub"}) {
		t.Errorf("JSON entries = %q", names)
	}

	png := browsertest.Run(t, bctx, "take a screenshot", chromedp.CaptureScreenshot())
	shot := filepath.Join(t.TempDir(), "listing.png")
	if err := os.WriteFile(shot, png, 0o644); err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
		t.Errorf("screenshot: %v (%d bytes)", err, len(png))
	}
	t.Log("screenshot:", shot)
}

// TestBrowserLiveReload opens a page served with --live-reload in a real
// Chromium and edits its files: an edit to the page reloads it (the DOM
// shows the new text, and a mark left on the old page is gone), and an
// edit to its stylesheet restyles it without a reload.
func TestBrowserLiveReload(t *testing.T) {
	bctx := browsertest.Start(t, 800, 600)
	dir := liveSite(t)
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--live-reload")
	index := filepath.Join(dir, "index.html")

	browsertest.Do(t, bctx, "open the page", chromedp.Navigate(s.base+"/"), chromedp.WaitVisible(chromedp.CSS("#v")))
	// The script has connected once the stream's line is in the log.
	deadline := time.Now().Add(browsertest.StepTimeout)
	for !strings.Contains(s.stderr.String(), `"GET /.httpserver/events HTTP/1.1" 200`) {
		if time.Now().After(deadline) {
			t.Fatalf("the page never opened its event stream; log:\n%s", s.stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	color := func() string {
		return browsertest.Run(t, bctx, "read the color", chromedp.Evaluate[string](`getComputedStyle(document.getElementById("v")).color`))
	}
	if c := color(); c != "rgb(0, 0, 255)" {
		t.Fatalf("color before the edit: %q", c)
	}

	// A stylesheet edit: restyled in place, the page's state kept.
	browsertest.Run(t, bctx, "mark the page", chromedp.Evaluate[bool](`window.mark = true`))
	if err := os.WriteFile(filepath.Join(dir, "style.css"), []byte("h1 { color: rgb(255, 0, 0) }"), 0o644); err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, bctx, "wait for the new color", chromedp.Poll[bool](
		`getComputedStyle(document.getElementById("v")).color === "rgb(255, 0, 0)"`, chromedp.WithPollingTimeout(10*time.Second)))
	if !browsertest.Run(t, bctx, "read the mark", chromedp.Evaluate[bool](`window.mark === true`)) {
		t.Error("a stylesheet edit reloaded the page")
	}

	// A page edit: reloaded.
	began := time.Now()
	browsertest.Run(t, bctx, "edit the page and wait for the reload",
		chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Func(func(context.Context, *chromedp.Target) error {
			return os.WriteFile(index, []byte("<!DOCTYPE html><html><head><link rel=stylesheet href=style.css></head><body><h1 id=v>2</h1></body></html>"), 0o644)
		})))
	reloaded := time.Since(began)
	if text := browsertest.Run(t, bctx, "read the heading", chromedp.Text(chromedp.CSS("#v"))); text != "2" {
		t.Errorf("after the edit the heading says %q; want 2", text)
	}
	if browsertest.Run(t, bctx, "read the mark", chromedp.Evaluate[bool](`window.mark === true`)) {
		t.Error("the page was not reloaded: the mark is still there")
	}
	t.Logf("edit → page reloaded in Chromium: %v", reloaded.Round(time.Millisecond))
}
