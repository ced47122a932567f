//go:build !unix

package listing

import "errors"

// mkfifo reports that this system has no named pipes in its file system.
func mkfifo(string) error { return errors.New("no FIFOs here") }
