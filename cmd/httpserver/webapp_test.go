package main

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const pageAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" // a browser's, for a page

// TestWebAppFlags parses --spa, --404, --clean-urls and --immutable,
// and --spa's optional value beside the port.
func TestWebAppFlags(t *testing.T) {
	for _, tt := range []struct {
		args  []string
		check func(config) bool
	}{
		{[]string{"--spa"}, func(c config) bool { return c.SPAFallback == "index.html" && c.port == 8000 }},
		{[]string{"--spa", "8080"}, func(c config) bool { return c.SPAFallback == "index.html" && c.port == 8080 }},
		{[]string{"8080", "--spa"}, func(c config) bool { return c.SPAFallback == "index.html" && c.port == 8080 }},
		{[]string{"--spa", "200.html", "9000"}, func(c config) bool { return c.SPAFallback == "200.html" && c.port == 9000 }},
		{[]string{"--spa", "-d", "dist"}, func(c config) bool { return c.SPAFallback == "index.html" && c.directory == "dist" }},
		{[]string{"--spa=app/shell"}, func(c config) bool { return c.SPAFallback == "app/shell" }},
		{[]string{"--spa", "--cors", "8080"}, func(c config) bool {
			return c.SPAFallback == "index.html" && slices.Equal(c.CORSOrigins, []string{"*"}) && c.port == 8080
		}},
		{[]string{"--404", "404.html", "--clean-urls"}, func(c config) bool { return c.NotFoundPage == "404.html" && c.CleanURLs }},
		{[]string{"--immutable", "assets/*", "--immutable", "**/*.woff2"}, func(c config) bool {
			return c.Immutable != nil && c.Immutable("assets/app.js") && c.Immutable("a/b/f.woff2") && !c.Immutable("index.html")
		}},
		{nil, func(c config) bool {
			return c.SPAFallback == "" && c.NotFoundPage == "" && !c.CleanURLs && c.Immutable == nil
		}},
	} {
		got, err := parseArgs(tt.args, io.Discard)
		if err != nil || !tt.check(got) {
			t.Errorf("parseArgs(%q) = %+v, %v", tt.args, got, err)
		}
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--immutable", "["}, `argument --immutable: pattern "["`},
		{[]string{"--immutable", ""}, `argument --immutable: pattern ""`},
		{[]string{"--immutable", "assets/"}, `write "dir/**"`},
		{[]string{"--immutable", "../*"}, `argument --immutable: pattern "../*"`},
		{[]string{"--immutable", "a**"}, "must be a whole segment"},
		{[]string{"--spa=../index.html"}, "argument --spa: \"../index.html\" is not a file name inside the served directory"},
		{[]string{"--spa="}, "argument --spa"},
		{[]string{"--404", "/etc/../../passwd"}, "argument --404"},
		{[]string{"--404", "a//b"}, "argument --404"},
		{[]string{"--404"}, "flag needs an argument"},
	} {
		_, err := parseArgs(tt.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) || exitCode(err) != 2 {
			t.Errorf("parseArgs(%q) = %v; want a usage error containing %q", tt.args, err, tt.want)
		}
	}
}

// TestWebAppThroughTheCommand serves the browser test's built app with
// every web-app flag and --header, over a real connection.
func TestWebAppThroughTheCommand(t *testing.T) {
	s := start(t, "0", "-b", "127.0.0.1", "-d", filepath.Join("testdata", "spa"), "--quiet",
		"--spa", "--404", "404.html", "--clean-urls", "--immutable", "assets/*", "--header", "Cache-Control: max-age=60")
	forever := "public, max-age=31536000, immutable"
	for _, tt := range []struct {
		method, path, accept string
		code                 int
		body, cacheControl   string
		location             string
	}{
		{"GET", "/users/42", pageAccept, 200, "<title>SPA fixture</title>", "no-cache", ""},
		{"HEAD", "/users/42", pageAccept, 200, "", "no-cache", ""},
		{"GET", "/users/42", "*/*", 404, "not part of the app", "no-cache", ""},
		{"GET", "/assets/chunk-000000.js", pageAccept, 404, "not part of the app", "no-cache", ""},
		{"GET", "/assets/app-3f9a1c.js", "*/*", 200, "history.pushState", forever, ""},
		{"GET", "/404.html", pageAccept, 301, "", "max-age=60", "404"},
		{"GET", "/", pageAccept, 200, "<title>SPA fixture</title>", "max-age=60", ""},
		{"GET", "/index.html?x=1", pageAccept, 301, "", "max-age=60", "./?x=1"},
		{"GET", "/404", pageAccept, 200, "not part of the app", "max-age=60", ""}, // clean URL of 404.html
		{"POST", "/users/42", pageAccept, 501, "Unsupported method", "", ""},
		{"PUT", "/users/42", pageAccept, 501, "Unsupported method", "", ""},
	} {
		resp, body := send(t, tt.method, s.base+tt.path, "Accept", tt.accept)
		if resp.StatusCode != tt.code || !strings.Contains(body, tt.body) || resp.Header.Get("Cache-Control") != tt.cacheControl ||
			resp.Header.Get("Location") != tt.location {
			t.Errorf("%s %s (Accept %s): %d %.50q, Cache-Control %q, Location %q; want %d %q %q %q", tt.method, tt.path, tt.accept,
				resp.StatusCode, body, resp.Header.Get("Cache-Control"), resp.Header.Get("Location"), tt.code, tt.body, tt.cacheControl, tt.location)
		}
	}
}

// TestWebAppHostile: through the command, a fallback and 404 page that
// are symlinks out of the served directory are refused and logged, and
// no spelling of ".." through the catch-all reads outside it.
func TestWebAppHostile(t *testing.T) {
	top := t.TempDir()
	dir := filepath.Join(top, "site")
	secret := "TOP-SECRET-" + t.Name()
	os.MkdirAll(filepath.Join(dir, "assets"), 0o755)
	if err := os.WriteFile(filepath.Join(top, "secret.html"), []byte(secret), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"index.html", "404.html"} {
		if err := os.Symlink("../secret.html", filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--spa", "--404", "404.html")
	for _, p := range []string{
		"/route", "/../secret.html", "/..%2fsecret.html", "/%2e%2e/secret.html", "/a/..%2f..%2fsecret", "/%2e%2e%2f%2e%2e%2fsecret",
		"/assets/..%2f..%2fsecret.html", "/index.html", "/404.html",
	} {
		resp, body := send(t, "GET", s.base+p, "Accept", pageAccept)
		if strings.Contains(body, secret) || resp.StatusCode != 404 && resp.StatusCode != 400 {
			t.Errorf("GET %s: %d %.60q; want 404 without the secret", p, resp.StatusCode, body)
		}
	}
	// The root's index is the refused link, so the root is listed.
	if resp, body := send(t, "GET", s.base+"/", "Accept", pageAccept); resp.StatusCode != 200 || strings.Contains(body, secret) {
		t.Errorf("GET /: %d %.60q; want the listing", resp.StatusCode, body)
	}
	s.stop()
	for _, want := range []string{"cannot serve the SPA fallback", "cannot serve the 404 page", "file=index.html", "file=404.html"} {
		if !strings.Contains(s.stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, s.stderr.String())
		}
	}
}
