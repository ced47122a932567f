package walk

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func collect(t *testing.T, ctx context.Context, fsys fs.FS, dir string, opts Options, fn func(*Entry) error) ([]string, error) {
	t.Helper()
	var got []string
	err := Walk(ctx, fsys, dir, opts, func(e *Entry) error {
		n := e.Rel
		if e.IsDir {
			n += "/"
		}
		got = append(got, n)
		if fn != nil {
			return fn(e)
		}
		return nil
	})
	return got, err
}

func TestWalk(t *testing.T) {
	fsys := fstest.MapFS{
		"top/b.txt":         {},
		"top/a/x.txt":       {},
		"top/a/.dot/y.txt":  {},
		"top/skip/z.txt":    {},
		"top/hidden/h.txt":  {},
		"top/dev":           {Mode: fs.ModeDevice},
		"top/pipe":          {Mode: fs.ModeNamedPipe},
		"outside/never.txt": {},
	}
	got, err := collect(t, context.Background(), fsys, "top", Options{
		HideDotfiles: true,
		Hidden:       func(n string) bool { return n == "top/hidden" },
	}, func(e *Entry) error {
		if e.Rel == "skip" {
			return SkipDir
		}
		if e.Name != "top/"+e.Rel || e.Depth != strings.Count(e.Rel, "/")+1 {
			t.Errorf("entry %+v: Name, Rel and Depth disagree", e)
		}
		return nil
	})
	want := []string{"a/", "a/x.txt", "b.txt", "skip/"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("Walk = %q, %v; want %q", got, err, want)
	}
}

// TestWalkDepthFallback checks the depth bound that ends a walk where
// directories have no identity to compare (a MapFS has none).
func TestWalkDepthFallback(t *testing.T) {
	fsys := fstest.MapFS{strings.Repeat("d/", HardMaxDepth+5) + "f": {}}
	_, err := collect(t, context.Background(), fsys, ".", Options{}, nil)
	if !errors.Is(err, ErrTooDeep) {
		t.Errorf("Walk of %d levels = %v; want ErrTooDeep", HardMaxDepth+5, err)
	}
}

func TestWalkStops(t *testing.T) {
	fsys := fstest.MapFS{"a/b": {}, "c": {}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := collect(t, ctx, fsys, ".", Options{}, nil); err != context.Canceled {
		t.Errorf("Walk with a cancelled context = %v", err)
	}
	stop := errors.New("stop")
	got, err := collect(t, context.Background(), fsys, ".", Options{}, func(*Entry) error { return stop })
	if err != stop || len(got) != 1 {
		t.Errorf("Walk whose callback fails = %q, %v", got, err)
	}
	if _, err := collect(t, context.Background(), fsys, "c", Options{}, nil); err == nil {
		t.Error("Walk of a file: no error")
	}
}
