package encoding

import (
	"bytes"
	"fmt"
	"go/build"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// corpora are the inputs the levels were chosen on: 100 KiB of source
// text (net/http's server.go, as a stand-in for a JavaScript bundle) and
// the HTML of a 10,000-entry directory listing.
func corpora(b *testing.B) []struct {
	name string
	data []byte
} {
	src, err := os.ReadFile(filepath.Join(build.Default.GOROOT, "src", "net", "http", "server.go"))
	if err != nil || len(src) < 100<<10 {
		b.Skip("no GOROOT source to compress")
	}
	var page bytes.Buffer
	page.WriteString("<!DOCTYPE html>\n<html><body><table>\n")
	for i := range 10000 {
		fmt.Fprintf(&page, "<tr><td><a href=\"file-%05d.txt\">file-%05d.txt</a></td><td>%d</td><td>2026-01-%02d %02d:%02d</td></tr>\n",
			i, i, i*37%100000, 1+i%28, i%24, i%60)
	}
	page.WriteString("</table></body></html>\n")
	return []struct {
		name string
		data []byte
	}{{"text100k", src[:100<<10]}, {"listing10k", page.Bytes()}}
}

// writeChunks writes data to w 32 KiB at a time, as io.Copy and
// middleware.Compress's ReadFrom hand a body over: brotli's fastest
// levels compress each Write on its own, so one Write of everything
// would flatter them.
func writeChunks(w io.Writer, data []byte) {
	for len(data) > 0 {
		n := min(len(data), 32<<10)
		w.Write(data[:n])
		data = data[n:]
	}
}

// BenchmarkEncoder measures the streaming encoders at the levels chosen.
func BenchmarkEncoder(b *testing.B) {
	for _, c := range corpora(b) {
		for _, coding := range all {
			b.Run(c.name+"/"+coding, func(b *testing.B) {
				var out bytes.Buffer
				b.ReportAllocs()
				b.SetBytes(int64(len(c.data)))
				for b.Loop() {
					out.Reset()
					e := NewEncoder(coding, &out)
					writeChunks(e, c.data)
					if err := e.Close(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(100*float64(out.Len())/float64(len(c.data)), "%size")
			})
		}
	}
}

// BenchmarkEncode measures the whole-buffer encoders at the levels chosen.
func BenchmarkEncode(b *testing.B) {
	for _, c := range corpora(b) {
		for _, coding := range all {
			b.Run(c.name+"/"+coding, func(b *testing.B) {
				var out []byte
				b.ReportAllocs()
				b.SetBytes(int64(len(c.data)))
				for b.Loop() {
					var err error
					if out, err = Encode(coding, c.data); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(100*float64(len(out))/float64(len(c.data)), "%size")
			})
		}
	}
}

// BenchmarkLevels is the survey the levels were chosen from: each
// library's levels on the corpora, reporting speed and size.
func BenchmarkLevels(b *testing.B) {
	type resetter interface {
		io.WriteCloser
		Reset(io.Writer)
	}
	var levels []struct {
		name string
		w    resetter
	}
	add := func(name string, w resetter) {
		levels = append(levels, struct {
			name string
			w    resetter
		}{name, w})
	}
	for _, q := range []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11} {
		add(fmt.Sprintf("br%d", q), brotli.NewWriterOptions(nil, brotli.WriterOptions{Quality: q, LGWin: streamBrotliLGWin}))
	}
	for _, l := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9} {
		w, _ := gzip.NewWriterLevel(nil, l)
		add(fmt.Sprintf("gzip%d", l), w)
	}
	for _, l := range []zstd.EncoderLevel{zstd.SpeedFastest, zstd.SpeedDefault, zstd.SpeedBetterCompression, zstd.SpeedBestCompression} {
		w, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(l), zstd.WithEncoderConcurrency(1), zstd.WithLowerEncoderMem(true), zstd.WithWindowSize(streamZstdWindow))
		add(fmt.Sprintf("zstd-%s", l), w)
	}
	for _, c := range corpora(b) {
		for _, l := range levels {
			if l.name == "br11" && c.name == "listing10k" {
				continue // seconds per run
			}
			b.Run(c.name+"/"+l.name, func(b *testing.B) {
				var out bytes.Buffer
				b.SetBytes(int64(len(c.data)))
				for b.Loop() {
					out.Reset()
					l.w.Reset(&out)
					writeChunks(l.w, c.data)
					if err := l.w.Close(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(100*float64(out.Len())/float64(len(c.data)), "%size")
			})
		}
	}
}
