// Package smuggle closes the request-smuggling gap that net/http leaves
// open: a request with both Transfer-Encoding and Content-Length.
//
// RFC 9112 §6.3 says such a message "ought to be handled as an error".
// net/http instead drops the Content-Length, reads the chunked body and
// keeps the connection open; a proxy in front that framed the request by
// its Content-Length now disagrees with us about where the next request
// starts. By the time a handler runs the Content-Length is gone from the
// request, so the check has to watch the connection itself.
//
// [Listener] wraps each accepted connection with a shadow parser that
// follows HTTP/1 message framing (request line, header block, then a
// Content-Length or chunked body) over the bytes net/http reads. When a
// header block carries both fields the connection is marked, and
// [Poisoned] reports it for every request on it, so that the server can
// answer 400 and close the connection. Everything net/http itself
// rejects (malformed or differing Content-Length, a missing Host) it
// already answers with 400 and a closed connection.
//
// [Guard] is the handler side: it answers a request on a marked connection
// with 400 and closes it.
//
// Cleartext HTTP/1 only: HTTP/2 frames its own messages (the parser stops
// at the HTTP/2 preface and at CONNECT), and net/http needs the bare
// *tls.Conn to speak TLS, so TLS connections are not wrapped. Where the
// parser cannot follow the framing it fails closed: the connection is
// treated as smuggling.
package smuggle

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"syscall"

	"github.com/pyhttp/httpserver/internal/errorpage"
)

// lineView is how much of each line the parser keeps, with runs of
// blanks squeezed: enough for a header name and a framing value. A framing
// value it cannot see whole poisons the connection: the parser fails
// closed, so no padding can blind it.
const lineView = 256

// Listener wraps ln so that its connections are watched. Serve it with an
// http.Server whose ConnContext is [ConnContext] and whose handler asks
// [Poisoned] of every request.
func Listener(ln net.Listener) net.Listener { return listener{ln} }

type listener struct{ net.Listener }

func (l listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &Conn{Conn: c}, nil
}

// Conn is a watched connection.
type Conn struct {
	net.Conn
	p        parser // touched only by Read, which net/http never calls concurrently
	poisoned atomic.Bool
}

// Read reads from the connection and feeds what it read to the parser.
func (c *Conn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 && !c.p.done && !c.p.smuggling {
		c.p.feed(b[:n])
		if c.p.smuggling {
			c.poisoned.Store(true)
		}
	}
	return n, err
}

// ReadFrom hands writes from a reader to the connection's own ReadFrom,
// so that net/http still sends files with sendfile(2) through the wrapper:
// it looks for io.ReaderFrom on the connection itself.
func (c *Conn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c.Conn}, r)
}

// SyscallConn gives the connection's descriptor, for socket options.
func (c *Conn) SyscallConn() (syscall.RawConn, error) {
	if sc, ok := c.Conn.(syscall.Conn); ok {
		return sc.SyscallConn()
	}
	return nil, errors.ErrUnsupported
}

// CloseWrite half-closes the connection, as net/http does before closing
// one, so that the client reads the whole response before the close.
func (c *Conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return errors.ErrUnsupported
}

var (
	_ syscall.Conn                    = (*Conn)(nil)
	_ io.ReaderFrom                   = (*Conn)(nil)
	_ interface{ CloseWrite() error } = (*Conn)(nil)
)

type ctxKey struct{}

// ConnContext is for http.Server.ConnContext: it makes the watched
// connection known to [Poisoned].
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if sc, ok := c.(*Conn); ok {
		return context.WithValue(ctx, ctxKey{}, sc)
	}
	return ctx
}

// Poisoned reports whether r came on a watched connection that carried a
// request with both Transfer-Encoding and Content-Length. The server
// should answer it with 400 and "Connection: close".
func Poisoned(r *http.Request) bool {
	c, ok := r.Context().Value(ctxKey{}).(*Conn)
	return ok && c.poisoned.Load()
}

type state int

const (
	stRequestLine state = iota
	stHeaders
	stBody      // remaining bytes of a Content-Length body
	stChunkSize // a chunk-size line
	stChunkData // remaining bytes of a chunk
	stChunkCRLF // the line ending after a chunk's data
	stTrailers  // the trailer section after the last chunk
)

// parser follows the framing of a stream of HTTP/1 requests.
type parser struct {
	st        state
	line      []byte
	cut       bool // the line was longer than lineView
	remaining int64
	hasCL     bool
	clValue   int64
	clBad     bool
	chunked   bool

	skip bool // the rest of the line cannot matter: pass over it

	smuggling bool // a header block had Transfer-Encoding and Content-Length
	done      bool // stopped watching: HTTP/2, an upgrade, or a stream net/http rejects
}

func (p *parser) feed(b []byte) {
	for len(b) > 0 && !p.done && !p.smuggling {
		switch p.st {
		case stBody, stChunkData:
			n := min(int64(len(b)), p.remaining)
			p.remaining -= n
			b = b[n:]
			if p.remaining == 0 {
				if p.st == stBody {
					p.st = stRequestLine
				} else {
					p.st = stChunkCRLF
				}
			}
		default:
			if len(p.line) == 0 && !p.skip && p.skippable(b) {
				// Most lines of a request: the request line of a GET,
				// Host, User-Agent, Accept... Only their end matters.
				p.skip = true
				if p.st == stRequestLine {
					p.startHeaders()
				}
			}
			i := bytes.IndexByte(b, '\n')
			if p.skip {
				if i < 0 {
					return
				}
				b = b[i+1:]
				p.skip = false
				continue
			}
			if i < 0 {
				p.appendLine(b)
				return
			}
			p.appendLine(b[:i])
			b = b[i+1:]
			p.endLine(bytes.TrimSuffix(p.line, []byte("\r")))
			p.line, p.cut = p.line[:0], false
		}
	}
}

