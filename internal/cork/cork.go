// Package cork lets a handler hold TCP_CORK on its connection while a large
// file goes out by sendfile, as nginx's tcp_nopush does: the kernel then
// sends only full segments, and the response header leaves with the start
// of the body. The command sets [ConnContext] on its server; fileserver
// wraps its writer with [Writer]. Without ConnContext, and on systems other
// than Linux, files are served the same, just without the cork.
package cork

import (
	"context"
	"io"
	"net"
	"net/http"
	"syscall"
)

type connKey struct{}

// ConnContext is for http.Server.ConnContext: it keeps the connection
// where [Writer] finds it.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if sc, ok := c.(syscall.Conn); ok {
		return context.WithValue(ctx, connKey{}, sc)
	}
	return ctx
}

// MinBytes is the smallest body corked: below it, the two setsockopt calls
// cost more than the packet they save (see bench/README.md).
const MinBytes = 1 << 20

// Writer returns w wrapped so that its ReadFrom, the sendfile path, runs
// with TCP_CORK set when a body of size bytes is sent for r; or w itself
// when the body is smaller than [MinBytes], r is not a GET, or r's
// connection is not known.
func Writer(w http.ResponseWriter, r *http.Request, size int64) http.ResponseWriter {
	if size < MinBytes || r.Method != http.MethodGet {
		return w
	}
	sc, ok := r.Context().Value(connKey{}).(syscall.Conn)
	if !ok {
		return w
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return w
	}
	return &writer{ResponseWriter: w, rc: rc}
}

// writer corks the connection around ReadFrom: net/http writes the header
// and the first 512 bytes there, then hands the rest to sendfile.
type writer struct {
	http.ResponseWriter
	rc syscall.RawConn
}

var _ io.ReaderFrom = (*writer)(nil)

func (c *writer) ReadFrom(src io.Reader) (int64, error) {
	rf, ok := c.ResponseWriter.(io.ReaderFrom)
	if !ok {
		return io.Copy(c.ResponseWriter, src)
	}
	set(c.rc, true)
	defer set(c.rc, false) // uncorking sends what is left at once
	return rf.ReadFrom(src)
}

// Unwrap gives http.ResponseController the writer underneath.
func (c *writer) Unwrap() http.ResponseWriter { return c.ResponseWriter }
