package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestBrowserListing opens a listing served by the command in a real
// Chromium: it sorts by clicking the Size header, follows a directory link
// and the parent link, fetches the JSON listing and saves a screenshot.
func TestBrowserListing(t *testing.T) {
	chromium := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			chromium = p
			break
		}
	}
	if chromium == "" {
		t.Skip("chromium is not installed; skipping the browser test (apt-get install chromium)")
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	dir := t.TempDir()
	for name, size := range map[string]int{"small.txt": 10, "large.bin": 50000, "medium.html": 700, "sub/inner.txt": 5} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, make([]byte, size), 0o644)
	}
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--quiet")

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.WindowSize(1024, 768),
	)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	if err := chromedp.Do(bctx); err != nil { // start the browser for the whole test
		t.Fatalf("start %s: %v", chromium, err)
	}
	const links = `Array.from(document.querySelectorAll("td.n a")).map(a => a.getAttribute("href"))`
	const location = `location.pathname + location.search`
	click := func(what, selector string) {
		t.Helper()
		browse(t, bctx, what, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(selector))))
	}

	do(t, bctx, "open the listing", chromedp.Navigate(s.base+"/"), chromedp.WaitReady(chromedp.CSS("table")))
	byName := eval[[]string](t, bctx, "read the links", links)
	if !slices.Equal(byName, []string{"large.bin", "medium.html", "small.txt", "sub/"}) {
		t.Errorf("links by name = %q", byName)
	}
	click("sort by size", "th.s a")
	bySize, where := eval[[]string](t, bctx, "read the links", links), eval[string](t, bctx, "read the location", location)
	if slices.Equal(bySize, byName) || where != "/?sort=size&order=asc" {
		t.Errorf("after clicking Size: at %q, links %q; want a new order", where, bySize)
	}
	click("follow sub/", `a[href="sub/"]`)
	if where := eval[string](t, bctx, "read the location", location); where != "/sub/" {
		t.Errorf("after following sub/: at %q", where)
	}
	click("follow the parent link", `a[rel="up"]`)
	if where := eval[string](t, bctx, "read the location", location); where != "/" {
		t.Errorf("after following the parent link: at %q", where)
	}

	// The built-in page's CSP allows no script; lift it, as a page of the
	// user's own that fetched the listing would not have it.
	do(t, bctx, "bypass the CSP",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true})
			return err
		}),
		chromedp.Reload(),
		chromedp.WaitReady(chromedp.CSS("table")),
	)
	names := browse(t, bctx, "fetch the JSON listing", chromedp.Evaluate[[]string](
		`fetch("./", {headers: {Accept: "application/json"}}).then(r => r.json()).then(j => j.entries.map(e => e.name))`,
		chromedp.EvalAwaitPromise))
	if !slices.Equal(names, []string{"large.bin", "medium.html", "small.txt", "sub"}) {
		t.Errorf("JSON entries = %q", names)
	}

	png := browse(t, bctx, "take a screenshot", chromedp.CaptureScreenshot())
	shot := filepath.Join(t.TempDir(), "listing.png")
	if err := os.WriteFile(shot, png, 0o644); err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
		t.Errorf("screenshot: %v (%d bytes)", err, len(png))
	}
	t.Log("screenshot:", shot)
}

// browse runs one browser action, bounded in time, and returns its result.
func browse[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// do runs browser actions that return nothing, in order.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	browse(t, ctx, what, chromedp.Steps(steps...))
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, what, expr string) T {
	t.Helper()
	return browse(t, ctx, what, chromedp.Evaluate[T](expr))
}
