package archive

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"

	"github.com/pyhttp/httpserver/internal/encoding"
	"github.com/pyhttp/httpserver/internal/walk"
	"github.com/pyhttp/httpserver/mime"
)

// Format is an archive format.
type Format uint8

const (
	// Zip is a zip archive (application/zip).
	Zip Format = iota + 1
	// Tar is a POSIX tar archive (application/x-tar).
	Tar
	// TarGz is a tar archive compressed with gzip (application/gzip).
	TarGz
)

// ParseFormat returns the Format spelled s: "zip", "tar" or "tar.gz"
// ("tgz" too), exactly, in lower case.
func ParseFormat(s string) (Format, bool) {
	switch s {
	case "zip":
		return Zip, true
	case "tar":
		return Tar, true
	case "tar.gz", "tgz":
		return TarGz, true
	}
	return 0, false
}

// String returns the format's name as ParseFormat reads it: "zip",
// "tar" or "tar.gz".
func (f Format) String() string {
	switch f {
	case Zip:
		return "zip"
	case Tar:
		return "tar"
	case TarGz:
		return "tar.gz"
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// ContentType returns the format's media type.
func (f Format) ContentType() string {
	switch f {
	case Zip:
		return "application/zip"
	case Tar:
		return "application/x-tar"
	case TarGz:
		return "application/gzip"
	}
	return "application/octet-stream"
}

// Default caps, used where [Options] leaves one at zero.
const (
	DefaultMaxEntries = 100_000
	DefaultMaxBytes   = 16 << 30 // 16 GiB of file content
	DefaultMaxDepth   = 32
)

// Options configure [Write] and [Serve]. The zero value archives every
// name below the directory, within the default caps.
type Options struct {
	// Hidden, when not nil, is asked about each fs name; a name it
	// reports is left out, and a directory it reports is not entered.
	// Pass an access.Policy's Hidden. Default: nothing left out.
	Hidden func(name string) bool

	// HideDotfiles leaves out every name that starts with a dot, and
	// what is below such a directory. Default: false.
	HideDotfiles bool

	// MaxEntries caps the files and directories of an archive. Default
	// (0): DefaultMaxEntries, 100,000.
	MaxEntries int

	// MaxBytes caps the bytes of file content (before compression) of
	// an archive. Default (0): DefaultMaxBytes, 16 GiB.
	MaxBytes int64

	// MaxDepth caps how deep below the directory an archive goes: an
	// entry of the directory itself is at depth 1. Default (0):
	// DefaultMaxDepth, 32.
	MaxDepth int

	// Store reports whether a zip entry of the given name is stored
	// rather than deflated. Default: stored when the built-in MIME table
	// (package mime) gives a known type that is not worth compressing:
	// images but SVG, audio, video, archives, PDF, WOFF fonts.
	Store func(name string) bool
}

// LimitError is the error of an archive that reached one of its caps.
type LimitError struct {
	// What is "entries", "bytes" or "depth".
	What string
	// Limit is the cap that was reached.
	Limit int64
}

// Error says which cap was reached: "archive: more than 100000 entries".
func (e *LimitError) Error() string {
	return fmt.Sprintf("archive: more than %d %s", e.Limit, e.What)
}

// defaultTypes is the table behind the default Store: extensions only,
// never the content.
var defaultTypes = sync.OnceValue(func() *mime.Types {
	return mime.New(mime.Options{Strict: true})
})

// storeByName is the default Options.Store.
func storeByName(name string) bool {
	typ, ok := defaultTypes().ByExtension(name)
	return ok && typ != mime.OctetStream && !encoding.Compressible(typ)
}

// normalize fills in opts' defaults.
func (opts *Options) normalize() {
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = DefaultMaxEntries
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = DefaultMaxDepth
	}
	opts.MaxDepth = min(opts.MaxDepth, walk.HardMaxDepth-1)
	if opts.Store == nil {
		opts.Store = storeByName
	}
}

// copyBufs are the buffers file content is copied through: larger than
// io.Copy's 32 KiB, so that fewer, larger writes reach the network.
var copyBufs = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// Write writes the directory dir (an fs name, "." for the root) of fsys
// to w as an archive of format f, entries named relative to dir, as it
// walks it (see the package documentation for what goes in).
//
// It returns nil once the archive is complete. Any error (ctx done, a
// failed write, a cap reached, a file that shrank while it was read)
// ends the walk at once and leaves the archive unfinished, without its
// zip central directory or tar trailer, so that no reader takes it for
// complete. An error reading dir itself is returned before anything is
// written.
func Write(ctx context.Context, w io.Writer, fsys fs.FS, dir string, f Format, opts Options) error {
	opts.normalize()
	if err := walk.CheckDir(fsys, dir); err != nil {
		return &dirError{err}
	}
	var aw archiveWriter
	var gz *gzip.Writer
	switch f {
	case Zip:
		aw = newZipWriter(w, opts.Store)
	case Tar:
		aw = newTarWriter(w)
	case TarGz:
		gz, _ = gzip.NewWriterLevel(w, gzip.BestSpeed) // a valid level cannot fail
		aw = newTarWriter(gz)
	default:
		return errors.New("archive: unknown format " + f.String())
	}
	buf := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(buf)
	var entries int
	var bytes int64
	err := walk.Walk(ctx, fsys, dir, walk.Options{Hidden: opts.Hidden, HideDotfiles: opts.HideDotfiles}, func(e *walk.Entry) error {
		if e.Depth > opts.MaxDepth {
			return &LimitError{What: "levels of directories", Limit: int64(opts.MaxDepth)}
		}
		if entries++; entries > opts.MaxEntries {
			return &LimitError{What: "entries", Limit: int64(opts.MaxEntries)}
		}
		if e.IsDir {
			return aw.dir(e.Rel, dirTime(e))
		}
		return addFile(ctx, aw, fsys, e, *buf, func(size int64) error {
			if bytes += size; bytes > opts.MaxBytes {
				return &LimitError{What: "bytes", Limit: opts.MaxBytes}
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	if err := aw.close(); err != nil {
		return err
	}
	if gz != nil {
		return gz.Close()
	}
	return nil
}

// dirTime is the modification time of a directory entry, when known.
func dirTime(e *walk.Entry) time.Time {
	if e.Info != nil {
		return e.Info.ModTime()
	}
	return time.Time{}
}

// addFile writes the regular file e: its header, from the stat of the
// file it opened, then exactly that many bytes of content. count is told
// the size before anything is written, and may refuse it.
func addFile(ctx context.Context, aw archiveWriter, fsys fs.FS, e *walk.Entry, buf []byte, count func(int64) error) error {
	file, err := fsys.Open(e.Name)
	if err != nil {
		return nil // gone since the directory was read: as if it never was
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return nil // replaced, by a FIFO say, since the directory was read
	}
	size := info.Size()
	if err := count(size); err != nil {
		return err
	}
	dst, err := aw.file(e.Rel, size, info.Mode().Perm(), info.ModTime())
	if err != nil {
		return err
	}
	// Hide the file's WriteTo, so that the copy goes through buf.
	src := &ctxReader{ctx: ctx, r: io.LimitReader(file, size)}
	n, err := io.CopyBuffer(dst, src, buf)
	if err != nil {
		return err
	}
	if n != size {
		return fmt.Errorf("archive: %s shrank from %d to %d bytes while it was read", e.Rel, size, n)
	}
	return nil
}

// ctxReader is r that fails once ctx is done, so that a large file stops
// being read as soon as the client goes.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// archiveWriter is what Write needs of a format.
type archiveWriter interface {
	dir(name string, mtime time.Time) error
	file(name string, size int64, perm fs.FileMode, mtime time.Time) (io.Writer, error)
	close() error
}

// zipWriter writes zip entries, deflated by klauspost/compress at
// BestSpeed unless store says otherwise.
type zipWriter struct {
	zw    *zip.Writer
	store func(string) bool
}

func newZipWriter(w io.Writer, store func(string) bool) *zipWriter {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		if fw, ok := flateWriters.Get().(*flate.Writer); ok {
			fw.Reset(w)
			return pooledFlate{fw}, nil
		}
		fw, err := flate.NewWriter(w, flate.BestSpeed)
		return pooledFlate{fw}, err
	})
	return &zipWriter{zw: zw, store: store}
}

// flateWriters are deflate writers between entries: each holds tables
// of hundreds of KiB, which a new writer per file would make garbage.
var flateWriters sync.Pool

// pooledFlate returns its writer to flateWriters once closed.
type pooledFlate struct{ *flate.Writer }

func (p pooledFlate) Close() error {
	err := p.Writer.Close()
	flateWriters.Put(p.Writer)
	return err
}

func (z *zipWriter) header(name string, mtime time.Time) *zip.FileHeader {
	h := &zip.FileHeader{Name: name, NonUTF8: !utf8.ValidString(name)}
	if !mtime.IsZero() {
		h.Modified = mtime.UTC()
	}
	return h
}

func (z *zipWriter) dir(name string, mtime time.Time) error {
	h := z.header(name+"/", mtime)
	h.SetMode(fs.ModeDir | 0o755)
	_, err := z.zw.CreateHeader(h)
	return err
}

func (z *zipWriter) file(name string, size int64, perm fs.FileMode, mtime time.Time) (io.Writer, error) {
	h := z.header(name, mtime)
	h.SetMode(perm)
	h.UncompressedSize64 = uint64(size) // a hint: zip64 from the start for large files
	h.Method = zip.Deflate
	if size == 0 || z.store(name) {
		h.Method = zip.Store
	}
	return z.zw.CreateHeader(h)
}

func (z *zipWriter) close() error { return z.zw.Close() }

// tarWriter writes tar entries: USTAR, PAX where needed.
type tarWriter struct {
	bw *bufio.Writer // headers are 512-byte writes; content passes through
	tw *tar.Writer
}

func newTarWriter(w io.Writer) *tarWriter {
	bw := bufio.NewWriterSize(w, 64<<10)
	return &tarWriter{bw: bw, tw: tar.NewWriter(bw)}
}

func (t *tarWriter) dir(name string, mtime time.Time) error {
	return t.tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: 0o755, ModTime: mtime.Truncate(time.Second)})
}

func (t *tarWriter) file(name string, size int64, perm fs.FileMode, mtime time.Time) (io.Writer, error) {
	err := t.tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Size: size, Mode: int64(perm), ModTime: mtime.Truncate(time.Second)})
	return t.tw, err
}

func (t *tarWriter) close() error {
	if err := t.tw.Close(); err != nil {
		return err
	}
	return t.bw.Flush()
}

// dirError is Write's error for a directory it cannot read, before
// anything is written.
type dirError struct{ err error }

func (e *dirError) Error() string { return e.err.Error() }
func (e *dirError) Unwrap() error { return e.err }
