//go:build !linux

package cgihandler

import "os"

// pipe returns a pipe for one of a script's stdio streams: the parent's
// end (the read end when parentReads) and the child's.
func pipe(parentReads bool) (parent, child *os.File, err error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	if parentReads {
		return r, w, nil
	}
	return w, r, nil
}

// devNull is the stdin of a script that gets no body: nil, for os/exec to
// open /dev/null itself.
func devNull() *os.File { return nil }
