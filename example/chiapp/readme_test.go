package main

import (
	"os"
	"strings"
	"testing"
)

// TestREADME checks that the README's embedding example is this program,
// so that what people copy compiles.
func TestREADME(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "## Use it in your app")
	if !ok {
		t.Fatal(`README has no "## Use it in your app" section`)
	}
	_, block, ok := strings.Cut(after, "```go\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("the section has no go code block")
	}
	// The README shows the program from its package clause on.
	_, program, _ := strings.Cut(string(src), "package main\n")
	if block != "package main\n"+program {
		t.Errorf("README's example differs from example/chiapp/main.go; copy the file from its package clause on.\nREADME:\n%s", block)
	}
}
