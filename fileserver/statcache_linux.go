//go:build linux

package fileserver

import (
	"errors"
	"io/fs"
	"path"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/pyhttp/httpserver/internal/localfs"
)

// Bounds of a statCache: past statMaxEntries names it starts over; past
// statMaxDirs watched directories or statMaxWatches watches in all,
// names in other directories or files are stat'ed on every request, as
// without the cache.
const (
	statMaxEntries = 16384
	statMaxDirs    = 4096
	statMaxWatches = statMaxEntries + statMaxDirs
)

// dirMask is every change to a directory's entries, or to a file in it
// by that name, that a stat of one of them would show.
const dirMask = unix.IN_MODIFY | unix.IN_ATTRIB | unix.IN_CREATE | unix.IN_DELETE |
	unix.IN_MOVED_FROM | unix.IN_MOVED_TO | unix.IN_DELETE_SELF | unix.IN_MOVE_SELF |
	unix.IN_ONLYDIR

// fileMask is every change to a file, by whichever name (a hard link
// made elsewhere, and writes through it, included).
const fileMask = unix.IN_MODIFY | unix.IN_ATTRIB | unix.IN_DELETE_SELF | unix.IN_MOVE_SELF

// resetMask marks the events after which the directory watches may no
// longer describe the tree: a watched directory removed or moved, a lost
// event (queue overflow), an unmounted file system.
const resetMask = unix.IN_Q_OVERFLOW | unix.IN_DELETE_SELF | unix.IN_MOVE_SELF |
	unix.IN_IGNORED | unix.IN_UNMOUNT

// statCache answers the handler's stats from memory while inotify says
// nothing they describe has changed (Options.WatchFiles). The rule it
// keeps is the per-request stat's: a change made before a request was
// received is seen by that request. Events are queued by the kernel
// during the system call that makes the change, so the handler drains
// the queue (one read of a non-blocking descriptor) at the start of
// every request, before any name is looked up; there is no goroutine and
// no window in which an event has happened but not been applied.
//
// A name is kept only when the directory it is in is watched, which
// needs every directory above it watched first, so that a rename or
// removal anywhere on its path is seen. A directory is watched before it
// is kept, so that its times stay true. A kept file is watched itself
// too, so that a change made through another name of it (a hard link, a
// bind mount), which its directory is not told of, is seen; a file kept
// under one name is not kept under a second. A symlink is followed afresh
// on every request (what it points to is watched under another name, or
// not at all), as is any name whose stat fails for a reason other than
// not existing. An event for a name forgets it and its directory; an
// event that may have moved watched directories (a directory removed,
// renamed or re-permissioned, a watch lost, the queue overflowed)
// forgets everything, closes the inotify descriptor and lets the next
// requests start again.
//
// Directories are opened through the os.Root and watched as
// /proc/self/fd/N, so a watch is on the directory the root resolved, never
// on one a racing rename put at the same path. Only local file systems
// (package localfs) are watched: on NFS or FUSE a change made elsewhere
// sends no event. A write through a shared memory mapping sends none
// either; such a file is served as last stat'ed until another change.
type statCache struct {
	fsys rootFS
	ino  *inotifyFD // the descriptor, apart so that a cleanup can close it

	mu      sync.Mutex
	gen     uint64 // counts the events applied; a stat made across one is not kept
	entries map[string]statResult
	dirs    map[string]int32 // watched directory -> watch descriptor
	wds     map[int32]watched
	buf     []byte

	forgotten int // times everything was forgotten, for tests
}

type statResult struct {
	info fs.FileInfo
	err  error // the not-exist error, or nil
}

// watched is what a watch descriptor is on: a directory or a kept file.
type watched struct {
	name string
	file bool
}

type inotifyFD struct{ fd int } // -1: none open

