package main

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pyhttp/httpserver/internal/browsertest"
)

// TestBrowserSPA opens the built single-page app of testdata/spa, served
// by the command with --spa and --404, in a real Chromium: a deep link
// loads the app, which routes it; links navigate with history.pushState
// and no reload; reloading a client-side route loads the app again; and a
// missing asset is a real 404, for the app's fetch and for the browser
// itself, although both ask for HTML. Every wait is bounded.
func TestBrowserSPA(t *testing.T) {
	bctx := browsertest.Start(t, 1024, 768)
	s := start(t, "0", "-b", "127.0.0.1", "-d", filepath.Join("testdata", "spa"), "--quiet",
		"--spa", "--404", "404.html", "--immutable", "assets/*")

	// text waits, within a few seconds, for the element id to hold
	// something other than its placeholder, and returns it.
	text := func(what, id, placeholder string) string {
		t.Helper()
		return browsertest.Run(t, bctx, what, chromedp.Poll[string](
			`(t => t !== "`+placeholder+`" && t)(document.getElementById("`+id+`")?.textContent)`,
			chromedp.WithPollingTimeout(10*time.Second)))
	}
	eval := func(what, expr string) string {
		t.Helper()
		return browsertest.Run(t, bctx, what, chromedp.Evaluate[string](expr))
	}

	resp := browsertest.Run(t, bctx, "open a deep link", chromedp.NavigateResponse(s.base+"/users/42"))
	if resp.Status != 200 || resp.Headers["Cache-Control"] != "no-cache" {
		t.Errorf("deep link /users/42: %d, Cache-Control %v; want 200 no-cache", resp.Status, resp.Headers["Cache-Control"])
	}
	if got := text("wait for the app to route the deep link", "view", "loading"); got != "User 42" {
		t.Errorf("deep link /users/42 shows %q; want User 42", got)
	}
	if got := text("wait for the app's fetch of a missing chunk", "chunk", "checking"); got != "chunk 404" {
		t.Errorf("the app's fetch of a missing chunk: %q; want chunk 404", got)
	}

	// Client-side navigation: the URL changes, the page does not reload.
	started := eval("read the app's start token", `window.appStarted`)
	browsertest.Do(t, bctx, "click About", chromedp.Click(chromedp.CSS(`a[href="/about"]`)))
	if got := text("wait for the About view", "view", "User 42"); got != "About" {
		t.Errorf("after clicking About: %q", got)
	}
	if where, token := eval("read the location", `location.pathname`), eval("read the token", `window.appStarted`); where != "/about" || token != started {
		t.Errorf("after clicking About: at %q, token %q (was %q); want /about without a reload", where, token, started)
	}
	browsertest.Do(t, bctx, "go back", chromedp.NavigateBack())
	if got := text("wait for the User 42 view", "view", "About"); got != "User 42" {
		t.Errorf("after going back: %q", got)
	}

	// Reloading a client-side route asks the server for it.
	browsertest.Do(t, bctx, "open /about", chromedp.Navigate(s.base+"/about"))
	if got := text("wait for the reloaded About view", "view", "loading"); got != "About" || eval("read the token", `window.appStarted`) == started {
		t.Errorf("reloaded /about: %q, same token: want the app loaded anew", got)
	}

	// A missing asset, opened as a page (Accept: text/html): the site's
	// 404 page with status 404, not the app.
	resp = browsertest.Run(t, bctx, "open a missing asset", chromedp.NavigateResponse(s.base+"/assets/app-000000.js"))
	if resp.Status != 404 {
		t.Errorf("missing asset: status %d; want 404", resp.Status)
	}
	if got := text("read the 404 page", "not-found", ""); got != "This page is not part of the app" {
		t.Errorf("missing asset shows %q; want the 404 page", got)
	}
	if got := eval("look for the app", `document.title + "|" + (document.getElementById("view") ? "app" : "no app")`); got != "Not found|no app" {
		t.Errorf("missing asset: %q; want the 404 page, not the app", got)
	}
}
