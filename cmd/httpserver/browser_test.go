package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

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

	const links = `Array.from(document.querySelectorAll("td.n a")).map(a => a.getAttribute("href"))`
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
	if !slices.Equal(byName, []string{"large.bin", "medium.html", "small.txt", "sub/"}) {
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