// newStatCache returns a statCache for fsys, or nil when fsys is not a
// RootFS on a local file system.
func newStatCache(fsys fs.FS) *statCache {
	r, ok := fsys.(rootFS)
	if !ok {
		return nil
	}
	if trusted, err := r.trusted("."); err != nil || !trusted {
		return nil
	}
	c := &statCache{fsys: r, ino: &inotifyFD{fd: -1}, buf: make([]byte, 16<<10)}
	c.forget()
	runtime.AddCleanup(c, func(ino *inotifyFD) { ino.close() }, c.ino)
	return c
}

func (i *inotifyFD) close() {
	if i.fd >= 0 {
		unix.Close(i.fd)
		i.fd = -1
	}
}

// trusted reports whether the directory dir is on a local file system.
func (r rootFS) trusted(dir string) (bool, error) {
	d, err := r.root.Open(dir)
	if err != nil {
		return false, err
	}
	defer d.Close()
	var ok bool
	if err := controlFD(d, func(fd int) { ok = localfs.Trusted(fd) }); err != nil {
		return false, err
	}
	return ok, nil
}

// forget drops every name and watch. c.mu is held (or c is new).
func (c *statCache) forget() {
	c.ino.close()
	c.gen++
	c.forgotten++
	c.entries = make(map[string]statResult)
	c.dirs = make(map[string]int32)
	c.wds = make(map[int32]watched)
}

// sync applies the events queued so far. The handler calls it once per
// request, before its first stat.
func (c *statCache) sync() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.ino.fd >= 0 {
		n, err := unix.Read(c.ino.fd, c.buf)
		switch {
		case err == unix.EAGAIN:
			return
		case err == unix.EINTR:
			continue
		case err != nil || n <= 0:
			c.forget()
			return
		}
		c.apply(c.buf[:n])
	}
}

// apply forgets what the events in b, as read from the descriptor,
// change.
func (c *statCache) apply(b []byte) {
	for len(b) >= unix.SizeofInotifyEvent {
		ev := (*unix.InotifyEvent)(unsafe.Pointer(&b[0]))
		end := unix.SizeofInotifyEvent + int(ev.Len)
		if end > len(b) {
			c.forget() // cannot happen: the kernel writes whole events
			return
		}
		name := b[unix.SizeofInotifyEvent:end]
		for len(name) > 0 && name[len(name)-1] == 0 {
			name = name[:len(name)-1]
		}
		b = b[end:]
		c.gen++
		w, known := c.wds[ev.Wd]
		switch {
		case !known:
			// The queue overflowed (wd -1), or a watch that is not
			// ours any more: nothing kept can be trusted.
			c.forget()
			return
		case w.file:
			delete(c.entries, w.name)
			if ev.Mask&unix.IN_IGNORED != 0 {
				delete(c.wds, ev.Wd)
			}
		case ev.Mask&resetMask != 0, len(name) == 0,
			ev.Mask&unix.IN_ISDIR != 0 && ev.Mask&^unix.IN_ISDIR&^(unix.IN_CREATE|unix.IN_MODIFY) != 0:
			// A change to a directory that may have moved or closed
			// names below it.
			c.forget()
			return
		default:
			delete(c.entries, w.name)
			delete(c.entries, path.Join(w.name, string(name)))
		}
	}
}

// stat returns the stat of name, following a final symlink: from memory
// when a stat since the last change is kept, else from the FS, kept when
// that is allowed.
func (c *statCache) stat(name string) (fs.FileInfo, error) { return c.lookup(name, true) }

// lstat answers a listing's stat of the entry name, without following a
// final symlink (listing.ReadOptions' Lstat): kept or fresh, or no answer
// when the stat fails. Nothing more is kept once the cache is three
// quarters full, so that a directory larger than the cache is listed with
// a stat per entry, as without it, rather than kept and forgotten on every
// listing.
func (c *statCache) lstat(name string) (fs.FileInfo, bool) {
	c.mu.Lock()
	r, ok := c.entries[name]
	full := len(c.entries) >= statMaxEntries*3/4
	c.mu.Unlock()
	switch {
	case ok:
		return r.info, r.info != nil
	case full:
		return nil, false
	}
	info, err := c.lookup(name, false)
	return info, err == nil
}

