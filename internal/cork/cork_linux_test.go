package cork_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/pyhttp/httpserver/fileserver"
	"github.com/pyhttp/httpserver/internal/cork"
)

// TestCorkAroundSendfile serves a large file on a server with ConnContext
// and checks that the body arrives whole, on one kept-alive connection,
// and that the connection is left uncorked: a cork left on would hold the
// next small response back for 200 ms.
func TestCorkAroundSendfile(t *testing.T) {
	dir := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), cork.MinBytes/16+1000) // corked
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "small.txt"), []byte("small\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	conns := make(chan net.Conn, 4)
	srv := httptest.NewUnstartedServer(fileserver.New(os.DirFS(dir), fileserver.Options{}))
	srv.Config.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		conns <- c
		return cork.ConnContext(ctx, c)
	}
	srv.Start()
	defer srv.Close()

	get := func(path string) []byte {
		t.Helper()
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d, %v", path, resp.StatusCode, err)
		}
		return body
	}
	for range 2 {
		if got := get("/big.bin"); !bytes.Equal(got, big) {
			t.Fatalf("GET /big.bin: %d bytes, not the file's %d", len(got), len(big))
		}
	}
	if got := get("/small.txt"); string(got) != "small\n" {
		t.Fatalf("GET /small.txt: %q", got)
	}
	if n := len(conns); n != 1 {
		t.Fatalf("%d connections; want the one kept alive", n)
	}
	rc, err := (<-conns).(syscall.Conn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var cork int
	var serr error
	rc.Control(func(fd uintptr) {
		cork, serr = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_CORK)
	})
	if serr != nil || cork != 0 {
		t.Errorf("TCP_CORK after the responses = %d (%v); want 0", cork, serr)
	}
}
