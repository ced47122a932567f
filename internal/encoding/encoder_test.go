package encoding

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// decode returns b decoded from coding, as a client would.
func decode(t testing.TB, coding string, b []byte) []byte {
	t.Helper()
	var r io.Reader
	switch coding {
	case Brotli:
		r = brotli.NewReader(bytes.NewReader(b))
	case Gzip:
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		r = zr
	case Zstd:
		zr, err := zstd.NewReader(bytes.NewReader(b), zstd.WithDecoderMaxWindow(8<<20))
		if err != nil {
			t.Fatalf("zstd: %v", err)
		}
		defer zr.Close()
		r = zr
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decoding %s: %v", coding, err)
	}
	return out
}

// text is this package's own source: real text, several KiB of it.
func text(t testing.TB) []byte {
	var b []byte
	for _, name := range []string{"negotiate.go", "etag.go", "encoder.go", "compressible.go"} {
		s, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		b = append(b, s...)
	}
	return b
}

func TestEncoderRoundTrip(t *testing.T) {
	src := text(t)
	for _, coding := range all {
		for _, size := range []int{0, 1, 100, len(src)} {
			// Twice: the second encoder comes from the pool.
			for range 2 {
				var b bytes.Buffer
				e := NewEncoder(coding, &b)
				if e.Coding() != coding {
					t.Errorf("Coding() = %q; want %q", e.Coding(), coding)
				}
				for p := src[:size]; len(p) > 0; {
					n := min(len(p), 777)
					if k, err := e.Write(p[:n]); k != n || err != nil {
						t.Fatalf("%s: Write = %d, %v", coding, k, err)
					}
					p = p[n:]
				}
				if err := e.Close(); err != nil {
					t.Fatalf("%s: Close: %v", coding, err)
				}
				if b.Len() == 0 {
					t.Errorf("%s of %d bytes: empty stream; want a valid one", coding, size)
				}
				if got := decode(t, coding, b.Bytes()); !bytes.Equal(got, src[:size]) {
					t.Errorf("%s of %d bytes: decoded %d bytes that differ", coding, size, len(got))
				}
				if size == len(src) && b.Len() >= size/2 {
					t.Errorf("%s: %d bytes of text became %d", coding, size, b.Len())
				}
			}
		}
	}
}

// TestEncoderFlush checks that after Flush a client can decode every
// byte written so far: what a streaming response relies on.
func TestEncoderFlush(t *testing.T) {
	for _, coding := range all {
		pr, pw := io.Pipe()
		e := NewEncoder(coding, pw)
		var r io.Reader
		ready := make(chan struct{})
		go func() {
			switch coding {
			case Brotli:
				r = brotli.NewReader(pr)
			case Gzip:
				r, _ = gzip.NewReader(pr) // reads the header, which Flush writes
			case Zstd:
				r, _ = zstd.NewReader(pr)
			}
			close(ready)
		}()
		for i := range 3 {
			msg := fmt.Sprintf("event %d\n", i)
			done := make(chan error, 1)
			go func() {
				if _, err := e.Write([]byte(msg)); err != nil {
					done <- err
					return
				}
				done <- e.Flush()
			}()
			if i == 0 {
				<-ready
			}
			buf := make([]byte, len(msg))
			if _, err := io.ReadFull(r, buf); err != nil || string(buf) != msg {
				t.Fatalf("%s: after Flush read %q, %v; want %q", coding, buf, err, msg)
			}
			if err := <-done; err != nil {
				t.Fatalf("%s: %v", coding, err)
			}
		}
		go io.Copy(io.Discard, pr)
		if err := e.Close(); err != nil {
			t.Errorf("%s: Close: %v", coding, err)
		}
		pw.Close()
	}
}

func TestEncoderMisuse(t *testing.T) {
	for _, c := range []string{Identity, "", "deflate", "GZIP", "x-gzip"} {
		if e := NewEncoder(c, io.Discard); e != nil {
			t.Errorf("NewEncoder(%q) = %v; want nil", c, e)
		}
	}
	e := NewEncoder(Gzip, io.Discard)
	e.Close()
	if _, err := e.Write([]byte("x")); err == nil {
		t.Error("Write after Close succeeded")
	}
	if e.Flush() == nil || e.Close() == nil {
		t.Error("Flush or Close after Close succeeded")
	}
}

func TestEncode(t *testing.T) {
	src := text(t)
	for _, coding := range all {
		for _, in := range [][]byte{nil, []byte("a"), src} {
			out, err := Encode(coding, in)
			if err != nil {
				t.Fatalf("Encode(%s): %v", coding, err)
			}
			if got := decode(t, coding, out); !bytes.Equal(got, in) {
				t.Errorf("Encode(%s, %d bytes) decodes to %d bytes that differ", coding, len(in), len(got))
			}
		}
		// The whole-buffer level saves at least what streaming does.
		var b bytes.Buffer
		e := NewEncoder(coding, &b)
		e.Write(src)
		e.Close()
		if out, _ := Encode(coding, src); len(out) > b.Len() {
			t.Errorf("Encode(%s) = %d bytes; streaming made %d", coding, len(out), b.Len())
		}
	}
	if _, err := Encode("deflate", src); err == nil {
		t.Error(`Encode("deflate") succeeded`)
	}
}

// TestEncodeZstdWindow checks RFC 9659: a "zstd" response needs no
// window larger than 8 MiB to decode, whatever the input's size.
func TestEncodeZstdWindow(t *testing.T) {
	big := bytes.Repeat(text(t), (9<<20)/len(text(t))+1)
	out, err := Encode(Zstd, big)
	if err != nil {
		t.Fatal(err)
	}
	var h zstd.Header
	if err := h.Decode(out); err != nil {
		t.Fatal(err)
	}
	if h.WindowSize > 8<<20 {
		t.Errorf("Encode(zstd, 9 MiB): window %d; want at most 8 MiB", h.WindowSize)
	}
	if got := decode(t, Zstd, out); !bytes.Equal(got, big) {
		t.Error("Encode(zstd, 9 MiB) does not decode to its input")
	}
	var b bytes.Buffer
	e := NewEncoder(Zstd, &b)
	e.Write(big)
	e.Close()
	if err := h.Decode(b.Bytes()); err != nil || h.WindowSize > 8<<20 {
		t.Errorf("streaming zstd: window %d, %v; want at most 8 MiB", h.WindowSize, err)
	}
}

func TestEncodeConcurrent(t *testing.T) {
	src := text(t)
	outs := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range outs {
		wg.Go(func() { outs[i], _ = Encode(all[i%len(all)], src) })
	}
	wg.Wait()
	for i, out := range outs {
		if coding := all[i%len(all)]; !bytes.Equal(decode(t, coding, out), src) {
			t.Errorf("Encode(%s) in parallel: output does not decode to the input", coding)
		}
	}
}
