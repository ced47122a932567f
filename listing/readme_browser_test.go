package listing

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chromedp/chromedp"

	"github.com/pyhttp/httpserver/internal/browsertest"
)

// TestBrowserReadme loads, in a real Chromium, a listing whose README.md
// tries every way to run a script, and checks that the README is shown
// below the table, its hostile parts as text, and that nothing ran.
func TestBrowserReadme(t *testing.T) {
	bctx := browsertest.Start(t, 1280, 900)
	readme := "# Hello README\n\n" +
		"<script>window.pwned = 'script'</script>\n\n" +
		"Inline <img src=x onerror=\"window.pwned='img'\"> and <b onmouseover=\"window.pwned='b'\">bold</b>.\n\n" +
		"[click me](javascript:window.pwned='link') and <javascript:window.pwned='autolink'>\n\n" +
		"| a | b |\n|---|---|\n| 1 | 2 |\n\n" +
		"<iframe srcdoc=\"<script>parent.pwned='iframe'</script>\"></iframe>\n"
	fsys := fstest.MapFS{
		"README.md": {Data: []byte(readme), ModTime: t0},
		"a.txt":     {Data: []byte("a"), ModTime: t0},
	}
	srv := httptest.NewServer(http.StripPrefix("/files", browserHandler(fsys, New(Options{Readme: true}))))
	t.Cleanup(srv.Close)

	do(t, bctx, "open the listing", chromedp.Navigate(srv.URL+"/files/"), chromedp.WaitReady(chromedp.CSS("section.readme h1")))
	heading := run(t, bctx, "read the README's heading", chromedp.Evaluate[string](`(() => {
		const h = document.querySelector("section.readme h1"), r = h.getBoundingClientRect();
		const table = document.querySelector("table").getBoundingClientRect();
		return r.width > 0 && r.top >= table.bottom ? h.textContent : "hidden or above the table";
	})()`))
	if heading != "Hello README" {
		t.Errorf("README heading = %q; want Hello README, visible below the table", heading)
	}
	text := run(t, bctx, "read the README", chromedp.Evaluate[string](`document.querySelector("section.readme").innerText`))
	for _, want := range []string{"<script>window.pwned = 'script'</script>", `<img src=x onerror="window.pwned='img'">`, "click me"} {
		if !strings.Contains(text, want) {
			t.Errorf("README text lacks %q:\n%s", want, text)
		}
	}
	// Hover and click everything that could carry a handler.
	do(t, bctx, "click the README's text", chromedp.Click(chromedp.CSS("section.readme p")))
	got := run(t, bctx, "look for what ran", chromedp.Evaluate[string](`[
		String(window.pwned),
		document.querySelectorAll("section.readme script, section.readme iframe, section.readme img, section.readme [onerror], section.readme [onmouseover]").length,
		document.querySelectorAll("section.readme a[href^='javascript' i]").length,
		document.querySelectorAll("section.readme table td").length,
	].join(" ")`))
	if got != "undefined 0 0 2" {
		t.Errorf("pwned, hostile elements, javascript: links, table cells = %q; want \"undefined 0 0 4\"", got)
	}
	// The listing's style and filter box are the listing table's only: a
	// filter that matches no entry leaves the README's table alone, and
	// its cells get no file icons.
	readmeTable := run(t, bctx, "filter, then look at the README's table", chromedp.Evaluate[string](`(() => {
		const input = document.querySelector(".filter input");
		input.value = "no such entry";
		input.dispatchEvent(new Event("input"));
		const rows = document.querySelectorAll("section.readme tr:not([hidden])").length;
		const listed = document.querySelectorAll(".ls tbody tr:not([hidden])").length;
		const icon = getComputedStyle(document.querySelector("section.readme td"), "::before").content;
		return [rows, listed, icon].join(" ");
	})()`))
	if readmeTable != "2 0 none" {
		t.Errorf("README rows shown, listing rows shown, README cell icon = %q; want \"2 0 none\"", readmeTable)
	}
	screenshot(t, bctx, "modern-readme.png")
}
