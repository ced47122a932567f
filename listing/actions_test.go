package listing

import (
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
)

// TestActions checks the forms of the modern page with Actions: shown only
// when asked for, posting to the page's own URL, with the CSP that lets
// them post and the upload script run, and nothing else.
func TestActions(t *testing.T) {
	fsys := fstest.MapFS{
		"d/a.txt":       {Data: []byte("a")},
		`d/q"<x>.txt`:   {Data: []byte("q")},
		"d/s:tream.txt": {Data: []byte("s")},
		"d/sub/x":       {Data: []byte("x")},
	}
	none := serve(t, New(Options{}), fsys, "d", http.MethodGet, "/d/")
	for _, s := range []string{"<form", "?script=upload", `class="a"`} {
		if strings.Contains(none.body, s) {
			t.Errorf("page without actions holds %q", s)
		}
	}
	if csp := none.header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'none'") {
		t.Errorf("page without actions: CSP %q", csp)
	}
	if got := serve(t, New(Options{}), fsys, "d", http.MethodGet, "/d/?script=upload"); strings.Contains(got.body, "XMLHttpRequest") {
		t.Error("?script=upload is served without actions")
	}

	h := New(Options{Actions: Actions{Upload: true, Delete: true}})
	page := serve(t, h, fsys, "d", http.MethodGet, "/d/")
	for _, s := range []string{
		`<form method="post" enctype="multipart/form-data" class="files">`,
		`<input type="file" name="file" multiple>`,
		`<input type="file" name="file" webkitdirectory>`,
		`<input type="hidden" name="action" value="mkdir">`,
		`<input type="hidden" name="name" value="a.txt"><input name="to" required aria-label="New name" value="a.txt">`,
		`<input type="hidden" name="action" value="delete"><input type="hidden" name="name" value="q&#34;&lt;x&gt;.txt">`,
		`<script src="?script=upload" integrity="`,
	} {
		if !strings.Contains(page.body, s) {
			t.Errorf("page with actions lacks %q", s)
		}
	}
	if strings.Contains(page.body, `value="s:tream.txt"`) {
		t.Error("a name the server refuses to act on has forms")
	}
	if strings.Contains(page.body, " onclick=") || strings.Contains(page.body, " onsubmit=") || strings.Contains(page.body, "<script>") {
		t.Error("page holds inline script")
	}
	csp := page.header.Get("Content-Security-Policy")
	for _, s := range []string{"default-src 'none'", "script-src '" + digest(filterJS) + "' '" + digest(uploadJS) + "';", "form-action 'self'", "connect-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, s) {
			t.Errorf("CSP %q lacks %q", csp, s)
		}
	}
	if strings.Contains(csp, "unsafe-eval") || strings.Contains(csp, "script-src 'unsafe-inline'") {
		t.Errorf("CSP %q allows inline or eval'd script", csp)
	}
	js := serve(t, h, fsys, "d", http.MethodGet, "/d/?script=upload")
	if js.body != string(uploadJS) || js.header.Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Errorf("GET ?script=upload: %q, %d bytes", js.header.Get("Content-Type"), len(js.body))
	}

	// Upload alone: the upload forms, no row forms.
	up := serve(t, New(Options{Actions: Actions{Upload: true}}), fsys, "d", http.MethodGet, "/d/")
	if !strings.Contains(up.body, `class="files"`) || strings.Contains(up.body, `class="rm"`) {
		t.Error("Upload alone: wrong forms")
	}
}
