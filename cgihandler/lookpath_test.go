//go:build unix

package cgihandler

import (
	"os"
	"path/filepath"
	"testing"
)

// TestLookPathAsScriptUser: root's PATH lists an interpreter the script
// user cannot reach (under a private directory) before one it can; the
// lookup skips the first, as execvp would for that user.
func TestLookPathAsScriptUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: only then do scripts run as another user")
	}
	p := newProcAttr(DefaultUser, false)
	if p.err != nil {
		t.Skip(p.err)
	}
	top := t.TempDir()
	os.Chmod(top, 0o755)
	os.Chmod(filepath.Dir(top), 0o755) // the test's own temporary directory is 0700
	private, public := filepath.Join(top, "private"), filepath.Join(top, "public")
	os.Mkdir(private, 0o700)
	os.Mkdir(public, 0o755)
	for _, d := range []string{private, public} {
		os.WriteFile(filepath.Join(d, "interp"), []byte("#!/bin/sh\n"), 0o755)
	}
	os.WriteFile(filepath.Join(public, "noexec"), []byte("#!/bin/sh\n"), 0o644)
	t.Setenv("PATH", private+string(filepath.ListSeparator)+"relative"+string(filepath.ListSeparator)+public)

	if got, err := p.lookPath("interp"); err != nil || got != filepath.Join(public, "interp") {
		t.Errorf("lookPath(interp) = %q, %v; want the public one", got, err)
	}
	if got, err := p.lookPath("noexec"); err == nil {
		t.Errorf("lookPath(noexec) = %q; want not found", got)
	}
	if got, err := p.lookPath(filepath.Join(private, "interp")); err != nil || got != filepath.Join(private, "interp") {
		t.Errorf("lookPath of a path = %q, %v; want it as given", got, err)
	}
	// The server's own user (RunAsRoot) finds the first, as before.
	if got, _ := newProcAttr("", true).lookPath("interp"); got != filepath.Join(private, "interp") {
		t.Errorf("RunAsRoot lookPath(interp) = %q; want the first in PATH", got)
	}
}
