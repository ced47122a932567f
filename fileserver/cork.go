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
// connection while a file goes out by sendfile, as nginx's tcp_nopush
// does, so that the response header leaves with the start of the body
// instead of in a small packet of its own. On loopback that packet costs
// about as much as the 64 KiB that follow it. Without ConnContext, and
// on other systems than Linux, files are served the same, just without
// the cork.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if sc, ok := c.(syscall.Conn); ok {
		return context.WithValue(ctx, connKey{}, sc)
	}
	return ctx
}

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
