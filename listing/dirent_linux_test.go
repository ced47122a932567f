package listing

import (
	"encoding/binary"
	"errors"
	"os"
	"slices"
	"syscall"
	"testing"
)

// direntRecord builds one linux_dirent64 record.
func direntRecord(name string, typ byte) []byte {
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
		buf = append(buf, direntRecord(r.name, r.typ)...)
	}
	var got []string
	err := eachDirent(buf, func(name []byte, typ byte) { got = append(got, string(name)) })
	if want := []string{"a", ".env", "dir", "a-much-longer-name.txt"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("eachDirent = %q, %v; want %q", got, err, want)
	}

	// A record length that is too short or runs past the buffer is the
	// kernel's data gone wrong: an error, never a panic or a loop.
	for _, reclen := range []uint16{0, 1, direntName - 1, 4096} {
		bad := direntRecord("x", 8)
		binary.NativeEndian.PutUint16(bad[direntReclen:], reclen)
		err := eachDirent(bad, func([]byte, byte) {})
		if !errors.Is(err, syscall.EIO) {
			t.Errorf("reclen %d: err = %v; want EIO", reclen, err)
		}
	}
}

// TestReadFastNotADescriptor checks the fallback: a file with no
// descriptor is left to readDir.
func TestReadFastNotADescriptor(t *testing.T) {
	f, err := testFS().Open(".")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := readFast(f, ReadOptions{}, true); err != errNoFastPath {
		t.Errorf("readFast(MapFS file) = %v; want errNoFastPath", err)
	}
}

// TestReadFastNotADirectory checks getdents' own error: it is returned,
// not taken for an empty directory.
func TestReadFastNotADirectory(t *testing.T) {
	f, err := os.Open("listing.go")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := readFast(f, ReadOptions{}, false); !errors.Is(err, syscall.ENOTDIR) {
		t.Errorf("readFast(regular file) = %v; want ENOTDIR", err)
	}
}
