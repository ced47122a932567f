package middleware

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countBody answers with the number of body bytes it read.
func countBody(w http.ResponseWriter, r *http.Request) {
	n, err := io.Copy(io.Discard, r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	fmt.Fprint(w, n)
}

// TestExpect100Accepted sends a large body with "Expect: 100-continue"
// through every middleware over a real connection, and checks that the
// client was told to continue and the whole body arrived.
func TestExpect100Accepted(t *testing.T) {
	const size = 8 << 20
	var log bytes.Buffer
	h := stack(&log, http.HandlerFunc(countBody))
	srv := httptest.NewServer(h)
	defer srv.Close()

	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.ExpectContinueTimeout = 30 * time.Second // the body waits for the 100
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	var got100 atomic.Bool
	ctx := httptrace.WithClientTrace(t.Context(), &httptrace.ClientTrace{Got100Continue: func() { got100.Store(true) }})
	req, err := http.NewRequestWithContext(ctx, "PUT", srv.URL+"/upload", io.LimitReader(zeros{}, size))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = size
	req.Header.Set("Expect", "100-continue")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != strconv.Itoa(size) {
		t.Errorf("PUT = %d %q; want 200 %q", resp.StatusCode, body, strconv.Itoa(size))
	}
	if !got100.Load() {
		t.Error("client got no 100 Continue")
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestExpect100Rejected writes only the headers of a large upload on a raw
// connection and reads the answer: the policy's status must come at once,
// with no 100 Continue before it, and the handler must never run.
func TestExpect100Rejected(t *testing.T) {
	for _, c := range []struct {
		status int
		want   int
		msg    string
	}{
		{0, 417, "Expectation Failed"},
		{413, 413, "Request Entity Too Large"},
		{http.StatusOK, 417, "Expectation Failed"}, // not an error: refused as 417
	} {
		t.Run(strconv.Itoa(c.status), func(t *testing.T) {
			var ran atomic.Bool
			var log bytes.Buffer
			reject := func(r *http.Request) (int, bool) { return c.status, r.ContentLength < 1<<20 }
			a := NewAccessLog(&log, AccessLogOptions{Now: fixedNow})
			done := make(chan struct{})
			h := a.Handler(Expect100(reject)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				ran.Store(true)
				countBody(w, r)
			})))
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				defer close(done)
				h.ServeHTTP(w, r)
			}))
			defer srv.Close()

			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(10 * time.Second))
			io.WriteString(conn, "PUT /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 104857600\r\nExpect: 100-continue\r\n\r\n")
			br := bufio.NewReader(conn)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != c.want {
				t.Fatalf("first response = %d; want %d (no 100 Continue)", resp.StatusCode, c.want)
			}
			if !strings.Contains(string(body), "<p>Message: "+c.msg+".</p>") {
				t.Errorf("body = %q; want Python's page for %d", body, c.want)
			}
			if !resp.Close {
				t.Error("connection kept open with an unread body")
			}
			if rest, _ := io.ReadAll(br); len(rest) != 0 {
				t.Errorf("more after the response: %q", rest)
			}
			<-done
			if ran.Load() {
				t.Error("handler ran for a refused request")
			}
			want := fmt.Sprintf("127.0.0.1 - - [23/Nov/2026 18:53:00] code %d, message %s\n"+
				"127.0.0.1 - - [23/Nov/2026 18:53:00] \"PUT /upload HTTP/1.1\" %d -\n", c.want, c.msg, c.want)
			if log.String() != want {
				t.Errorf("log = %q\nwant  %q", log.String(), want)
			}
		})
	}
}

func TestExpect100PassThrough(t *testing.T) {
	never := func(*http.Request) (int, bool) { return 0, false }
	for _, c := range []struct {
		name   string
		policy func(*http.Request) (int, bool)
		expect string
		want   int
	}{
		{"no expectation", never, "", 200},
		{"nil policy", nil, "100-continue", 200},
		{"refused", never, "100-Continue", 417},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader("abc"))
			if c.expect != "" {
				r.Header.Set("Expect", c.expect)
			}
			rec := httptest.NewRecorder()
			Expect100(c.policy)(http.HandlerFunc(countBody)).ServeHTTP(rec, r)
			if rec.Code != c.want {
				t.Errorf("status = %d; want %d", rec.Code, c.want)
			}
		})
	}
}

func TestExpectsContinue(t *testing.T) {
	for _, c := range []struct {
		values []string
		want   bool
	}{
		{nil, false},
		{[]string{"100-continue"}, true},
		{[]string{"100-CONTINUE"}, true},
		{[]string{" 100-continue "}, true},
		{[]string{"foo, 100-continue"}, true},
		{[]string{"foo", "100-continue"}, true},
		{[]string{"100-continues"}, false},
		{[]string{"foo"}, false},
	} {
		if got := expectsContinue(http.Header{"Expect": c.values}); got != c.want {
			t.Errorf("expectsContinue(%q) = %v; want %v", c.values, got, c.want)
		}
	}
}
