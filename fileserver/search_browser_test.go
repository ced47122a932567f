package fileserver

import (
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/pyhttp/httpserver/internal/browsertest"
)

// TestSearchBoxBrowser submits the listing page's search box in a real
// Chromium, which enforces the page's CSP (form-action 'self'), and
// follows a result.
func TestSearchBoxBrowser(t *testing.T) {
	bctx := browsertest.Start(t, 1024, 768)
	srv := httptest.NewServer(New(fstest.MapFS{
		"docs/Guide.txt":      {Data: []byte("guide")},
		"docs/deep/guide.md":  {Data: []byte("deep guide")},
		"docs/other/note.txt": {Data: []byte("note")},
	}, Options{Search: true, Archives: true}))
	defer srv.Close()
	browsertest.Do(t, bctx, "open the listing", chromedp.Navigate(srv.URL+"/docs/"), chromedp.WaitReady(chromedp.CSS("form.search")))
	browsertest.Do(t, bctx, "type a query", chromedp.SendKeys(chromedp.CSS(`input[name="q"]`), "GUIDE"))
	browsertest.Run(t, bctx, "submit it", chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Submit(chromedp.CSS(`input[name="q"]`))))
	if loc := browsertest.Run(t, bctx, "read the location", chromedp.Evaluate[string](`location.pathname + location.search`)); loc != "/docs/?q=GUIDE" {
		t.Errorf("location = %q; want /docs/?q=GUIDE", loc)
	}
	if note := browsertest.Run(t, bctx, "read the note", chromedp.Text(chromedp.CSS("p.note"))); !strings.HasPrefix(note, "2 results for “GUIDE”.") {
		t.Errorf("note = %q", note)
	}
	links := browsertest.Run(t, bctx, "read the results", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".ls td:first-child a"), a => a.getAttribute("href"))`))
	if strings.Join(links, ",") != "Guide.txt,deep/guide.md" {
		t.Errorf("results link to %q", links)
	}
	browsertest.Run(t, bctx, "follow a result", chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(`a[href="deep/guide.md"]`))))
	if body := browsertest.Run(t, bctx, "read the file", chromedp.Text(chromedp.CSS("body"))); body != "deep guide" {
		t.Errorf("followed result shows %q", body)
	}
}
