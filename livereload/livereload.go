package livereload

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/pyhttp/httpserver/internal/errorpage"
	"github.com/pyhttp/httpserver/internal/safepath"
)

// Dir is the reserved path element: a request whose path has an element
// named so (in any letter case) is answered by the Reloader, never by the
// handler it wraps, and the script's URL is relative to the page:
// "Dir/live.js" beside it.
const Dir = ".httpserver"

const (
	// DefaultMaxWatches is how many directories a Reloader watches by
	// default.
	DefaultMaxWatches = 4096
	// DefaultDebounce is how long changes must have settled, by default,
	// before pages are told.
	DefaultDebounce = 100 * time.Millisecond
	// DefaultMaxDelay bounds, by default, how long pages wait to be told
	// while changes keep coming.
	DefaultMaxDelay = time.Second
	// DefaultMaxClients is how many event streams a Reloader serves at
	// once by default.
	DefaultMaxClients = 4096
)

// heartbeat is how often an idle event stream gets a comment line, which
// keeps proxies from closing it and finds clients that have gone.
const heartbeat = 30 * time.Second

// writeTimeout bounds each write to an event stream served by its
// handler: a client that stops reading loses its stream rather than
// holding a goroutine.
const writeTimeout = 10 * time.Second

// connWriteTimeout bounds each write to a connection taken over, which
// the loop makes in turn for every stream: an event is a few dozen bytes,
// which a socket takes at once unless its client stopped reading long
// ago, and such a client loses its stream.
const connWriteTimeout = 100 * time.Millisecond

// retryMillis is how soon, in milliseconds, a browser reconnects a lost
// stream: soon, since the server it lost is usually back at once.
const retryMillis = "500"

// Options configure a [Reloader]. The zero value watches the whole tree
// but for dot-paths, with the defaults above.
type Options struct {
	// MaxWatches bounds the directories watched (each costs one inotify
	// watch on Linux, and on macOS and BSD one file descriptor for it and
	// one for each file in it). The tree is walked breadth first, so
	// those nearest the root are watched when there are more; a line is
	// logged then. Default (0): [DefaultMaxWatches].
	MaxWatches int

	// Debounce is how long changes must have settled before pages are
	// told, so that an editor's save (write, rename, chmod) or a build
	// writing many files makes one reload. Default (0):
	// [DefaultDebounce].
	Debounce time.Duration

	// MaxDelay bounds how long pages wait while changes keep coming, so
	// that a continuous stream of writes still reloads now and then.
	// Default (0): [DefaultMaxDelay], or Debounce if that is longer.
	MaxDelay time.Duration

	// Ignore reports whether a change to name, slash-separated and
	// relative to the watched directory, is not worth a reload; an
	// ignored directory is not watched at all. Default: names with an
	// element that starts with a dot (.git/, .env, an editor's .swp
	// file), which fileserver's HideDotfiles hides.
	Ignore func(name string) bool

	// MaxClients bounds the event streams served at once; one more gets
	// 503. Default (0): [DefaultMaxClients].
	MaxClients int

	// ErrorLog receives what cannot be shown to a page: directories that
	// cannot be watched, the watch budget running out, the watcher's
	// errors. Default: slog.Default().
	ErrorLog *slog.Logger
}

// A Reloader watches a directory tree and tells the pages it served that
// something changed. Build one with [New] and release it with
// [Reloader.Close]; in between it is safe for concurrent use and its
// configuration does not change.
type Reloader struct {
	w        *watcher
	debounce time.Duration
	maxDelay time.Duration
	log      *slog.Logger

	scriptETag string
	tag        []byte // the element injected into pages
	etagSuffix string // marks the ETags of responses that went through Inject

	mu         sync.Mutex
	clients    map[*client]struct{}
	maxClients int
	closed     bool // by Close: no stream is taken any more

	done      chan struct{} // closed by Close: the loop and every stream end
	loopDone  sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

// liveJS is the script pages load; a string, so that nothing can change
// it.
//
//go:embed live.js
var liveJS string

// New starts watching dir, a directory of the local file system, and
// returns the Reloader that serves its pages. The directories below it
// are watched as they are now and as they appear; dir itself must be
// watchable.
func New(dir string, opts Options) (*Reloader, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("livereload: %s is not a directory", dir)
	}
	l := &Reloader{
		debounce:   opts.Debounce,
		maxDelay:   opts.MaxDelay,
		log:        opts.ErrorLog,
		clients:    make(map[*client]struct{}),
		maxClients: opts.MaxClients,
		done:       make(chan struct{}),
	}
	if l.debounce <= 0 {
		l.debounce = DefaultDebounce
	}
	if l.maxDelay <= 0 {
		l.maxDelay = DefaultMaxDelay
	}
	l.maxDelay = max(l.maxDelay, l.debounce)
	if l.maxClients <= 0 {
		l.maxClients = DefaultMaxClients
	}
	if l.log == nil {
		l.log = slog.Default()
	}
	sum := sha256.Sum256([]byte(liveJS))
	l.scriptETag = `"` + hex.EncodeToString(sum[:12]) + `"`
	l.tag = []byte(`<script src="` + Dir + `/live.js"></script>`)
	tagSum := sha256.Sum256(l.tag)
	l.etagSuffix = "-lr" + hex.EncodeToString(tagSum[:4])

	w := &watcher{
		root:   filepath.Clean(dir),
		ignore: opts.Ignore,
		max:    opts.MaxWatches,
		dirs:   make(map[string]bool),
		log:    l.log,
	}
	if w.ignore == nil {
		w.ignore = safepath.IsHidden
	}
	if w.max <= 0 {
		w.max = DefaultMaxWatches
	}
	if w.fsw, err = fsnotify.NewWatcher(); err != nil {
		return nil, err
	}
	if err := w.addTree(w.root); err != nil {
		w.fsw.Close()
		return nil, err
	}
	l.w = w
	l.loopDone.Add(1)
	go l.loop()
	return l, nil
}

