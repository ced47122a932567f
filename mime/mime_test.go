package mime

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestTypeOfByExtension(t *testing.T) {
	types := New(Options{})
	for _, tt := range []struct{ name, want string }{
		{"index.html", "text/html; charset=utf-8"},
		{"INDEX.HTM", "text/html; charset=utf-8"},
		{"app.js", "text/javascript; charset=utf-8"},
		{"mod.mjs", "text/javascript; charset=utf-8"},
		{"mod.cjs", "text/javascript; charset=utf-8"},
		{"style.CSS", "text/css; charset=utf-8"},
		{"data.json", "application/json"},
		{"app.js.map", "application/json"},
		{"main.wasm", "application/wasm"},
		{"logo.svg", "image/svg+xml"},
		{"photo.JPG", "image/jpeg"},
		{"a.avif", "image/avif"},
		{"font.woff2", "font/woff2"},
		{"song.flac", "audio/flac"},
		{"clip.mov", "video/quicktime"},
		{"doc.pdf", "application/pdf"},
		{"notes.md", "text/markdown; charset=utf-8"},
		{"table.tsv", "text/tab-separated-values; charset=utf-8"},
		{"feed.xml", "text/xml; charset=utf-8"},
		// Python's extensions_map overrides.
		{"backup.tar.gz", "application/gzip"},
		{"old.Z", "application/octet-stream"},
		{"x.bz2", "application/x-bzip2"},
		{"x.xz", "application/x-xz"},
		{"x.zst", "application/zstd"},
		{"x.7z", "application/x-7z-compressed"},
		// Source code is text.
		{"server.py", "text/plain; charset=utf-8"},
		{"main.go", "text/plain; charset=utf-8"},
		{"run.sh", "text/plain; charset=utf-8"},
	} {
		got, err := types.TypeOf(tt.name, strings.NewReader("ignored"))
		if err != nil || got != tt.want {
			t.Errorf("TypeOf(%q) = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestSniffUnknownExtension(t *testing.T) {
	types := New(Options{})
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	for _, tt := range []struct {
		name    string
		content []byte
		want    string
	}{
		{"README", []byte("just some words\n"), PlainText},
		{"image", png, "image/png"},
		{"page", []byte("<!DOCTYPE html><html><script>alert(1)</script>"), PlainText},
		{"upload.dat", []byte("<html><body onload=x()>"), PlainText},
		{"drawing", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>`), PlainText},
		{"feed", []byte(`<?xml version="1.0"?><rss version="2.0"></rss>`), PlainText},
		{"blob", []byte{0, 1, 2, 3, 0xff, 0xfe, 0}, OctetStream},
		{"empty", nil, PlainText},
		{"archive", []byte("PK\x03\x04\x14\x00\x00\x00"), "application/zip"},
	} {
		r := bytes.NewReader(tt.content)
		got, err := types.TypeOf(tt.name, r)
		if err != nil || got != tt.want {
			t.Errorf("TypeOf(%q) = %q, %v; want %q", tt.name, got, err, tt.want)
		}
		if pos, _ := r.Seek(0, io.SeekCurrent); pos != 0 {
			t.Errorf("TypeOf(%q) left the reader at %d; want 0", tt.name, pos)
		}
	}
}

func TestStrictAndOverrides(t *testing.T) {
	strict := New(Options{Strict: true})
	if got, _ := strict.TypeOf("README", strings.NewReader("text")); got != OctetStream {
		t.Errorf("strict TypeOf(README) = %q; want %q", got, OctetStream)
	}
	if got, _ := strict.TypeOf("a.html", nil); got != "text/html; charset=utf-8" {
		t.Errorf("strict TypeOf(a.html) = %q; the table still applies", got)
	}

	custom := New(Options{Overrides: map[string]string{
		".LOG": "text/x-log",
		".js":  "application/javascript",
		"":     "application/x-unknown",
	}})
	for name, want := range map[string]string{
		"a.log":   "text/x-log",
		"a.LoG":   "text/x-log",
		"a.js":    "application/javascript",
		"a.css":   "text/css; charset=utf-8",
		"unknown": "application/x-unknown",
	} {
		if got, _ := custom.TypeOf(name, strings.NewReader("<html>")); got != want {
			t.Errorf("custom TypeOf(%q) = %q; want %q", name, got, want)
		}
	}
	// Overrides do not leak into other tables.
	if got, _ := New(Options{}).ByExtension("a.log"); got != "text/plain; charset=utf-8" {
		t.Errorf("fresh table ByExtension(a.log) = %q", got)
	}
}

type errSeeker struct{ io.Reader }

func (errSeeker) Seek(int64, int) (int64, error) { return 0, errors.New("cannot seek") }

type errReader struct{}

func (errReader) Read([]byte) (int, error)       { return 0, errors.New("disk on fire") }
func (errReader) Seek(int64, int) (int64, error) { return 0, nil }

func TestTypeOfReadErrors(t *testing.T) {
	types := New(Options{})
	if _, err := types.TypeOf("x", errSeeker{strings.NewReader("abc")}); err == nil {
		t.Error("TypeOf with a failing Seek: err = nil")
	}
	if _, err := types.TypeOf("x", errReader{}); err == nil {
		t.Error("TypeOf with a failing Read: err = nil")
	}
}

// oneByteSeeker returns one byte per Read, as a slow network FS might.
type oneByteSeeker struct{ *bytes.Reader }

func (o oneByteSeeker) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return o.Reader.Read(p[:1])
}

func TestTypeOfShortReads(t *testing.T) {
	content := []byte("<!DOCTYPE html><title>x</title>" + strings.Repeat(" ", 5000))
	got, err := New(Options{}).TypeOf("x", oneByteSeeker{bytes.NewReader(content)})
	if err != nil || got != PlainText {
		t.Errorf("TypeOf(one byte at a time) = %q, %v; want %q", got, err, PlainText)
	}
}

// FuzzSniff checks that no content, however crafted, is sniffed into a type
// a browser would run script in.
func FuzzSniff(f *testing.F) {
	for _, s := range []string{"", "<html>", "<svg", "<?xml version='1.0'?><x/>", "\x89PNG\r\n\x1a\n", "#!/bin/sh\n", "{\"a\":1}", "%PDF-1.7"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got := Sniff(b)
		for _, active := range activeTypes {
			if strings.HasPrefix(got, active) {
				t.Fatalf("Sniff(%q) = %q: an active type", b, got)
			}
		}
		if strings.Contains(got, "xml") || strings.Contains(got, "html") || strings.Contains(got, "javascript") {
			t.Fatalf("Sniff(%q) = %q: looks active", b, got)
		}
	})
}

func BenchmarkByExtension(b *testing.B) {
	types := New(Options{})
	b.ReportAllocs()
	for b.Loop() {
		types.ByExtension("static/js/app.Bundle.JS")
	}
}
