package livereload

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"
)

// childEnv makes the test binary a server for BenchmarkIdleStreams: a
// Reloader over the directory it names, on loopback, in a process of its
// own so that its memory can be measured apart from the clients'.
const childEnv = "LIVERELOAD_TEST_SERVE"

func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		serveChild(dir)
		return
	}
	os.Exit(m.Run())
}

// serveChild prints the address it serves on, then answers "gc" lines on
// stdin (collect, return memory to the OS, print "ok") until stdin ends.
func serveChild(dir string) {
	l, err := New(dir, Options{ErrorLog: quiet})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: l.Handler(http.NotFoundHandler()), ReadHeaderTimeout: 10 * time.Second}
	srv.RegisterOnShutdown(func() { l.Close() })
	go srv.Serve(ln)
	fmt.Println(ln.Addr())
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		if in.Text() == "gc" {
			runtime.GC()
			debug.FreeOSMemory()
			fmt.Println("ok")
		}
	}
	srv.Close()
	l.Close()
}

// BenchmarkIdleStreams measures what 1,000 idle event streams cost the
// server: its resident memory (VmRSS) before and after they connect, in a
// server process of its own, over real loopback connections; and how long
// one edit takes to reach all of them. The target is under
// 20 MiB for 1,000 streams. Linux only (it reads /proc).
func BenchmarkIdleStreams(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("reads /proc/PID/status")
	}
	const clients = 1000
	for b.Loop() {
		rss, rssGC, fanout := idleStreams(b, clients)
		b.ReportMetric(float64(rss)/(1<<20), "RSS-MiB/1000streams")
		b.ReportMetric(float64(rssGC)/(1<<20), "RSS-after-GC-MiB/1000streams")
		b.ReportMetric(float64(fanout.Milliseconds()), "ms-edit-to-all")
	}
}

// idleStreams runs one measurement: the growth of the server's RSS with
// clients streams open, as it is and after a collection, and the time
// from an edit until every stream has the event.
func idleStreams(b *testing.B, clients int) (rss, rssGC int64, fanout time.Duration) {
	dir := b.TempDir()
	page := filepath.Join(dir, "index.html")
	if err := os.WriteFile(page, []byte("<p>0"), 0o644); err != nil {
		b.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+dir)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}()
	out := bufio.NewScanner(stdout)
	line := func() string {
		got := make(chan string, 1)
		go func() {
			out.Scan()
			got <- out.Text()
		}()
		select {
		case s := <-got:
			return s
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			b.Fatal("the server process does not answer")
			return ""
		}
	}
	addr := line()
	if strings.HasPrefix(addr, "error:") {
		b.Fatal(addr)
	}
	settled := func() (raw, collected int64) {
		time.Sleep(500 * time.Millisecond)
		raw = vmRSS(b, cmd.Process.Pid)
		fmt.Fprintln(stdin, "gc")
		if s := line(); s != "ok" {
			b.Fatalf("gc: %q", s)
		}
		return raw, vmRSS(b, cmd.Process.Pid)
	}
	// One stream first, so that what every server pays once is paid.
	conns := make([]net.Conn, 0, clients+1)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	conns = append(conns, dialStream(b, addr))
	before, beforeGC := settled()
	for range clients {
		conns = append(conns, dialStream(b, addr))
	}
	after, afterGC := settled()

	began := time.Now()
	if err := os.WriteFile(page, []byte("<p>1"), 0o644); err != nil {
		b.Fatal(err)
	}
	for i, c := range conns {
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if !readUntil(c, "event: reload\n") {
			b.Fatalf("stream %d: no reload event", i)
		}
	}
	return after - before, afterGC - beforeGC, time.Since(began)
}

// dialStream opens an event stream on a connection of its own and reads
// its response header and first comment.
func dialStream(b *testing.B, addr string) net.Conn {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		b.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "GET /"+Dir+"/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
	if !readUntil(c, ": live reload\n") {
		c.Close()
		b.Fatal("no stream")
	}
	c.SetDeadline(time.Time{})
	return c
}

// readUntil reads c byte by byte until it has seen s; false on an error
// or the deadline.
func readUntil(c io.Reader, s string) bool {
	var seen []byte
	buf := make([]byte, 1)
	for !bytes.HasSuffix(seen, []byte(s)) {
		if _, err := c.Read(buf); err != nil {
			return false
		}
		seen = append(seen, buf[0])
	}
	return true
}

// vmRSS returns the resident memory of process pid, in bytes.
func vmRSS(b *testing.B, pid int) int64 {
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		b.Fatal(err)
	}
	for l := range strings.SplitSeq(string(status), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb << 10
		}
	}
	b.Fatal("no VmRSS")
	return 0
}