// Close stops watching, ends every event stream (a browser reconnects
// to the next server, and reloads when it does) and waits for the
// watcher's goroutine to end. Pages keep their script; it finds no
// stream. An HTTP/1 stream is a connection the Reloader took over from
// its http.Server, which neither Shutdown nor Close of the server ends:
// Close does. Call it from http.Server.RegisterOnShutdown, so that the
// streams a handler still serves (HTTP/2) do not hold a graceful
// shutdown either. Close is safe to call more than once.
func (l *Reloader) Close() error {
	l.closeOnce.Do(func() {
		close(l.done)
		l.loopDone.Wait()
		l.mu.Lock()
		l.closed = true
		for c := range l.clients {
			if c.conn != nil {
				c.conn.Close()
				delete(l.clients, c)
			}
		}
		l.mu.Unlock()
		l.closeErr = l.w.fsw.Close()
	})
	return l.closeErr
}

// loop turns file system events into messages for the streams: each
// change arms the debounce timer, which fires once changes have settled
// for debounce, or maxDelay after the first unsent one.
func (l *Reloader) loop() {
	defer l.loopDone.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	beat := time.NewTicker(heartbeat)
	defer beat.Stop()
	var pending message
	var first time.Time // of the changes not yet sent
	arm := func(m message) {
		pending |= m
		now := time.Now()
		if first.IsZero() {
			first = now
		}
		timer.Reset(min(l.debounce, first.Add(l.maxDelay).Sub(now)))
	}
	for {
		select {
		case <-l.done:
			return
		case ev, ok := <-l.w.fsw.Events:
			if !ok {
				return
			}
			switch l.w.handle(ev) {
			case cssChange:
				arm(msgCSS)
			case otherChange:
				arm(msgReload)
			}
		case err, ok := <-l.w.fsw.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				arm(msgReload) // events were lost: something changed
			}
			l.log.Warn("live reload: watcher error", slog.String("dir", l.w.root), slog.Any("error", err))
		case <-timer.C:
			l.broadcast(pending)
			pending, first = 0, time.Time{}
		case <-beat.C:
			l.broadcast(msgPing)
		}
	}
}

// message is what a stream is told, as bits that accumulate while a
// parked stream's handler is busy.
type message uint32

const (
	msgPing message = 1 << iota
	msgCSS
	msgReload
)

// client is one event stream: either a handler parked until there is
// something to write (HTTP/2), or a connection taken over from net/http
// (HTTP/1), which the loop writes to itself.
type client struct {
	pending atomic.Uint32 // message bits not yet written (parked)
	wake    chan struct{} // capacity one: pending has bits (parked)
	conn    net.Conn      // the connection, once taken over; under Reloader.mu
}

// event returns the text that tells a stream of m: a reload outweighs a
// stylesheet swap, which outweighs a heartbeat.
func event(m message) string {
	switch {
	case m&msgReload != 0:
		return "event: reload\ndata: reload\n\n"
	case m&msgCSS != 0:
		return "event: css\ndata: css\n\n"
	case m&msgPing != 0:
		return ": ping\n\n"
	}
	return ""
}

// broadcast tells every stream of m: it writes to the connections taken
// over, dropping those that fail, and wakes the parked handlers. It runs
// in the loop goroutine only, and writes under mu, so that no two writes
// to a connection overlap.
func (l *Reloader) broadcast(m message) {
	ev := event(m)
	if ev == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for c := range l.clients {
		if c.conn != nil {
			if !writeConn(c.conn, ev) {
				c.conn.Close()
				delete(l.clients, c)
			}
			continue
		}
		c.pending.Or(uint32(m))
		select {
		case c.wake <- struct{}{}:
		default:
		}
	}
}

// writeConn writes s to a connection taken over, within connWriteTimeout.
func writeConn(c net.Conn, s string) bool {
	c.SetWriteDeadline(time.Now().Add(connWriteTimeout))
	_, err := io.WriteString(c, s)
	return err == nil
}

