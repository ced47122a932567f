package listing

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

// dirent builds one linux_dirent64 record.
func dirent(name string, typ byte) []byte {
	reclen := (direntName + len(name) + 1 + 7) &^ 7
	rec := make([]byte, reclen)
	binary.NativeEndian.PutUint16(rec[direntReclen:], uint16(reclen))
	rec[direntType] = typ
	copy(rec[direntName:], name)
	return rec
}

func TestEachDirent(t *testing.T) {
	var buf []byte
	for _, r := range []struct {
		name string
		typ  byte
	}{{".", 4}, {"..", 4}, {"a", 8}, {".env", 8}, {"dir", 4}, {"a-much-longer-name.txt", 10}} {
		buf = append(buf, dirent(r.name, r.typ)...)
	}
	var got []string
	err := eachDirent(buf, func(name []byte, typ byte) { got = append(got, string(name)) })
	if want := []string{"a", ".env", "dir", "a-much-longer-name.txt"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("eachDirent = %q, %v; want %q", got, err, want)
	}

	// A record length that is too short or runs past the buffer is the
	// kernel's data gone wrong: an error, never a panic or a loop.
	for _, reclen := range []uint16{0, 1, direntName - 1, 4096} {
		bad := dirent("x", 8)
		binary.NativeEndian.PutUint16(bad[direntReclen:], reclen)
		err := eachDirent(bad, func([]byte, byte) {})
		if !errors.Is(err, syscall.EIO) {
			t.Errorf("reclen %d: err = %v; want EIO", reclen, err)
		}
	}
}

// TestReadOpenNotADescriptor checks the fallback: a file with no
// descriptor is left to fs.ReadDir.
func TestReadOpenNotADescriptor(t *testing.T) {
	f, err := testFS().Open(".")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := readOpen(f, nil, ".", true, ReadOptions{}, nil); err != errNoFastPath {
		t.Errorf("readOpen(MapFS file) = %v; want errNoFastPath", err)
	}
}

// TestReadOpenNotADirectory checks getdents' own error: it is returned,
// not taken for an empty directory.
func TestReadOpenNotADirectory(t *testing.T) {
	f, err := os.Open("listing.go")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := readOpen(f, nil, ".", false, ReadOptions{}, nil); !errors.Is(err, syscall.ENOTDIR) {
		t.Errorf("readOpen(regular file) = %v; want ENOTDIR", err)
	}
}

// plainFS hides the *os.File under an fs.FS, so that read takes the
// generic fs.ReadDir path instead of getdents.
type plainFS struct{ fs.FS }

func (p plainFS) Open(name string) (fs.File, error) {
	f, err := p.FS.Open(name)
	if err != nil {
		return nil, err
	}
	return struct{ fs.ReadDirFile }{f.(fs.ReadDirFile)}, nil
}

// fastPathTree builds buildTree's tree with a dotfile and a FIFO added.
func fastPathTree(t *testing.T) string {
	t.Helper()
	root, _, _ := buildTree(t)
	if err := os.WriteFile(filepath.Join(root, ".hidden"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(root, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

// TestReadFastPath checks that reading a real directory with getdents
// and fstatat gives what fs.ReadDir gives, for every kind of entry and
// every way of reading.
func TestReadFastPath(t *testing.T) {
	root := fastPathTree(t)
	r, err := os.OpenRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, withInfo := range []bool{false, true} {
		for _, rc := range readCases {
			checkFastPath(t, r, rc, withInfo, nil)
		}
	}
}

// readCases are the ways TestReadFastPath reads a directory.
var readCases = []readCase{{}, {ReadOptions{HideDotfiles: true}, Order{DirsFirst: true}}}

type readCase struct {
	opts  ReadOptions
	order Order
}

// readIn reads the directory "." of fsys with c and puts it in rc's
// order, as ServeDir does.
func readIn(t *testing.T, fsys fs.FS, rc readCase, withInfo bool, c *dirCache) *Listing {
	t.Helper()
	l, sorted, err := read(fsys, ".", rc.opts, withInfo, false, c)
	if err != nil {
		t.Fatal(err)
	}
	if !sorted || rc.order != (Order{}) {
		l.Sort(rc.order)
	}
	return l
}

// checkFastPath compares read through r, with c, with a read through
// fs.ReadDir.
func checkFastPath(t *testing.T, r *os.Root, rc readCase, withInfo bool, c *dirCache) {
	t.Helper()
	fast := readIn(t, r.FS(), rc, withInfo, c)
	slow := readIn(t, plainFS{r.FS()}, rc, withInfo, nil)
	if len(fast.Entries) < 10 {
		t.Fatalf("read: %d entries; want the whole tree", len(fast.Entries))
	}
	if !slices.EqualFunc(fast.Entries, slow.Entries, func(a, b Entry) bool {
		return a.Name == b.Name && a.IsDir == b.IsDir && a.IsSymlink == b.IsSymlink &&
			a.Size == b.Size && a.ModTime.Equal(b.ModTime)
	}) || !fast.ModTime.Equal(slow.ModTime) {
		t.Errorf("read(withInfo %v, %+v, cache %v):\ngetdents:   %+v\nfs.ReadDir: %+v", withInfo, rc, c != nil, fast.Entries, slow.Entries)
	}
}

// TestReadLstat: ReadOptions.Lstat answers for the entries it knows, by
// their fs names; the others are stat'ed as usual.
func TestReadLstat(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{"sub/known.txt": "abc", "sub/other.txt": "abcdef"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	known, err := os.Stat(filepath.Join(dir, "sub", "other.txt")) // 6 bytes, under another name
	if err != nil {
		t.Fatal(err)
	}
	var asked []string
	opts := ReadOptions{Lstat: func(name string) (fs.FileInfo, bool) {
		asked = append(asked, name)
		return known, name == "sub/known.txt"
	}}
	l, err := Read(os.DirFS(dir), "sub", opts)
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[string]int64{}
	for _, e := range l.Entries {
		sizes[e.Name] = e.Size
	}
	if sizes["known.txt"] != 6 || sizes["other.txt"] != 6 {
		t.Errorf("sizes %v; want known.txt from Lstat (6) and other.txt stat'ed (6)", sizes)
	}
	if !slices.Equal(asked, []string{"sub/known.txt", "sub/other.txt"}) {
		t.Errorf("Lstat asked for %q", asked)
	}
}
