package upload

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"mime/multipart"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// tree is a snapshot of a directory: each path below it, slash-separated,
// mapped to "dir", "link:" and the link's target, or "file:" and the
// file's content.
type tree map[string]string

// snapshot reads the tree under dir without following symlinks.
func snapshot(t *testing.T, dir string) tree {
	t.Helper()
	got := tree{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "." {
			return nil
		}
		rel = filepath.ToSlash(rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			got[rel] = "link:" + target
		case d.IsDir():
			got[rel] = "dir"
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			got[rel] = "file:" + string(b)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("snapshot %s: %v", dir, err)
	}
	return got
}

// with returns a copy of t changed by changes: a value sets a path, ""
// removes it.
func (tr tree) with(changes tree) tree {
	out := maps.Clone(tr)
	for k, v := range changes {
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// diff describes how got differs from want, or "" when they are equal.
func diff(got, want tree) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if g, ok := got[k]; !ok {
			b.WriteString("  missing " + k + "\n")
		} else if g != want[k] {
			b.WriteString("  " + k + ": " + short(g) + ", want " + short(want[k]) + "\n")
		}
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[k]; !ok {
			b.WriteString("  unexpected " + k + " = " + short(got[k]) + "\n")
		}
	}
	return b.String()
}

func short(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// checkTree fails t unless the tree under dir is want.
func checkTree(t *testing.T, what, dir string, want tree) {
	t.Helper()
	if d := diff(snapshot(t, dir), want); d != "" {
		t.Errorf("%s: tree differs:\n%s", what, d)
	}
}

// writeFiles creates files (content), dirs (a trailing slash) and
// symlinks ("->target") under dir.
func writeFiles(t *testing.T, dir string, spec map[string]string) {
	t.Helper()
	for _, name := range slices.Sorted(maps.Keys(spec)) {
		v := spec[name]
		p := filepath.Join(dir, filepath.FromSlash(name))
		var err error
		switch {
		case strings.HasSuffix(name, "/"):
			err = os.MkdirAll(p, 0o755)
		case strings.HasPrefix(v, "->"):
			if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
				err = os.Symlink(v[2:], p)
			}
		default:
			if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
				err = os.WriteFile(p, []byte(v), 0o644)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// openRoot opens dir as an os.Root closed when the test ends.
func openRoot(t *testing.T, dir string) *os.Root {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	return root
}

// multipartBody returns a multipart/form-data body holding one file part
// per name (filename as given, raw), with content, and its Content-Type.
func multipartBody(files ...[2]string) (io.Reader, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, f := range files {
		// CreateFormFile would escape quotes and backslashes only;
		// write the header by hand so that hostile names go as sent.
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{`form-data; name="file"; filename="` + f[0] + `"`}
		h["Content-Type"] = []string{"application/octet-stream"}
		pw, _ := mw.CreatePart(h)
		pw.Write([]byte(f[1]))
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}

// logBuffer is a slog handler's output that tests can wait on.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *logBuffer) logger() *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }

// waitFor polls cond every 10 ms for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-time.After(10 * time.Millisecond):
		}
	}
}
