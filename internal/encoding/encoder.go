package encoding

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// The levels are chosen in bench/README.md ("Compression levels").
const (
	// Streaming: fast levels, for bytes compressed as they are sent.
	streamBrotliQuality = 2
	streamBrotliLGWin   = 18 // 256 KiB of history
	streamGzipLevel     = 4
	streamZstdLevel     = zstd.SpeedDefault

	// Whole buffers, compressed once and sent many times.
	bufferBrotliQuality = 8
	bufferGzipLevel     = 8
	bufferZstdLevel     = zstd.SpeedBestCompression

	// The largest history a zstd stream may refer to: RFC 9659 §3 allows
	// no more than 8 MiB for the "zstd" content coding, and a smaller one
	// keeps a pooled streaming encoder small.
	streamZstdWindow = 1 << 20
	bufferZstdWindow = 8 << 20
)

// streamWriter is what the three libraries' streaming encoders share.
type streamWriter interface {
	io.WriteCloser
	Flush() error
	Reset(io.Writer)
}

// An Encoder compresses a stream, at a fast level, into the writer it was
// made for by [NewEncoder]. Its encoder state comes from a pool, and
// [Encoder.Close] returns it there. An Encoder is not safe for concurrent
// use.
type Encoder struct {
	coding string
	w      streamWriter // nil once closed
	pool   *sync.Pool
}

// Pools of streaming encoders, one per coding. Their encoders hold large
// tables (brotli's and zstd's most), which a pool spares each response.
var (
	brotliStreams = sync.Pool{New: newBrotli(streamBrotliQuality, streamBrotliLGWin)}
	gzipStreams   = sync.Pool{New: newGzip(streamGzipLevel)}
	zstdStreams   = sync.Pool{New: newZstd(streamZstdLevel, streamZstdWindow, true)}
)

// newBrotli, newGzip and newZstd return the New functions of the pools.
// lgwin 0 is brotli's default for the quality.
func newBrotli(quality, lgwin int) func() any {
	return func() any {
		return brotli.NewWriterOptions(nil, brotli.WriterOptions{Quality: quality, LGWin: lgwin})
	}
}

func newGzip(level int) func() any {
	return func() any {
		w, _ := gzip.NewWriterLevel(nil, level) // the levels above are valid
		return w
	}
}

func newZstd(level zstd.EncoderLevel, window int, lowMem bool) func() any {
	return func() any {
		w, _ := zstd.NewWriter(nil, // the options above are valid
			zstd.WithEncoderLevel(level),
			zstd.WithEncoderConcurrency(1), // no goroutines of its own
			zstd.WithLowerEncoderMem(lowMem),
			zstd.WithWindowSize(window),
			zstd.WithZeroFrames(true)) // an empty body is still a valid frame
		return w
	}
}

func streamPool(coding string) *sync.Pool {
	switch coding {
	case Brotli:
		return &brotliStreams
	case Zstd:
		return &zstdStreams
	case Gzip:
		return &gzipStreams
	}
	return nil
}

// NewEncoder returns an Encoder that writes w's bytes compressed with
// coding ([Brotli], [Zstd] or [Gzip]), or nil for any other coding. The
// caller must call Close to finish the stream.
func NewEncoder(coding string, w io.Writer) *Encoder {
	pool := streamPool(coding)
	if pool == nil {
		return nil
	}
	sw := pool.Get().(streamWriter)
	sw.Reset(w)
	return &Encoder{coding: coding, w: sw, pool: pool}
}

// errClosed is returned by an Encoder used after Close.
var errClosed = errors.New("encoding: Encoder is closed")

// Coding returns the content coding e writes.
func (e *Encoder) Coding() string { return e.coding }

// Write compresses p. The compressed bytes may stay buffered in e until
// Flush or Close.
func (e *Encoder) Write(p []byte) (int, error) {
	if e.w == nil {
		return 0, errClosed
	}
	return e.w.Write(p)
}

// Flush writes out the compressed form of everything written so far, so
// that a client can decode it all now; the stream goes on. It costs some
// compression, so call it only when the bytes must leave.
func (e *Encoder) Flush() error {
	if e.w == nil {
		return errClosed
	}
	return e.w.Flush()
}

// Close finishes the stream, writing what is buffered and the stream's
// end, and returns e's encoder state to its pool. e cannot be used
// afterwards, and a second Close returns an error. An Encoder that is
// dropped without Close (after a panic, say) is simply garbage collected.
func (e *Encoder) Close() error {
	if e.w == nil {
		return errClosed
	}
	err := e.w.Close()
	e.w.Reset(nil) // drop the destination
	e.pool.Put(e.w)
	e.w = nil
	return err
}

// Pools of whole-buffer encoders, which are slower and keep more state.
var (
	brotliBuffers = sync.Pool{New: newBrotli(bufferBrotliQuality, 0)}
	gzipBuffers   = sync.Pool{New: newGzip(bufferGzipLevel)}
	zstdBuffers   = sync.Pool{New: newZstd(bufferZstdLevel, bufferZstdWindow, false)}
	scratch       = sync.Pool{New: func() any { return new(bytes.Buffer) }}
)

// Encode returns src compressed with coding ([Brotli], [Zstd] or [Gzip])
// as one complete stream, the whole body of a response with that
// Content-Encoding. It is meant for bytes that are compressed once and
// sent many times, such as a file kept in a cache: its levels save more
// than [NewEncoder]'s and take several times longer (bench/README.md has
// the figures; count on tens of milliseconds per MiB of text, so call it
// where a client can wait that long once, or ahead of time). The result
// is a new slice, which the caller owns and may keep; src is not kept.
// Encode is safe for concurrent use, and its error is non-nil only for a
// coding it does not know.
//
// Whether compressing is worth it is the caller's call: compare the
// result's length with len(src), and see [Compressible].
func Encode(coding string, src []byte) ([]byte, error) {
	var pool *sync.Pool
	switch coding {
	case Brotli:
		pool = &brotliBuffers
	case Gzip:
		pool = &gzipBuffers
	case Zstd:
		pool = &zstdBuffers
	default:
		return nil, fmt.Errorf("encoding: cannot encode %q", coding)
	}
	b := scratch.Get().(*bytes.Buffer)
	defer putScratch(b)
	b.Reset()
	if coding == Zstd {
		enc := pool.Get().(*zstd.Encoder)
		defer pool.Put(enc)
		out := enc.EncodeAll(src, b.AvailableBuffer())
		b.Write(out) // keeps the grown buffer for the next call; a copy of a compressed, smaller slice
		return bytes.Clone(b.Bytes()), nil
	}
	w := pool.Get().(streamWriter)
	defer pool.Put(w)
	w.Reset(b)
	// Neither a bytes.Buffer nor these encoders fail to write.
	w.Write(src)
	w.Close()
	w.Reset(nil)
	return bytes.Clone(b.Bytes()), nil
}

// putScratch returns b to its pool unless one large input made it grow
// past 8 MiB: the pool should not pin that much memory.
func putScratch(b *bytes.Buffer) {
	if b.Cap() <= 8<<20 {
		scratch.Put(b)
	}
}
