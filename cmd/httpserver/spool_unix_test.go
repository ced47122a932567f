//go:build unix

package main

import (
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCGIBodySpoolFull fills the disk under the spool of a chunked CGI
// body. No real disk is filled: RLIMIT_FSIZE makes writes past 1 MiB fail
// with EFBIG, as ENOSPC would. The request fails cleanly, as the server's
// fault (5xx), and the next one is served.
func TestCGIBodySpoolFull(t *testing.T) {
	dir, _ := cgiSite(t)
	s := start(t, "0", "-b", "127.0.0.1", "-d", dir, "--cgi")
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Skip(err)
	}
	limit := syscall.Rlimit{Cur: 1 << 20, Max: old.Max}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &limit); err != nil {
		t.Skip("cannot limit file sizes:", err)
	}
	defer syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old)

	// A reader of unknown length, so the client sends the body chunked
	// and the handler spools it to learn CONTENT_LENGTH.
	body := io.MultiReader(strings.NewReader(strings.Repeat("x", 4<<20)))
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Post(s.base+"/cgi-bin/deaf.sh", "text/plain", body)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode < 500 {
		t.Errorf("chunked POST whose spool hits a full disk: %d; want a 5xx", resp.StatusCode)
	}
	syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old)
	s.healthy(t)
}
