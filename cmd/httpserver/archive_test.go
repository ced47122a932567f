package main

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseArgsArchives(t *testing.T) {
	c, err := parseArgs([]string{"--archives", "--max-archives", "3"}, io.Discard)
	if err != nil || !c.Archives || c.MaxArchives != 3 || c.Search {
		t.Errorf("--archives --max-archives 3: %+v, %v", c, err)
	}
	c, err = parseArgs([]string{"--search"}, io.Discard)
	if err != nil || c.Archives || !c.Search || c.MaxArchives != 8 {
		t.Errorf("--search: %v, %v", c.Search, err)
	}
	for _, args := range [][]string{{"--max-archives", "3"}, {"--archives", "--max-archives", "0"}} {
		if _, err := parseArgs(args, io.Discard); exitCode(err) != 2 {
			t.Errorf("parseArgs(%q) = %v; want a usage error", args, err)
		}
	}
}

// TestRunArchivesAndSearch runs the command with --archives and
// --hide-dotfiles: the listing links to the archives and has a search
// box, the zip leaves out the dotfile, and the search finds names below.
func TestRunArchivesAndSearch(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "sub", "Needle.txt"), []byte("found\n"), 0o644)
	os.WriteFile(filepath.Join(dir, ".secret"), []byte("no\n"), 0o644)
	interrupts := make(chan os.Signal, 1)
	var stdout, stderr syncBuffer
	errc := make(chan error, 1)
	go func() {
		errc <- run(interrupts, []string{"--bind", "127.0.0.1", "0", "-d", dir, "--archives", "--hide-dotfiles", "--quiet"}, &stdout, &stderr)
	}()
	base := waitBanner(t, &stdout, errc)
	defer func() {
		interrupts <- os.Interrupt
		select {
		case <-errc:
		case <-time.After(15 * time.Second):
			t.Error("run did not return after an interrupt")
		}
	}()
	fetch := func(path string) (string, *http.Response) {
		t.Helper()
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return string(b), res
	}
	page, _ := fetch("/")
	for _, want := range []string{`href="?download=zip"`, `href="?download=tar.gz"`, `name="q"`} {
		if !strings.Contains(page, want) {
			t.Errorf("listing lacks %q", want)
		}
	}
	body, res := fetch("/?download=zip")
	zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
	if err != nil {
		t.Fatalf("zip: %v (status %d)", err, res.StatusCode)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if strings.Join(names, ",") != "sub/,sub/Needle.txt" {
		t.Errorf("zip holds %q; want sub/ and sub/Needle.txt", names)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, filepath.Base(dir)+".zip") {
		t.Errorf("Content-Disposition = %q; want the served directory's name", cd)
	}
	page, _ = fetch("/?q=needle")
	if !strings.Contains(page, `<a href="sub/Needle.txt">sub/Needle.txt</a>`) || !strings.Contains(page, "1 result for") {
		t.Errorf("search page lacks the result:\n%s", page)
	}
	if page, _ := fetch("/?q=secret"); !strings.Contains(page, "No names match.") {
		t.Errorf("search found a dotfile:\n%s", page)
	}
}
