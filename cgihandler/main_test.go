//go:build unix

package cgihandler_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain doubles as the CGI script: the fixture tree holds copies of
// the test binary, and when one is run as a script (GATEWAY_INTERFACE is
// set) it acts as the child named by the "mode" query parameter, as
// net/http/cgi's own tests do. No interpreter is needed.
func TestMain(m *testing.M) {
	if os.Getenv("GATEWAY_INTERFACE") == "CGI/1.1" {
		childMain()
		// Not os.Exit: under -race, a zero exit waits a second for the
		// race runtime (GORACE atexit_sleep_ms), per script.
		syscall.Exit(0)
	}
	if os.Getenv("CGIHANDLER_SLEEPER") == "1" {
		time.Sleep(time.Hour)
		os.Exit(0)
	}
	code := m.Run()
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

func childMain() {
	q := os.Getenv("QUERY_STRING")
	mode := ""
	for kv := range strings.SplitSeq(q, "&") {
		if v, ok := strings.CutPrefix(kv, "mode="); ok {
			mode = v
		}
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	text := func() { fmt.Fprint(out, "Content-Type: text/plain\r\n\r\n") }
	switch mode {
	case "", "env":
		text()
		env := os.Environ()
		slices.Sort(env)
		for _, e := range env {
			fmt.Fprintln(out, e)
		}
		wd, _ := os.Getwd()
		fmt.Fprintf(out, "cwd=%s\nuid=%d\ngid=%d\nargs=%q\n", wd, os.Getuid(), os.Getgid(), os.Args[1:])
	case "echo":
		b, err := io.ReadAll(os.Stdin)
		text()
		sum := sha256.Sum256(b)
		fmt.Fprintf(out, "len=%d err=%v sha=%s\n", len(b), err, hex.EncodeToString(sum[:]))
		if len(b) < 100 {
			fmt.Fprintf(out, "body=%s\n", b)
		}
	case "status":
		fmt.Fprint(out, "Status: 418 I'm a teapot\nContent-Type: text/x-tea\nX-Custom: yes\nX-Multi: a\nX-Multi: b\nConnection: upgrade\n\nno coffee\n")
	case "nocontent":
		fmt.Fprint(out, "Status: 204 No Content\n\nignored body\n")
	case "local":
		fmt.Fprint(out, "Location: /cgi-bin/child/after?mode=env\n\nignored body\n")
	case "loop":
		fmt.Fprint(out, "Location: /cgi-bin/child?mode=loop\n\n")
	case "badlocal":
		fmt.Fprint(out, "Location: /%zz\n\n")
	case "external":
		fmt.Fprint(out, "Location: https://example.com/there\n\n")
	case "netpath":
		fmt.Fprint(out, "Location: //evil.example/\n\n")
	case "stream":
		// One line, then wait for the request body to end before the
		// next: the test sends the body only after it has seen line 1.
		text()
		fmt.Fprintln(out, "line 1")
		out.Flush()
		io.Copy(io.Discard, os.Stdin)
		fmt.Fprintln(out, "line 2")
	case "big":
		text()
		chunk := []byte(strings.Repeat("0123456789abcde\n", 4096)) // 64 KiB
		for range 800 {                                            // 50 MiB
			out.Write(chunk)
		}
	case "hang":
		fmt.Fprintf(os.Stderr, "pid=%d\n", os.Getpid())
		time.Sleep(time.Hour)
	case "hangafter":
		fmt.Fprintf(os.Stderr, "pid=%d\n", os.Getpid())
		text()
		fmt.Fprintln(out, "partial")
		out.Flush()
		time.Sleep(time.Hour)
	case "crash":
		fmt.Fprintln(os.Stderr, "about to crash")
		os.Exit(3)
	case "crashafter":
		text()
		fmt.Fprintln(out, "partial")
		out.Flush()
		os.Exit(4)
	case "signalafter":
		text()
		fmt.Fprintln(out, "partial")
		out.Flush()
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		time.Sleep(time.Hour)
	case "badheader":
		fmt.Fprint(out, "this is not a header\n\nbody\n")
	case "ignorestdin":
		text()
		fmt.Fprintln(out, "ok")
	case "stderr":
		fmt.Fprintln(os.Stderr, "a warning\r")
		text()
		fmt.Fprintln(out, "fine")
	case "grandchild":
		// Leave a background process in the group, holding none of the
		// pipes, and exit.
		self, _ := os.Executable()
		cmd := exec.Command(self)
		cmd.Env = []string{"CGIHANDLER_SLEEPER=1"}
		if err := cmd.Start(); err != nil {
			fmt.Fprintf(out, "Status: 500\n\n%v\n", err)
			return
		}
		text()
		fmt.Fprintf(out, "grandchild=%d\n", cmd.Process.Pid)
	default:
		fmt.Fprintf(out, "Status: 400\nContent-Type: text/plain\n\nunknown mode %q\n", mode)
	}
}
