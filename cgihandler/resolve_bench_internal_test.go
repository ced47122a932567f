package cgihandler

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkResolve is the per-request lookup of a script: the walk
// through an os.Root and the symlink check of the path to exec.
func BenchmarkResolve(b *testing.B) {
	dir := b.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "cgi-bin"), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cgi-bin", "hello.sh"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		b.Fatal(err)
	}
	h := New(OpenRoot(b, dir), Options{})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.resolve("/cgi-bin/hello.sh", "/cgi-bin"); err != nil {
			b.Fatal(err)
		}
	}
}
