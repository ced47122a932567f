package livereload

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/fsnotify/fsnotify"
)

// watcher keeps a watch on every directory of a tree, up to a budget.
// Only the Reloader's loop goroutine uses it once New has returned.
type watcher struct {
	fsw    *fsnotify.Watcher
	root   string // cleaned OS path of the tree
	ignore func(name string) bool
	max    int
	dirs   map[string]bool // OS paths of the directories watched
	full   bool            // the budget ran out; logged once
	log    *slog.Logger
}

// change is what one file system event means for the pages: nothing, a
// change to a stylesheet, or any other change.
type change uint8

const (
	noChange change = iota
	cssChange
	otherChange
)

// addTree watches dir and the directories below it that are not ignored,
// breadth first, so that when the budget runs out the directories nearest
// the root are the ones watched. Symlinks are not followed: what they
// lead to is not part of the tree. It returns the error of watching dir
// itself; those below are skipped with a log line when they fail.
func (w *watcher) addTree(dir string) error {
	queue := []string{dir}
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		if w.dirs[d] {
			continue
		}
		if len(w.dirs) >= w.max {
			w.budgetSpent()
			return nil
		}
		if err := w.fsw.Add(d); err != nil {
			if d == dir {
				return err
			}
			w.log.Warn("live reload: cannot watch directory", slog.String("dir", d), slog.Any("error", err))
			continue
		}
		w.dirs[d] = true
		entries, err := os.ReadDir(d)
		if err != nil {
			continue // gone already, or unreadable: its events say the rest
		}
		for _, e := range entries {
			p := filepath.Join(d, e.Name())
			if !e.IsDir() || w.ignored(p) {
				continue
			}
			if len(w.dirs)+len(queue) >= w.max {
				w.budgetSpent()
				break
			}
			queue = append(queue, p)
		}
	}
	return nil
}

func (w *watcher) budgetSpent() {
	if !w.full {
		w.full = true
		w.log.Warn("live reload: too many directories to watch; changes below the others are not seen",
			slog.String("dir", w.root), slog.Int("watched", len(w.dirs)))
	}
}

// forget drops the watches of dir and the directories below it, after
// dir was removed or renamed.
func (w *watcher) forget(dir string) {
	prefix := dir + string(filepath.Separator)
	for d := range w.dirs {
		if d == dir || strings.HasPrefix(d, prefix) {
			delete(w.dirs, d)
			w.fsw.Remove(d) // the kernel may have dropped it already
		}
	}
}

// name returns the slash-separated name of the OS path p relative to the
// root, or false when p is not below it.
func (w *watcher) name(p string) (string, bool) {
	rel, err := filepath.Rel(w.root, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

func (w *watcher) ignored(p string) bool {
	name, ok := w.name(p)
	return !ok || w.ignore(name)
}

// handle takes one event: a new directory is watched, a removed one
// forgotten, and the change it means for pages is returned. A change of
// permissions alone (which backup and indexing tools make) is none.
func (w *watcher) handle(ev fsnotify.Event) change {
	if ev.Op&^fsnotify.Chmod == 0 || w.ignored(ev.Name) {
		return noChange
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		if w.dirs[ev.Name] {
			w.forget(ev.Name)
		}
	}
	if ev.Has(fsnotify.Create) {
		if fi, err := os.Lstat(ev.Name); err == nil && fi.IsDir() {
			// Files created in it before its watch was added are
			// already part of this change.
			w.addTree(ev.Name)
		}
	}
	if strings.HasSuffix(strings.ToLower(ev.Name), ".css") {
		return cssChange
	}
	return otherChange
}
