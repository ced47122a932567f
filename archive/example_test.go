package archive_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"testing/fstest"

	"github.com/pyhttp/httpserver/archive"
)

// Write streams a directory to any io.Writer; Hidden leaves names out.
func ExampleWrite() {
	fsys := fstest.MapFS{
		"site/index.html":    {Data: []byte("<h1>hi</h1>")},
		"site/img/logo.png":  {Data: []byte("\x89PNG")},
		"site/.env":          {Data: []byte("TOKEN=1")},
		"site/drafts/wip.md": {Data: []byte("soon")},
	}
	var b bytes.Buffer
	err := archive.Write(context.Background(), &b, fsys, "site", archive.Zip, archive.Options{
		HideDotfiles: true,
		Hidden:       func(name string) bool { return name == "site/drafts" },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	zr, _ := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	for _, f := range zr.File {
		method := "deflate"
		if f.Method == zip.Store {
			method = "store"
		}
		fmt.Println(f.Name, method)
	}
	// Output:
	// img/ store
	// img/logo.png store
	// index.html deflate
}
