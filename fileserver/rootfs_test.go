package fileserver

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

// nonUTF8 creates dir/name, a file (or a directory when name ends in a
// slash) whose name is not UTF-8, and reports false where the file
// system refuses such names: macOS's APFS answers EILSEQ, and Windows
// names are UTF-16.
func nonUTF8(t *testing.T, dir, name, data string) bool {
	t.Helper()
	p := filepath.Join(dir, name)
	var err error
	if name[len(name)-1] == '/' {
		err = os.Mkdir(p, 0o755)
	} else {
		err = os.WriteFile(p, []byte(data), 0o644)
	}
	if errors.Is(err, syscall.EILSEQ) || errors.Is(err, syscall.EINVAL) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return true
}

// rootFSMethods call each method of RootFS's result on a name.
var rootFSMethods = []struct {
	op   string
	call func(fsys fs.FS, name string) error
}{
	{"Open", func(fsys fs.FS, name string) error {
		f, err := fsys.Open(name)
		if err == nil {
			f.Close()
		}
		return err
	}},
	{"Stat", func(fsys fs.FS, name string) error { _, err := fs.Stat(fsys, name); return err }},
	{"Lstat", func(fsys fs.FS, name string) error { _, err := fs.Lstat(fsys, name); return err }},
	{"ReadLink", func(fsys fs.FS, name string) error { _, err := fs.ReadLink(fsys, name); return err }},
	{"ReadDir", func(fsys fs.FS, name string) error { _, err := fs.ReadDir(fsys, name); return err }},
	{"ReadFile", func(fsys fs.FS, name string) error { _, err := fs.ReadFile(fsys, name); return err }},
}

func TestRootFS(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("s\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	files := []string{"a.txt", "sub"}
	bad := nonUTF8(t, dir, "bad\xff\xfe.txt", "bad\n") && nonUTF8(t, dir, "dir\xfe/", "") && nonUTF8(t, dir, "dir\xfe/x\xff", "x\n")
	if bad {
		// Not "dir\xfe/x\xff": TestFS would then test fs.Sub(fsys,
		// "dir\xfe"), and fs.Sub refuses a name that is not UTF-8. It
		// reads that file anyway, walking the tree.
		files = append(files, "bad\xff\xfe.txt", "dir\xfe")
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	fsys := RootFS(root)
	// TestFS also checks that the bad forms of every name ("/name",
	// "dir//name", "dir/../dir/name"...) fail, names that are not UTF-8
	// included.
	if err := fstest.TestFS(fsys, files...); err != nil {
		t.Fatal(err)
	}
	link := func(target, name string) {
		t.Helper()
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	link(filepath.Join(outside, "secret"), "out")
	link(outside, "out-dir")
	if bad {
		link(filepath.Join(outside, "secret"), "out\xff")
		link(outside, "out-dir\xff")
		link("../"+filepath.Base(outside)+"/secret", "rel\xff")
		link("dir\xfe/x\xff", "in\xfd")
	}

	for _, tt := range []struct {
		name    string
		invalid bool // fails with fs.ErrInvalid
		utf8    bool // a UTF-8 name; else made only where the file system allows
		link    bool // a symlink out: Lstat and ReadLink read the link itself
	}{
		{"out", false, true, true},
		{"out-dir/secret", false, true, false},
		{"../" + filepath.Base(outside) + "/secret", true, true, false},
		{"/etc/passwd", true, true, false},
		{"sub/../../x", true, true, false},
		{"../a.txt", true, true, false},
		{"/a.txt", true, true, false},
		{"./a.txt", true, true, false},
		{"a.txt/.", true, true, false},
		{"sub//a.txt", true, true, false},
		{"", true, true, false},
		{"a\x00b", false, true, false}, // fs.ValidPath allows NUL; the system call refuses it (EINVAL)
		{"out\xff", false, false, true},
		{"out-dir\xff/secret", false, false, false},
		{"rel\xff", false, false, true},
		{"../\xff", true, false, false},
		{"\xff/..", true, false, false},
		{"dir\xfe/../../" + filepath.Base(outside) + "/secret", true, false, false},
		{"dir\xfe/../a.txt", true, false, false},
		{"dir\xfe//x\xff", true, false, false},
		{"./bad\xff\xfe.txt", true, false, false},
		{"/bad\xff\xfe.txt", true, false, false},
		{"bad\xff\xfe.txt/", true, false, false},
		{"\xed\xb3\xbf\xed\xb3\xbe", false, false, false}, // CPython's link for bad\xff\xfe: another name
	} {
		if !tt.utf8 && !bad {
			continue
		}
		for _, m := range rootFSMethods {
			if tt.link && (m.op == "Lstat" || m.op == "ReadLink") {
				continue
			}
			err := m.call(fsys, tt.name)
			if err == nil {
				t.Errorf("%s(%q) succeeded; want an error", m.op, tt.name)
				continue
			}
			if got := errors.Is(err, fs.ErrInvalid); got != tt.invalid {
				t.Errorf("%s(%q) = %v; want ErrInvalid %v", m.op, tt.name, err, tt.invalid)
			}
			// A UTF-8 name fails as it fails with root.FS().
			if tt.utf8 {
				if std := m.call(root.FS(), tt.name); std == nil || errors.Is(std, fs.ErrInvalid) != errors.Is(err, fs.ErrInvalid) {
					t.Errorf("%s(%q) = %v; root.FS() says %v", m.op, tt.name, err, std)
				}
			}
		}
	}

	if !bad {
		t.Skip("this file system refuses names that are not UTF-8 (as macOS APFS and Windows do); the rest needs them")
	}
	for _, tt := range []struct{ name, want string }{
		{"bad\xff\xfe.txt", "bad\n"},
		{"dir\xfe/x\xff", "x\n"},
		{"in\xfd", "x\n"}, // a symlink inside the root, both names not UTF-8
	} {
		if got, err := fs.ReadFile(fsys, tt.name); err != nil || string(got) != tt.want {
			t.Errorf("ReadFile(%q) = %q, %v; want %q", tt.name, got, err, tt.want)
		}
		if fi, err := fs.Stat(fsys, tt.name); err != nil || !fi.Mode().IsRegular() {
			t.Errorf("Stat(%q) = %v, %v; want a regular file", tt.name, fi, err)
		}
	}
	if target, err := fs.ReadLink(fsys, "in\xfd"); err != nil || target != "dir\xfe/x\xff" {
		t.Errorf("ReadLink(%q) = %q, %v; want %q", "in\xfd", target, err, "dir\xfe/x\xff")
	}
	if fi, err := fs.Lstat(fsys, "in\xfd"); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Lstat(%q) = %v, %v; want a symlink", "in\xfd", fi, err)
	}
	if des, err := fs.ReadDir(fsys, "dir\xfe"); err != nil || len(des) != 1 || des[0].Name() != "x\xff" {
		t.Errorf("ReadDir(%q) = %v, %v; want [x\\xff]", "dir\xfe", des, err)
	}
}

// TestRootFSFIFODoesNotBlock is the file swapped for a FIFO between the
// handler's stat and its open: the open returns at once and the FIFO
// reads as empty, where a blocking open would wait for a writer forever.
func TestRootFSFIFODoesNotBlock(t *testing.T) {
	dir := t.TempDir()
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs")
	}
	mkfifo(t, filepath.Join(dir, "fifo"))
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	done := make(chan error, 1)
	go func() {
		f, err := RootFS(root).Open("fifo")
		if err == nil {
			_, err = io.ReadAll(f)
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("open and read of a FIFO: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("opening a FIFO blocked")
	}
}
