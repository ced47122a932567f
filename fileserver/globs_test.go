package fileserver

import "testing"

// TestGlobs: the engine is internal/glob's, tested there; this checks the
// wrapper's nil for no patterns and its error for a bad one.
func TestGlobs(t *testing.T) {
	if m, err := Globs(); m != nil || err != nil {
		t.Errorf("Globs() = %v, %v; want nil, nil", m != nil, err)
	}
	if m, err := Globs("a/["); m != nil || err == nil {
		t.Errorf("Globs(a/[) = %v, %v; want nil and an error", m != nil, err)
	}
	m, err := Globs("assets/*", "robots.txt")
	if err != nil || !m("assets/a.js") || !m("robots.txt") || m("assets/a/b.js") {
		t.Errorf("Globs(assets/*, robots.txt): wrong answers (err %v)", err)
	}
}
