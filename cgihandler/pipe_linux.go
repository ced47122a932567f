package cgihandler

import (
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// pipe returns a pipe for one of a script's stdio streams: the parent's
// end (the read end when parentReads) and the child's.
//
// The rule this file keeps: a descriptor the script inherits never enters
// the runtime's poller. Only the parent's end is polled, so that its
// reads and writes honour deadlines; the child's end is made blocking
// from the start, and exec passes it as it is. (os.Pipe polls both ends,
// and exec then has to take the child's out again and make it blocking.)
func pipe(parentReads bool) (parent, child *os.File, err error) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return nil, nil, os.NewSyscallError("pipe2", err)
	}
	pfd, cfd := p[0], p[1]
	if !parentReads {
		pfd, cfd = cfd, pfd
	}
	if err := unix.SetNonblock(pfd, true); err != nil {
		unix.Close(pfd)
		unix.Close(cfd)
		return nil, nil, os.NewSyscallError("fcntl", err)
	}
	// NewFile makes a pollable File of a non-blocking descriptor.
	return os.NewFile(uintptr(pfd), "|parent"), os.NewFile(uintptr(cfd), "|child"), nil
}

// devNull is the stdin of a script that gets no body: /dev/null, opened
// once, blocking, and shared by every script, where os/exec would open it
// for each and poll it. It is nil if /dev/null cannot be opened, and exec
// then opens its own.
var devNull = sync.OnceValue(func() *os.File {
	fd, err := unix.Open(os.DevNull, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	// A blocking descriptor: exec takes it as it is.
	return os.NewFile(uintptr(fd), os.DevNull)
})
