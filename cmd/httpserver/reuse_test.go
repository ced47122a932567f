package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestCGIConnectionReuse: a POST to a script that ignores its body, then a
// GET on the same keep-alive connection, 200 times. The GET used to be
// answered 400 about half the time: cgihandler left a read deadline in the
// past on the connection, and net/http cancelled the next request.
func TestCGIConnectionReuse(t *testing.T) {
	s := start(t, "0", "-b", "127.0.0.1", "-d", site(t), "--cgi")
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	bad := 0
	for i := range 200 {
		resp, err := client.Post(s.base+"/cgi-bin/hello.sh", "text/plain", strings.NewReader(strings.Repeat("b", i*37%5000)))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		resp, err = client.Get(s.base + "/cgi-bin/to-file.sh")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%d of 200 GETs after a POST on the same connection failed", bad)
	}
}
