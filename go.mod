module github.com/pyhttp/httpserver

go 1.26

require (
	github.com/gabriel-vasile/mimetype v1.4.16
	github.com/go-chi/chi/v5 v5.5.0
	github.com/spf13/pflag v1.1.0
)
