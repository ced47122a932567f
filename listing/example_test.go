package listing_test

import (
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing/fstest"
	"time"

	"github.com/pyhttp/httpserver/listing"
)

var exampleFS = fstest.MapFS{
	"notes.txt":     {Data: []byte("hello"), ModTime: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)},
	"Photos/a.jpg":  {Data: make([]byte, 2048), ModTime: time.Date(2024, 5, 2, 8, 30, 0, 0, time.UTC)},
	"a&b <1>.html":  {Data: []byte("<p>"), ModTime: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)},
	".git/config":   {Data: []byte("[core]")},
	"Photos/b.jpeg": {Data: make([]byte, 100)},
}

// The Python page, as python -m http.server writes it.
func ExampleRenderer_ServeDir() {
	h := listing.New(listing.Options{Format: listing.Python})
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, "/shared/", nil)
	if err := h.ServeDir(w, r, exampleFS, ".", listing.ReadOptions{HideDotfiles: true}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(w.Code, w.Header().Get("Content-Type"))
	body := w.Body.String()
	fmt.Print(body[strings.Index(body, "<body>"):])
	// Output:
	// 200 text/html; charset=utf-8
	// <body>
	// <h1>Directory listing for /shared/</h1>
	// <hr>
	// <ul>
	// <li><a href="a%26b%20%3C1%3E.html">a&amp;b &lt;1&gt;.html</a></li>
	// <li><a href="notes.txt">notes.txt</a></li>
	// <li><a href="Photos/">Photos/</a></li>
	// </ul>
	// <hr>
	// </body>
	// </html>
}

// A client that prefers JSON gets the listing as data, sorted as asked.
func ExampleRenderer_ServeDir_json() {
	h := listing.New(listing.Options{})
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, "/Photos/?sort=size&order=desc", nil)
	r.Header.Set("Accept", "application/json")
	if err := h.ServeDir(w, r, exampleFS, "Photos", listing.ReadOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(w.Header().Get("Content-Type"), w.Header().Get("Vary"))
	fmt.Print(w.Body.String())
	// Output:
	// application/json Accept
	// {
	//   "path": "/Photos/",
	//   "sort": "size",
	//   "order": "desc",
	//   "entries": [
	//     {
	//       "name": "a.jpg",
	//       "url": "a.jpg",
	//       "is_dir": false,
	//       "is_symlink": false,
	//       "size": 2048,
	//       "mod_time": "2024-05-02T08:30:00Z"
	//     },
	//     {
	//       "name": "b.jpeg",
	//       "url": "b.jpeg",
	//       "is_dir": false,
	//       "is_symlink": false,
	//       "size": 100,
	//       "mod_time": null
	//     }
	//   ]
	// }
}

// A custom template gets a *listing.Page; html/template escapes names.
func ExampleOptions_template() {
	tmpl := template.Must(template.New("list").Parse(
		`{{.Title}}{{range .Rows}}
- <a href="{{.URL}}">{{.Display}}</a>{{with .HumanSize}} {{.}}{{end}}{{end}}
`))
	h := listing.New(listing.Options{Template: tmpl, DirsFirst: true})
	w := httptest.NewRecorder()
	if err := h.ServeDir(w, httptest.NewRequest(http.MethodGet, "/", nil), exampleFS, ".", listing.ReadOptions{HideDotfiles: true}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(w.Body.String())
	// Output:
	// Directory listing for /
	// - <a href="Photos/">Photos/</a>
	// - <a href="a%26b%20%3C1%3E.html">a&amp;b &lt;1&gt;.html</a> 3 B
	// - <a href="notes.txt">notes.txt</a> 5 B
}

// Read gives the model alone, for a renderer of your own.
func ExampleRead() {
	l, err := listing.Read(exampleFS, ".", listing.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	l.Sort(listing.Order{By: listing.ByTime, Desc: true}) // newest first; ties by name, reversed too
	for _, e := range l.Entries {
		fmt.Printf("%-14q dir=%-5v size=%d\n", e.Name, e.IsDir, e.Size)
	}
	// Output:
	// "notes.txt"    dir=false size=5
	// "a&b <1>.html" dir=false size=3
	// "Photos"       dir=true  size=0
	// ".git"         dir=true  size=0
}

// The modern page, the default: Python's title and links in a sortable
// table, directories first, under a heading whose path is links.
func ExampleNew() {
	h := listing.New(listing.Options{})
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, "/shared/?sort=time&order=desc", nil)
	if err := h.ServeDir(w, r, exampleFS, ".", listing.ReadOptions{HideDotfiles: true}); err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(w.Body.String(), "\n") {
		if strings.HasPrefix(line, "<h1>") || strings.HasPrefix(line, "<tr><td") {
			fmt.Println(line)
		}
	}
	// Output:
	// <h1>Directory listing for <a href="./" aria-current="page">/shared/</a></h1>
	// <tr><td><a href="Photos/">Photos/</a><td>—<td>
	// <tr><td><a href="notes.txt">notes.txt</a><td>5 B<td>2024-05-01 12:00
	// <tr><td><a href="a%26b%20%3C1%3E.html">a&amp;b &lt;1&gt;.html</a><td>3 B<td>2024-04-01 00:00
}

// SortKey names the query parameter values.
func ExampleSortKey_String() {
	fmt.Println(listing.ByName, listing.BySize, listing.ByTime)
	// Output: name size time
}

// A Page can be inspected outside a template too; its methods give the
// sort links the built-in page puts in its column headers.
func ExamplePage_SortURL() {
	tmpl := template.Must(template.New("links").Parse(
		`{{.SortURL "name"}} {{.SortURL "size"}} {{.SortMark "name"}} {{.DirsURL true}}`))
	h := listing.New(listing.Options{Template: tmpl})
	w := httptest.NewRecorder()
	if err := h.ServeDir(w, httptest.NewRequest(http.MethodGet, "/", nil), exampleFS, ".", listing.ReadOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(w.Body.String())
	// Output: ?sort=name&amp;order=desc ?sort=size&amp;order=asc ▲ ?sort=name&amp;order=asc&amp;dirs=first
}