// subscribe registers a stream; false when there are too many, or the
// Reloader is closed.
func (l *Reloader) subscribe() (*client, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed || len(l.clients) >= l.maxClients {
		return nil, false
	}
	c := &client{wake: make(chan struct{}, 1)}
	l.clients[c] = struct{}{}
	return c, true
}

func (l *Reloader) unsubscribe(c *client) {
	l.mu.Lock()
	delete(l.clients, c)
	l.mu.Unlock()
}

// adopt makes the loop write to conn for c from now on, after writing
// what c was told while it was being taken over; false when the
// Reloader is closed or the write fails.
func (l *Reloader) adopt(c *client, conn net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	if ev := event(message(c.pending.Swap(0)) &^ msgPing); ev != "" && !writeConn(conn, ev) {
		return false
	}
	c.conn = conn
	return true
}

// Handler returns next with the Reloader in front: the reserved paths
// (see [Dir]) are answered by [Reloader.Routes], and the HTML pages next
// serves get the script ([Reloader.Inject]). Wrap the handler that serves
// the watched directory; the pages find the script beside them, under
// any mount prefix.
func (l *Reloader) Handler(next http.Handler) http.Handler {
	return l.Routes(l.Inject(next))
}

// Routes returns a handler that answers the requests whose path has a
// [Dir] element itself and passes every other request to next untouched:
// "Dir/live.js" is the script, "Dir/events" the event stream, and any
// other such path, at any depth and in any encoding net/http decodes, is
// 404. No file is ever read for them, so a file of the tree named Dir
// cannot be served through next. Put Routes in front of everything that
// could serve a file, CGI scripts included.
func (l *Reloader) Routes(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := reserved(r.URL.Path)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			errorpage.Write(w, r, http.StatusMethodNotAllowed, "")
			return
		}
		switch rest {
		case "live.js":
			l.serveScript(w, r)
		case "events":
			l.serveEvents(w, r)
		default:
			errorpage.Write(w, r, http.StatusNotFound, "")
		}
	})
}

// reserved reports whether the decoded URL path p has a [Dir] element,
// and returns what follows it. An element counts when it is Dir in any
// letter case, with trailing dots or spaces (which Windows drops from
// names) or a fragment the client sent ("#...", which the file server
// drops): every spelling that a file server could open as the directory
// Dir is reserved.
func reserved(p string) (rest string, ok bool) {
	for p != "" {
		var elem string
		elem, p, _ = strings.Cut(p, "/")
		elem, _, _ = strings.Cut(elem, "#")
		if strings.EqualFold(strings.TrimRight(elem, ". "), Dir) {
			return p, true
		}
	}
	return "", false
}

// serveScript serves live.js, revalidated on every use.
func (l *Reloader) serveScript(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Etag", l.scriptETag)
	http.ServeContent(w, r, "", time.Time{}, strings.NewReader(liveJS))
}

// serveEvents serves one event stream (text/event-stream). Over HTTP/1
// the body is delimited by the connection's end, the setup the
// server-sent events standard recommends, so once the header is out the
// stream is nothing but bytes on the connection: the handler takes the
// connection over, hands it to the loop and returns, and an idle stream
// costs a socket rather than a goroutine with its buffers. Where that
// cannot be (HTTP/2, a response being encoded), the handler stays until
// the client goes, a write fails or times out, or the Reloader is
// closed.
func (l *Reloader) serveEvents(w http.ResponseWriter, r *http.Request) {
	c, ok := l.subscribe()
	if !ok {
		w.Header().Set("Retry-After", "5")
		errorpage.Write(w, r, http.StatusServiceUnavailable, "Too many live reload streams, or live reload has stopped")
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Del("Content-Length")
	if r.ProtoMajor == 1 {
		// No chunks: the body ends with the connection (net/http
		// drops the field itself).
		h.Set("Transfer-Encoding", "identity")
	}
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		l.unsubscribe(c)
		return
	}
	rc := http.NewResponseController(w)
	if !send(w, rc, "retry: "+retryMillis+"\n: live reload\n\n") {
		l.unsubscribe(c)
		return
	}
	if r.ProtoMajor == 1 && h.Get("Content-Encoding") == "" {
		if conn, _, err := rc.Hijack(); err == nil {
			if !l.adopt(c, conn) {
				l.unsubscribe(c)
				conn.Close()
			}
			return
		}
	}
	defer l.unsubscribe(c)
	// The write deadline outlives the handler on a kept-alive
	// connection unless it is cleared.
	defer rc.SetWriteDeadline(time.Time{})
	for {
		select {
		case <-r.Context().Done():
			return
		case <-l.done:
			return
		case <-c.wake:
		}
		if ev := event(message(c.pending.Swap(0))); ev != "" && !send(w, rc, ev) {
			return
		}
	}
}

// send writes s to an event stream and flushes it, within writeTimeout.
func send(w io.Writer, rc *http.ResponseController, s string) bool {
	rc.SetWriteDeadline(time.Now().Add(writeTimeout)) // not every writer has one
	if _, err := io.WriteString(w, s); err != nil {
		return false
	}
	return rc.Flush() == nil
}
