package mime_test

import (
	"fmt"
	"strings"

	"github.com/pyhttp/httpserver/mime"
)

func ExampleTypes_TypeOf() {
	types := mime.New(mime.Options{
		Overrides: map[string]string{".log": "text/x-log"},
	})
	for _, f := range []struct{ name, content string }{
		{"app.JS", ""},
		{"build.log", ""},
		{"README", "plain words"},
		{"upload", "<html><script>alert(1)</script>"}, // never sniffed as HTML
	} {
		ctype, _ := types.TypeOf(f.name, strings.NewReader(f.content))
		fmt.Printf("%s: %s\n", f.name, ctype)
	}
	// Output:
	// app.JS: text/javascript; charset=utf-8
	// build.log: text/x-log
	// README: text/plain; charset=utf-8
	// upload: text/plain; charset=utf-8
}
