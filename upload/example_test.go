package upload_test

import (
	"fmt"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/pyhttp/httpserver/upload"
)

// A PUT stores a file, a second PUT of the same name is refused without
// Overwrite, and a name that would climb out is refused before anything
// is read.
func ExampleNew() {
	dir, _ := os.MkdirTemp("", "upload-example")
	defer os.RemoveAll(dir)
	root, err := os.OpenRoot(dir)
	if err != nil {
		panic(err)
	}
	defer root.Close()
	h := upload.New(root, upload.Options{AllowUpload: true})

	for _, target := range []string{"/notes.txt", "/notes.txt", "/../notes.txt"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("PUT", target, strings.NewReader("hello\n")))
		fmt.Println(strings.TrimSpace(fmt.Sprint("PUT ", target, " ", w.Code, " ", w.Header().Get("Location"))))
	}
	b, _ := root.ReadFile("notes.txt")
	fmt.Printf("notes.txt: %q\n", b)
	// Output:
	// PUT /notes.txt 201 notes.txt
	// PUT /notes.txt 409
	// PUT /../notes.txt 400
	// notes.txt: "hello\n"
}