// skippable reports whether the line that b starts, in the request line
// or header state, can be passed over without being kept: it is not
// empty, and as endLine and header would read it, it is not the preface
// of HTTP/2 or a CONNECT (neither starts but with P or C), nor a
// Content-Length or Transfer-Encoding field (whose names start "co" and
// "tr" in either case, and no other character folds to one of those).
// A line starting with white space, which the others trim or squeeze, or
// with a byte beyond ASCII, is read the long way.
func (p *parser) skippable(b []byte) bool {
	c := b[0]
	switch {
	case c >= 0x80, c == ' ', c == '\t', c == '\v', c == '\f', c == '\r', c == '\n':
		return false
	case p.st == stRequestLine:
		return c != 'P' && c != 'C'
	case p.st != stHeaders:
		return false
	}
	switch c | 0x20 { // ASCII lower case
	case 'c':
		return len(b) > 1 && b[1]|0x20 != 'o'
	case 't':
		return len(b) > 1 && b[1]|0x20 != 'r'
	}
	return true
}

// startHeaders follows a request line: a header block begins.
func (p *parser) startHeaders() {
	p.st = stHeaders
	p.hasCL, p.clBad, p.chunked, p.clValue = false, false, false, 0
}

// appendLine keeps the first lineView bytes of a line, squeezing each run
// of blanks to one and dropping blanks after a colon, so that
// "Content-Length:" followed by a thousand spaces still shows its value.
func (p *parser) appendLine(b []byte) {
	for _, c := range b {
		if c == ' ' || c == '\t' {
			if n := len(p.line); n > 0 && (p.line[n-1] == ' ' || p.line[n-1] == ':') {
				continue
			}
			if len(p.line) == 0 {
				p.line = append(p.line, ' ') // keep the mark of a continuation line
				continue
			}
		}
		if len(p.line) >= lineView {
			p.cut = true
			return
		}
		p.line = append(p.line, c)
	}
}

func (p *parser) endLine(line []byte) {
	switch p.st {
	case stRequestLine:
		if len(line) == 0 {
			return // RFC 9112 §2.2: empty lines before a request are ignored
		}
		if bytes.HasPrefix(line, []byte("PRI * HTTP/2")) || bytes.HasPrefix(line, []byte("CONNECT ")) {
			p.done = true
			return
		}
		p.startHeaders()
	case stHeaders:
		if len(line) > 0 {
			p.header(line)
			return
		}
		p.endHeaders()
	case stChunkSize:
		size, _, ext := bytes.Cut(line, []byte(";"))
		n, err := strconv.ParseInt(string(bytes.TrimSpace(size)), 16, 64)
		if err != nil || n < 0 || p.cut && !ext {
			p.smuggling = true // lost the framing: fail closed
			return
		}
		if n == 0 {
			p.st = stTrailers
			return
		}
		p.st, p.remaining = stChunkData, n
	case stChunkCRLF:
		if len(line) != 0 {
			p.smuggling = true
			return
		}
		p.st = stChunkSize
	case stTrailers:
		if len(line) == 0 {
			p.st = stRequestLine
		}
	}
}

func (p *parser) header(line []byte) {
	if line[0] == ' ' {
		return // an obs-fold continuation: part of the previous field's value
	}
	name, value, ok := bytes.Cut(line, []byte(":"))
	if !ok {
		return
	}
	name = bytes.TrimSpace(name)
	value = bytes.TrimSpace(value)
	switch {
	case bytes.EqualFold(name, []byte("Content-Length")):
		n, err := strconv.ParseInt(string(value), 10, 64)
		if err != nil || n < 0 || p.cut || p.hasCL && n != p.clValue {
			p.clBad = true
		}
		p.hasCL, p.clValue = true, n
	case bytes.EqualFold(name, []byte("Transfer-Encoding")):
		p.chunked = true // any coding: net/http accepts only chunked, and rejects the rest
	}
}

func (p *parser) endHeaders() {
	switch {
	case p.chunked && p.hasCL, p.clBad:
		// Both framings, or a Content-Length net/http will refuse or that
		// could not be read whole: either way this connection is done.
		p.smuggling = true
		p.done = true
	case p.chunked:
		p.st = stChunkSize
	case p.hasCL && p.clValue > 0:
		p.st, p.remaining = stBody, p.clValue
	default:
		p.st = stRequestLine
	}
}

// Guard returns next behind the check of [Poisoned]: a request on a
// connection that carried a header block framed both ways is answered 400
// with the error page, and the connection is closed. A request on a
// connection not served through [Listener] and [ConnContext] passes.
func Guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if Poisoned(r) {
			w.Header().Set("Connection", "close")
			errorpage.Write(w, r, http.StatusBadRequest, "Transfer-Encoding with Content-Length")
			return
		}
		next.ServeHTTP(w, r)
	})
}
