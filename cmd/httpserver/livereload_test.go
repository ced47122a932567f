package main

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

const liveTag = `<script src=".httpserver/live.js"></script>`

// liveSite is site(t) plus pages, a stylesheet, a CGI script that
// answers HTML, and a real .httpserver directory with a secret in it.
func liveSite(t *testing.T) string {
	t.Helper()
	dir := site(t)
	for name, data := range map[string]string{
		"index.html":              "<!DOCTYPE html><html><head><link rel=stylesheet href=style.css></head><body><h1 id=v>1</h1></body></html>",
		"style.css":               "h1 { color: rgb(0, 0, 255) }",
		"docs/page.html":          "<p>no end tag",
		"cgi-bin/page.sh":         "#!/bin/sh\nprintf 'Content-Type: text/html\\r\\n\\r\\n<html><body>from cgi</body></html>'\n",
		".httpserver/live.js":     "LIVE-SECRET",
		".httpserver/events":      "LIVE-SECRET",
		".httpserver/secret.html": "LIVE-SECRET",
	} {
		writeSiteFile(t, dir, name, data)
	}
	return dir
}

func TestLiveReload(t *testing.T) {
	dir := liveSite(t)
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--cgi", "--live-reload", "--shutdown-grace", "1m")

	// Pages get the script; nothing else does.
	for _, tt := range []struct {
		path, header string
		code         int
		script       bool
	}{
		{"/", "", 200, true},
		{"/index.html", "", 200, true},
		{"/docs/page.html", "", 200, true},
		{"/missing.html", "", 404, true},
		{"/docs/", "", 200, true}, // a listing, whose CSP keeps it from running
		{"/style.css", "", 200, false},
		{"/hello.txt", "", 200, false},
		{"/cgi-bin/page.sh", "", 200, false},
		{"/index.html", "bytes=0-", 206, false},
		{"/index.html", "bytes=10-20", 206, false},
	} {
		var header []string
		if tt.header != "" {
			header = []string{"Range", tt.header}
		}
		resp, body := get(t, s.base+tt.path, header...)
		if resp.StatusCode != tt.code || strings.Contains(body, liveTag) != tt.script || strings.Count(body, "live.js") > 1 {
			t.Errorf("GET %s %s: %d, script %v; want %d, %v\n%.400s", tt.path, tt.header, resp.StatusCode, strings.Contains(body, liveTag), tt.code, tt.script, body)
		}
		if cl := resp.Header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(body)) {
			t.Errorf("GET %s: Content-Length %s for %d bytes", tt.path, cl, len(body))
		}
	}
	resp, body := get(t, s.base+"/")
	if !strings.Contains(body, "<h1 id=v>1</h1>"+liveTag+"</body>") {
		t.Errorf("GET /: the script is not before </body>:\n%s", body)
	}
	if resp, _ := get(t, s.base+"/", "If-None-Match", resp.Header.Get("Etag")); resp.StatusCode != 304 {
		t.Errorf("GET / with its ETag: %d; want 304", resp.StatusCode)
	}

	// The reserved paths never read the tree's .httpserver directory.
	for _, target := range []string{"/.httpserver/live.js", "/.httpserver/events", "/.httpserver/secret.html", "/%2ehttpserver/secret.html", "/.HTTPSERVER/secret.html", "/docs/.httpserver/live.js", "/.httpserver%2fsecret.html", "/.httpserver", "/cgi-bin/.httpserver/events"} {
		method := "GET"
		if strings.HasSuffix(target, "/events") {
			method = "HEAD" // a GET would not end
		}
		got, _ := s.exchange(t, method+" "+target+" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
		if strings.Contains(got, "LIVE-SECRET") {
			t.Errorf("GET %s read the tree's .httpserver:\n%s", target, got)
		}
		if strings.HasSuffix(target, "/live.js") && statusOf(got) != 200 {
			t.Errorf("GET %s: %.200s", target, got)
		}
	}

	// An edit reaches an open stream.
	req, _ := http.NewRequest("GET", s.base+"/.httpserver/events", nil)
	stream, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	events := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stream.Body)
		for sc.Scan() {
			if ev, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				events <- ev
			}
		}
		close(events)
	}()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("<body>2</body>"), 0o644)
	select {
	case ev := <-events:
		if ev != "reload" {
			t.Errorf("after an edit: event %q", ev)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no event after an edit")
	}

	// Shutdown does not wait for the open stream; the stream ends.
	began := time.Now()
	if err := s.stop(); err != nil {
		t.Errorf("run: %v", err)
	}
	if d := time.Since(began); d > 10*time.Second {
		t.Errorf("shutting down with a stream open took %v", d)
	}
	select {
	case _, open := <-events:
		for open {
			_, open = <-events
		}
	case <-time.After(5 * time.Second):
		t.Error("the stream is still open after the server stopped")
	}
	if strings.Contains(s.stdout.String(), "waiting for") {
		t.Errorf("the open stream was counted as a request under way:\n%s", s.stdout)
	}
}

// TestLiveReloadOff checks that without the flag nothing is injected and
// the command's tree is served as it is, .httpserver included, as in
// Python.
func TestLiveReloadOff(t *testing.T) {
	dir := liveSite(t)
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir)
	if _, body := get(t, s.base+"/"); strings.Contains(body, "live.js") {
		t.Errorf("GET / without --live-reload: %s", body)
	}
	if resp, body := get(t, s.base+"/.httpserver/secret.html"); resp.StatusCode != 200 || body != "LIVE-SECRET" {
		t.Errorf("GET /.httpserver/secret.html without --live-reload: %d %q", resp.StatusCode, body)
	}
}

// TestLiveReloadLeaves checks that run leaves no goroutine behind with
// live reload on and streams open when it stops.
func TestLiveReloadLeaves(t *testing.T) {
	dir := liveSite(t)
	before := runtime.NumGoroutine()
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--live-reload", "--quiet")
	ctx, cancel := context.WithCancel(context.Background())
	for range 3 {
		req, _ := http.NewRequestWithContext(ctx, "GET", s.base+"/.httpserver/events", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
	}
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	cancel()
	http.DefaultClient.CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	n := runtime.NumGoroutine()
	for n > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	if n > before {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines after run returned; %d before\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}
