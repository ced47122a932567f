package smuggle

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

var parserTests = []struct {
	name   string
	stream string
	want   bool
}{
	{"GET", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", false},
	{"pipelined GETs", "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n", false},
	{"bare LF", "GET / HTTP/1.1\nHost: x\n\n", false},
	{"leading empty line", "\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", false},
	{"CL body", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\nHost: x\r\n\r\n", false},
	{"chunked body", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nTrailer: t\r\n\r\nGET / HTTP/1.1\r\n\r\n", false},
	{"TE+CL", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n", true},
	{"CL+TE", "POST / HTTP/1.1\r\nHost: x\r\ncontent-length: 4\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n", true},
	{"TE+CL in the second request", "POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcPOST / HTTP/1.1\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n", true},
	{"header text inside a CL body", "POST / HTTP/1.1\r\nContent-Length: 57\r\n\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n\r\n", false},
	{"header text inside a chunk", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2b\r\nTransfer-Encoding: x\r\nContent-Length: 1\r\n\r\n\r\n0\r\n\r\n", false},
	{"padded CL", "POST / HTTP/1.1\r\nContent-Length:" + strings.Repeat(" ", 1000) + "5\r\n\r\nhelloGET / HTTP/1.1\r\n\r\n", false},
	{"padded CL then TE+CL", "POST / HTTP/1.1\r\nContent-Length:" + strings.Repeat(" ", 1000) + "5\r\n\r\nhelloPOST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n", true},
	{"zero-padded CL it cannot read whole", "POST / HTTP/1.1\r\nContent-Length: " + strings.Repeat("0", 300) + "5\r\n\r\nhello", true},
	{"long harmless header", "GET / HTTP/1.1\r\nX-Long: " + strings.Repeat("a", 5000) + "\r\n\r\nGET / HTTP/1.1\r\n\r\n", false},
	{"long harmless header then TE+CL", "GET / HTTP/1.1\r\nX-Long: " + strings.Repeat("a", 5000) + "\r\n\r\nPOST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n", true},
	{"obs-fold is not a field", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nX-Foo: bar\r\n Content-Length: 5\r\n\r\n0\r\n\r\n", false},
	{"negative CL", "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", true},
	{"differing CLs", "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", true},
	{"bad chunk size", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", true},
	{"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00Transfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n", false},
}

func TestParser(t *testing.T) {
	for _, tt := range parserTests {
		var whole, bytewise parser
		whole.feed([]byte(tt.stream))
		for i := 0; i < len(tt.stream); i++ {
			bytewise.feed([]byte{tt.stream[i]})
		}
		if whole.smuggling != tt.want || bytewise.smuggling != tt.want {
			t.Errorf("%s: smuggling = %v (whole), %v (byte by byte); want %v", tt.name, whole.smuggling, bytewise.smuggling, tt.want)
		}
	}
}

// FuzzParser checks that how the bytes arrive never changes the verdict,
// and that requests written by net/http's own client, which never sends
// both framings, are never flagged however they are pipelined.
func FuzzParser(f *testing.F) {
	for _, tt := range parserTests {
		f.Add([]byte(tt.stream), uint64(7))
	}
	f.Fuzz(func(t *testing.T, stream []byte, seed uint64) {
		var whole, split parser
		whole.feed(stream)
		rng := rand.New(rand.NewPCG(seed, seed))
		for b := stream; len(b) > 0; {
			n := 1 + rng.IntN(len(b))
			split.feed(b[:n])
			b = b[n:]
		}
		if whole.smuggling != split.smuggling {
			t.Fatalf("verdict depends on how %q is split: %v vs %v", stream, whole.smuggling, split.smuggling)
		}

		var honest bytes.Buffer
		for i := range 1 + rng.IntN(4) {
			body := stream[:rng.IntN(len(stream)+1)]
			req, _ := http.NewRequest("POST", "http://x/"+strconv.Itoa(i), bytes.NewReader(body))
			if rng.IntN(2) == 0 {
				req.ContentLength = -1 // chunked
				req.Body = io.NopCloser(bytes.NewReader(body))
			}
			req.Header.Set("X-Data", strings.ToValidUTF8(strings.Map(func(r rune) rune {
				if r < ' ' || r == 0x7f {
					return -1
				}
				return r
			}, string(stream)), ""))
			req.Write(&honest)
		}
		var p parser
		p.feed(honest.Bytes())
		if p.smuggling {
			t.Fatalf("honest requests flagged:\n%q", honest.String())
		}
	})
}

func TestPoisonedOverAConnection(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if Poisoned(r) {
			w.Header().Set("Connection", "close")
			http.Error(w, "smuggling", http.StatusBadRequest)
			return
		}
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "ok")
	}))
	srv.Listener = Listener(srv.Listener)
	srv.Config.ConnContext = ConnContext
	srv.Start()
	defer srv.Close()

	send := func(t *testing.T, raw string) (statuses []int, closed bool) {
		t.Helper()
		conn, err := net.DialTimeout("tcp", srv.Listener.Addr().String(), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(conn, raw)
		br := bufio.NewReader(conn)
		for {
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				return statuses, err == io.EOF || strings.Contains(err.Error(), "EOF")
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			statuses = append(statuses, resp.StatusCode)
			if resp.Close {
				_, err := br.ReadByte()
				return statuses, err != nil
			}
		}
	}

	t.Run("honest keep-alive", func(t *testing.T) {
		got, _ := send(t, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhiGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		if len(got) != 2 || got[0] != 200 || got[1] != 200 {
			t.Errorf("statuses = %v; want [200 200]", got)
		}
	})
	t.Run("TE+CL", func(t *testing.T) {
		got, closed := send(t, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 6\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n")
		if len(got) != 1 || got[0] != 400 || !closed {
			t.Errorf("statuses = %v, closed = %v; want [400] and a closed connection", got, closed)
		}
	})
	t.Run("net/http's own refusals", func(t *testing.T) {
		for _, raw := range []string{
			"GET / HTTP/1.1\r\n\r\n", // no Host
			"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
			"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
			"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\na",
		} {
			got, closed := send(t, raw+"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
			if len(got) != 1 || got[0] != 400 || !closed {
				t.Errorf("%q: statuses = %v, closed = %v; want [400] and a closed connection", raw, got, closed)
			}
		}
	})
}

func BenchmarkParser(b *testing.B) {
	stream := []byte("GET /static/css/site.css HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\nAccept: text/css,*/*;q=0.1\r\nAccept-Encoding: gzip, deflate, br\r\nConnection: keep-alive\r\n\r\n")
	b.ReportAllocs()
	b.SetBytes(int64(len(stream)))
	var p parser
	for b.Loop() {
		p.feed(stream)
	}
}

// BenchmarkParserWrk is the request bench/run.sh's wrk sends.
func BenchmarkParserWrk(b *testing.B) {
	stream := []byte("GET /1k.txt HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n")
	b.ReportAllocs()
	b.SetBytes(int64(len(stream)))
	var p parser
	for b.Loop() {
		p.feed(stream)
	}
}

// readFromConn records whether its ReadFrom was used.
type readFromConn struct {
	net.Conn
	used       bool
	closeWrite bool
}

func (c *readFromConn) ReadFrom(r io.Reader) (int64, error) {
	c.used = true
	return io.Copy(io.Discard, r)
}

func (c *readFromConn) CloseWrite() error { c.closeWrite = true; return nil }

// TestConnKeepsSendfile: net/http uses sendfile only when the connection
// offers ReadFrom, and half-closes it with CloseWrite; the wrapper must
// pass both through.
func TestConnKeepsSendfile(t *testing.T) {
	inner := &readFromConn{}
	c := &Conn{Conn: inner}
	if _, err := c.ReadFrom(strings.NewReader("file bytes")); err != nil || !inner.used {
		t.Errorf("ReadFrom: %v, reached the connection's own: %v", err, inner.used)
	}
	if err := c.CloseWrite(); err != nil || !inner.closeWrite {
		t.Errorf("CloseWrite: %v, reached the connection's own: %v", err, inner.closeWrite)
	}
	plain := &Conn{Conn: struct{ net.Conn }{}}
	if err := plain.CloseWrite(); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("CloseWrite without one underneath: %v; want ErrUnsupported", err)
	}
}

// FuzzParserSkips checks the parser, which passes over the lines that
// cannot frame a message, against refParser, which reads every line:
// after every piece of the stream, however it is split, the two agree on
// the verdict and on whether they still watch, and at the end of a line
// on the state (within a request line the parser is ahead: it knows the
// headers come next).
func FuzzParserSkips(f *testing.F) {
	for _, tt := range parserTests {
		f.Add([]byte(tt.stream), uint64(7))
	}
	f.Add([]byte("GET / HTTP/1.1\r\nCo\r\nTr\r\nCONNECT\r\nC\r\nT\r\n\r\nPUT / HTTP/1.1\r\n\vContent-Length: 1\r\ntransfer-encoding: chunked\r\n\r\n"), uint64(1))
	f.Add([]byte("GET / HTTP/1.1\r\n\xc2\x85Content-Length: 3\r\nX: y\r\n\r\nabcGET / HTTP/1.1\r\n\r\n"), uint64(2))
	f.Fuzz(func(t *testing.T, stream []byte, seed uint64) {
		var p parser
		var ref refParser
		rng := rand.New(rand.NewPCG(seed, seed))
		for b := stream; len(b) > 0; {
			n := 1 + rng.IntN(len(b))
			p.feed(b[:n])
			ref.feed(b[:n])
			lineEnd := b[n-1] == '\n'
			b = b[n:]
			if p.smuggling != ref.smuggling || p.done != ref.done ||
				lineEnd && (p.st != ref.st || p.remaining != ref.remaining) {
				t.Fatalf("after byte %d of %q: smuggling %v, done %v, state %d, remaining %d; refParser: %v, %v, %d, %d",
					len(stream)-len(b), stream, p.smuggling, p.done, p.st, p.remaining, ref.smuggling, ref.done, ref.st, ref.remaining)
			}
		}
	})
}
