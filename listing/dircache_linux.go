package listing

import (
	"sync"
	"syscall"
	"time"

	"github.com/pyhttp/httpserver/internal/localfs"
)

// A dirCache keeps the sorted names of large directories between
// listings, so that a directory listed again unchanged costs no getdents
// and no sort (bench/README.md has what that saves). The sizes and times
// are not kept here; every listing stats its entries afresh or asks
// ReadOptions.Lstat.
//
// A directory is known by its device and inode and checked against its
// modification and change times and link count, which the kernel updates
// whenever a name is added, removed or renamed in it. File timestamps are
// coarse (a clock tick), so a second change in the tick of the first
// would leave them as they were; a directory is therefore only kept once
// its last change is a margin old, as git treats a "racily clean"
// index entry. Only file systems whose times are the kernel's own are
// trusted (not NFS or FUSE, whose times come from elsewhere and may be
// cached).
//
// The zero value is not usable; a nil *dirCache caches nothing.
type dirCache struct {
	// Bounds: a directory smaller than minEntries is cheap to read;
	// maxEntries (about 10 MiB of entries and names by default) bounds
	// the memory. A directory is kept once its last change is margin
	// old, by the clock now.
	minEntries, maxEntries int
	margin                 time.Duration
	now                    func() time.Time

	mu      sync.Mutex
	dirs    map[dirKey]*cachedDir
	entries int // held, over all directories
}

type dirKey struct{ dev, ino uint64 }

type cachedDir struct {
	mtime, ctime syscall.Timespec
	nlink        uint64
	names        []Entry // as readNames returns them; never modified
}

func newDirCache() *dirCache {
	return &dirCache{
		minEntries: 1024,
		maxEntries: 1 << 17,
		margin:     time.Second,
		now:        time.Now,
		dirs:       make(map[dirKey]*cachedDir),
	}
}

// names returns the names of the directory open as fd, whose fstat is st,
// from the cache when it holds this state of the directory, else from
// readNames, keeping them when the directory qualifies.
func (c *dirCache) names(fd int, st *syscall.Stat_t) ([]Entry, error) {
	if c == nil || st == nil {
		return readNames(fd)
	}
	key := dirKey{uint64(st.Dev), st.Ino}
	c.mu.Lock()
	d := c.dirs[key]
	c.mu.Unlock()
	if d != nil && d.mtime == st.Mtim && d.ctime == st.Ctim && d.nlink == uint64(st.Nlink) {
		return d.names, nil
	}
	now := c.now()
	names, err := readNames(fd)
	if err != nil || len(names) < c.minEntries || len(names) > c.maxEntries {
		return names, err
	}
	margin := now.Add(-c.margin)
	if !time.Unix(st.Mtim.Unix()).Before(margin) || !time.Unix(st.Ctim.Unix()).Before(margin) || !localfs.Trusted(fd) {
		return names, nil
	}
	c.put(key, &cachedDir{mtime: st.Mtim, ctime: st.Ctim, nlink: uint64(st.Nlink), names: names})
	return names, nil
}

// put stores d under key, first dropping other directories (any, as the
// map gives them) until it fits.
func (c *dirCache) put(key dirKey, d *cachedDir) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.dirs[key]; old != nil {
		c.entries -= len(old.names)
		delete(c.dirs, key)
	}
	for k, old := range c.dirs {
		if c.entries+len(d.names) <= c.maxEntries {
			break
		}
		c.entries -= len(old.names)
		delete(c.dirs, k)
	}
	c.dirs[key] = d
	c.entries += len(d.names)
}
