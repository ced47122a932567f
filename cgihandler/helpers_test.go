//go:build unix

package cgihandler_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pyhttp/httpserver/cgihandler"
)

// fixtureDir is the served root shared by the tests; TestMain removes it.
var (
	fixtureDir  string
	fixtureOnce sync.Once
	fixtureErr  error
)

const scriptSource = "#!/bin/sh\n# SECRET-SOURCE: this line must never reach a client\nprintf 'Content-Type: text/plain\\n\\nhello from cgi\\n'\n"

// fixture returns the served root:
//
//	index.html
//	cgi-bin/child               the test binary (see TestMain), 0755
//	cgi-bin/sub/deeper/child    a hard link to it
//	cgi-bin/inside -> child     a symlink inside the root
//	cgi-bin/evil -> ../../outside/evil.sh, cgi-bin/evildir -> ../../outside
//	cgi-bin/script.sh           a shell script, 0755
//	cgi-bin/noexec.sh           0644
//	cgi-bin/dir/, cgi-bin/fifo
//	cgi-binx/script.sh          not in a CGI directory
//	htbin/child                 a hard link to the test binary
//
// with outside/evil.sh next to the root. Everything is world-readable, so
// that scripts run as nobody when the tests run as root.
func fixture(t testing.TB) string {
	t.Helper()
	fixtureOnce.Do(func() { fixtureErr = makeFixture() })
	if fixtureErr != nil {
		t.Fatalf("fixture: %v", fixtureErr)
	}
	return filepath.Join(fixtureDir, "root")
}

func makeFixture() error {
	top, err := os.MkdirTemp("", "cgihandler-test-")
	if err != nil {
		return err
	}
	fixtureDir = top
	if err := os.Chmod(top, 0o755); err != nil {
		return err
	}
	root := filepath.Join(top, "root")
	self, err := os.Executable()
	if err != nil {
		return err
	}
	bin, err := os.ReadFile(self)
	if err != nil {
		return err
	}
	for _, d := range []string{"outside", "root/cgi-bin/sub/deeper", "root/cgi-bin/dir", "root/cgi-binx", "root/htbin"} {
		if err := os.MkdirAll(filepath.Join(top, d), 0o755); err != nil {
			return err
		}
	}
	files := []struct {
		name string
		data string
		mode os.FileMode
	}{
		{"root/index.html", "<p>index</p>\n", 0o644},
		{"root/cgi-bin/script.sh", scriptSource, 0o755},
		{"root/cgi-bin/noexec.sh", scriptSource, 0o644},
		{"root/cgi-binx/script.sh", scriptSource, 0o755},
		{"outside/evil.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nEVIL\\n'\n", 0o755},
		{"root/cgi-bin/child", string(bin), 0o755},
	}
	for _, f := range files {
		p := filepath.Join(top, f.name)
		if err := os.WriteFile(p, []byte(f.data), f.mode); err != nil {
			return err
		}
		if err := os.Chmod(p, f.mode); err != nil { // past the umask
			return err
		}
	}
	child := filepath.Join(root, "cgi-bin/child")
	for _, l := range []string{"cgi-bin/sub/deeper/child", "htbin/child"} {
		if err := os.Link(child, filepath.Join(root, l)); err != nil {
			return err
		}
	}
	links := [][2]string{
		{"child", "cgi-bin/inside"},
		{"../../outside/evil.sh", "cgi-bin/evil"},
		{filepath.Join(top, "outside"), "cgi-bin/evildir"},
	}
	for _, l := range links {
		if err := os.Symlink(l[0], filepath.Join(root, l[1])); err != nil {
			return err
		}
	}
	return syscall.Mkfifo(filepath.Join(root, "cgi-bin/fifo"), 0o644)
}

// logBuffer collects log output from concurrent goroutines.
type logBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	written chan struct{} // closed by the next write, then replaced
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.written != nil {
		close(l.written)
		l.written = nil
	}
	return l.b.Write(p)
}

// waitFor returns once the log holds s, and fails the test if it does
// not within 10 seconds.
func (l *logBuffer) waitFor(t testing.TB, s string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		l.mu.Lock()
		if strings.Contains(l.b.String(), s) {
			l.mu.Unlock()
			return
		}
		if l.written == nil {
			l.written = make(chan struct{})
		}
		written := l.written
		l.mu.Unlock()
		select {
		case <-written:
		case <-timeout:
			t.Fatalf("log lacks %q after 10s:\n%s", s, l)
		}
	}
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newHandler returns a Handler for the fixture with its log captured.
func newHandler(t testing.TB, opts cgihandler.Options) (*cgihandler.Handler, *logBuffer) {
	t.Helper()
	logs := new(logBuffer)
	if opts.ErrorLog == nil {
		opts.ErrorLog = slog.New(slog.NewTextHandler(logs, nil))
	}
	return cgihandler.New(cgihandler.OpenRoot(t, fixture(t)), opts), logs
}

// newServer serves a fixture Handler over a real connection.
func newServer(t testing.TB, opts cgihandler.Options) (*httptest.Server, *logBuffer) {
	t.Helper()
	h, logs := newHandler(t, opts)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, logs
}

// get fetches url and returns the status, header and body.
func do(t testing.TB, req *http.Request) (int, http.Header, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", req.Method, req.URL, err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

func get(t testing.TB, url string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, req)
}

// envOf parses the env mode's output into a map.
func envOf(body string) map[string]string {
	m := make(map[string]string)
	for line := range strings.Lines(body) {
		k, v, _ := strings.Cut(strings.TrimSuffix(line, "\n"), "=")
		m[k] = v
	}
	return m
}

var pidRE = regexp.MustCompile(`pid=(\d+)`)

// pidsIn returns the pids a child reported on stderr, as logged.
func pidsIn(logs string) []int {
	var pids []int
	for _, m := range pidRE.FindAllStringSubmatch(logs, -1) {
		n, _ := strconv.Atoi(m[1])
		pids = append(pids, n)
	}
	return pids
}

// waitGone waits, at most a few seconds, for pid to be gone: not running
// and not a zombie of ours. The process is not the test's child, so no
// wait reports its end: the check polls. A zombie of some other parent (a
// container's init that does not reap) counts as gone, since it is not
// ours to reap; without /proc a zombie cannot be told apart, and counts
// as alive.
func waitGone(t testing.TB, pid int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if gone(pid) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("process %d still alive (or our zombie) after 5s", pid)
}

func gone(pid int) bool {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		return syscall.Kill(pid, 0) == syscall.ESRCH
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	// pid (comm) S ppid ...
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	return len(fields) >= 2 && fields[0] == "Z" && fields[1] != strconv.Itoa(os.Getpid())
}
