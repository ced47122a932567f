package fileserver

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// TestSizedFileActsAsTheFile runs the same random seeks and reads on a
// sizedFile and on a plain *os.File, and checks every result agrees,
// including after the descriptor was handed out (as to sendfile) and read
// from behind the wrapper's back.
func TestSizedFileActsAsTheFile(t *testing.T) {
	data := make([]byte, 100_000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		plain, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		s := &sizedFile{f: f, sc: f, size: int64(len(data))}
		for step := range 40 {
			switch rng.IntN(4) {
			case 0:
				off, whence := rng.Int64N(120_000)-10_000, rng.IntN(3)
				w1, e1 := plain.Seek(off, whence)
				w2, e2 := s.Seek(off, whence)
				if (e1 == nil) != (e2 == nil) || e1 == nil && w1 != w2 {
					t.Fatalf("round %d step %d: Seek(%d, %d) = %d, %v; the file says %d, %v", round, step, off, whence, w2, e2, w1, e1)
				}
			case 1, 2:
				n := rng.IntN(5000)
				b1, b2 := make([]byte, n), make([]byte, n)
				n1, e1 := io.ReadFull(plain, b1)
				n2, e2 := io.ReadFull(s, b2)
				if n1 != n2 || e1 != e2 || !bytes.Equal(b1[:n1], b2[:n2]) {
					t.Fatalf("round %d step %d: ReadFull(%d) = %d, %v; the file says %d, %v", round, step, n, n2, e2, n1, e1)
				}
			case 3:
				// What sendfile does: read from the descriptor's offset.
				// The caller then seeks before reading again.
				if _, err := s.SyscallConn(); err != nil {
					t.Fatal(err)
				}
				f.Read(make([]byte, 100))
				off := rng.Int64N(int64(len(data)))
				plain.Seek(off, io.SeekStart)
				s.Seek(off, io.SeekStart)
			}
		}
		plain.Close()
		f.Close()
	}
}
