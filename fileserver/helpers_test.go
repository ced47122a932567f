package fileserver

import (
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"testing/fstest"
)

var discardLog = slog.New(slog.NewTextHandler(io.Discard, nil))

func mustTemplate(s string) *template.Template { return template.Must(template.New("error").Parse(s)) }

// mapFile is a file of a test FS holding s; mapDir is a directory.
func mapFile(s string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte(s), ModTime: modtime, Mode: 0o644}
}

func mapDir() *fstest.MapFile { return &fstest.MapFile{Mode: fs.ModeDir | 0o755, ModTime: modtime} }
