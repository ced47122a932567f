package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/pyhttp/httpserver/internal/browsertest"
)

// TestBrowserUpload uploads two files and a folder through the listing
// page in a real Chromium, under the page's own CSP, renames one file and
// deletes another (accepting the confirmation) from their rows, then,
// with JavaScript off, uploads a file and makes a folder through the
// plain forms; the test reads what is on disk after each step.
func TestBrowserUpload(t *testing.T) {
	bctx := browsertest.Start(t, 1024, 768)
	dir := t.TempDir()
	src := t.TempDir()
	files := map[string]string{
		"one.txt":                "first file\n",
		"two.bin":                "\x00\x01second",
		"album/cover.txt":        "cover",
		"album/disc 1/track.txt": "track one",
		"plain.txt":              "no script",
	}
	for name, data := range files {
		p := filepath.Join(src, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--quiet", "--upload", "--delete")

	browsertest.Do(t, bctx, "open the listing", chromedp.Navigate(s.base+"/"), chromedp.WaitReady(chromedp.CSS("section.up")))
	browsertest.Do(t, bctx, "pick two files and a folder",
		chromedp.SetUploadFiles(chromedp.CSS("form.files input[multiple]"), []string{filepath.Join(src, "one.txt"), filepath.Join(src, "two.bin")}),
		chromedp.SetUploadFiles(chromedp.CSS("form.files input[webkitdirectory]"), []string{filepath.Join(src, "album")}),
	)
	// The script sends each file with XMLHttpRequest, shows its progress,
	// and reloads the page when all are in.
	browsertest.Run(t, bctx, "upload and wait for the reload",
		chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS("form.files button"))))
	for _, name := range []string{"one.txt", "two.bin", "album/cover.txt", "album/disc 1/track.txt"} {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil || string(got) != files[name] {
			t.Errorf("%s on disk: %q, %v; want %q", name, got, err, files[name])
		}
	}
	links := browsertest.Run(t, bctx, "read the links", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll(".ls td:first-child a")).map(a => a.getAttribute("href"))`))
	if len(links) != 3 {
		t.Errorf("listing after the upload: %q; want album/, one.txt, two.bin", links)
	}

	// Rename one.txt from its row; delete two.bin, accepting the
	// script's confirmation.
	browsertest.Do(t, bctx, "open one.txt's actions and type a new name",
		chromedp.Click(chromedp.CSS(`tr:has(a[href="one.txt"]) summary`)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('tr:has(a[href="one.txt"]) input[name=to]').value = "uno.txt"`),
	)
	browsertest.Run(t, bctx, "rename",
		chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(`tr:has(a[href="one.txt"]) form.mv button`))))
	browsertest.Do(t, bctx, "open two.bin's actions", chromedp.Click(chromedp.CSS(`tr:has(a[href="two.bin"]) summary`)))
	// The click is queued by the page itself: a click sent by the
	// browser would wait for the dialog it opens.
	dialog := browsertest.Run(t, bctx, "click Delete and see the confirmation",
		chromedp.WaitEvent(page.JavascriptDialogOpening, nil,
			chromedp.Evaluate[chromedp.Void](`setTimeout(() => document.querySelector('tr:has(a[href="two.bin"]) form.rm button').click(), 0)`)))
	if dialog.Type != page.DialogTypeConfirm || dialog.Message != "Delete two.bin?" {
		t.Errorf("dialog: %s %q; want confirm \"Delete two.bin?\"", dialog.Type, dialog.Message)
	}
	browsertest.Run(t, bctx, "accept and wait for the listing",
		chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
			return err
		})))
	if got, err := os.ReadFile(filepath.Join(dir, "uno.txt")); err != nil || string(got) != files["one.txt"] {
		t.Errorf("uno.txt after the rename: %q, %v", got, err)
	}
	for _, gone := range []string{"one.txt", "two.bin"} {
		if _, err := os.Lstat(filepath.Join(dir, gone)); err == nil {
			t.Errorf("%s is still there", gone)
		}
	}

	// Without JavaScript the same forms post, and the server answers 303
	// back to the listing.
	browsertest.Do(t, bctx, "turn JavaScript off",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}),
		chromedp.Reload(),
		chromedp.WaitReady(chromedp.CSS("section.up")),
		chromedp.SetUploadFiles(chromedp.CSS("form.files input[multiple]"), []string{filepath.Join(src, "plain.txt")}),
	)
	browsertest.Run(t, bctx, "submit the plain upload form",
		chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS("form.files button"))))
	browsertest.Do(t, bctx, "fill in a new folder", chromedp.SendKeys(chromedp.CSS(`form.mkdir input[name="name"]`), "made by form"))
	browsertest.Run(t, bctx, "submit the new-folder form",
		chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS("form.mkdir button"))))
	if got, err := os.ReadFile(filepath.Join(dir, "plain.txt")); err != nil || string(got) != files["plain.txt"] {
		t.Errorf("plain.txt on disk: %q, %v", got, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "made by form")); err != nil || !fi.IsDir() {
		t.Errorf("the new folder: %v", err)
	}
	where := browsertest.Run(t, bctx, "read the location", chromedp.Evaluate[string](`location.pathname`))
	if where != "/" {
		t.Errorf("after the forms: at %q; want /", where)
	}
}
