module github.com/pyhttp/httpserver

go 1.26

require github.com/gabriel-vasile/mimetype v1.4.16
