package fileserver

import (
	"html/template"
	"io"
	"log/slog"
)

var discardLog = slog.New(slog.NewTextHandler(io.Discard, nil))

func mustTemplate(s string) *template.Template { return template.Must(template.New("error").Parse(s)) }
