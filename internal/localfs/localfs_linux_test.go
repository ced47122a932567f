package localfs

import (
	"os"
	"testing"
)

func TestTrusted(t *testing.T) {
	d, err := os.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	// The test's temporary directory is on a local file system here;
	// /proc is not one whose files change through writes.
	if !Trusted(int(d.Fd())) {
		t.Skip("TMPDIR is not on a local file system this package trusts")
	}
	p, err := os.Open("/proc/self")
	if err != nil {
		t.Skip(err)
	}
	defer p.Close()
	if Trusted(int(p.Fd())) {
		t.Error("Trusted(/proc/self) = true")
	}
	if Trusted(-1) {
		t.Error("Trusted(-1) = true")
	}
}