// lookup is stat (follow) or lstat's lookup of name. A directory not yet
// watched is watched and stat'ed again before it is kept: its times change
// with its entries, which only its own watch reports.
func (c *statCache) lookup(name string, follow bool) (fs.FileInfo, error) {
	c.mu.Lock()
	if r, ok := c.entries[name]; ok {
		c.mu.Unlock()
		return r.info, r.err
	}
	gen := c.gen
	watched := c.watch(path.Dir(name))
	_, self := c.dirs[name]
	c.mu.Unlock()
	if !watched {
		if follow {
			return c.fsys.Stat(name)
		}
		return c.fsys.Lstat(name)
	}
	info, err := c.fsys.Lstat(name)
	switch {
	case err == nil && info.Mode()&fs.ModeSymlink != 0:
		if follow {
			return c.fsys.Stat(name)
		}
		return info, nil
	case err == nil && info.IsDir() && !self:
		c.mu.Lock()
		self = c.watch(name)
		c.mu.Unlock()
		if !self {
			return info, nil
		}
		if info, err = c.fsys.Lstat(name); err != nil || !info.IsDir() {
			return info, err // changed as it was watched: not kept
		}
	case err == nil && !info.IsDir() && !c.watchFile(name, info):
		return info, nil
	case err != nil && !errors.Is(err, syscall.ENOENT):
		return nil, err
	}
	c.mu.Lock()
	if c.gen == gen {
		if len(c.entries) >= statMaxEntries {
			clear(c.entries)
		}
		c.entries[name] = statResult{info, err}
	}
	c.mu.Unlock()
	return info, err
}

// watchFile places a watch on the file name, whose lstat is info, and
// reports whether it is placed and the file is still as info describes:
// a change made through another name between the lstat and the watch
// would otherwise go unseen.
func (c *statCache) watchFile(name string, info fs.FileInfo) bool {
	f, err := c.fsys.root.OpenFile(name, unix.O_PATH|unix.O_NOFOLLOW, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ino.fd < 0 || len(c.wds) >= statMaxWatches {
		return false
	}
	wd := int32(-1)
	controlFD(f, func(fd int) {
		w, err := unix.InotifyAddWatch(c.ino.fd, "/proc/self/fd/"+strconv.Itoa(fd), fileMask)
		if err == nil {
			wd = int32(w)
		}
	})
	if wd < 0 {
		return false
	}
	if w, taken := c.wds[wd]; taken && w != (watched{name, true}) {
		return false // kept under another name already
	}
	c.wds[wd] = watched{name, true}
	now, err := f.Stat()
	return err == nil && versionOf(now).same(versionOf(info))
}

// watch places a watch on the directory dir and each directory above it
// that has none, top down, and reports whether dir is watched. c.mu is
// held.
func (c *statCache) watch(dir string) bool {
	if _, ok := c.dirs[dir]; ok {
		return true
	}
	if dir != "." && !c.watch(path.Dir(dir)) {
		return false
	}
	if len(c.dirs) >= statMaxDirs || len(c.wds) >= statMaxWatches {
		return false
	}
	if c.ino.fd < 0 {
		fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
		if err != nil {
			return false
		}
		c.ino.fd = fd
	}
	d, err := c.fsys.root.OpenFile(dir, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		return false
	}
	defer d.Close()
	wd := int32(-1)
	controlFD(d, func(fd int) {
		if !localfs.Trusted(fd) {
			return
		}
		w, err := unix.InotifyAddWatch(c.ino.fd, "/proc/self/fd/"+strconv.Itoa(fd), dirMask)
		if err == nil {
			wd = int32(w)
		}
	})
	if wd < 0 {
		return false
	}
	if _, taken := c.wds[wd]; taken {
		return false // the same directory by another path (a bind mount)
	}
	c.dirs[dir], c.wds[wd] = wd, watched{name: dir}
	return true
}

// controlFD calls fn with the descriptor of f.
func controlFD(f interface {
	SyscallConn() (syscall.RawConn, error)
}, fn func(fd int)) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	return rc.Control(func(fd uintptr) { fn(int(fd)) })
}
