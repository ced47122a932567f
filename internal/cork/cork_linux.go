package cork

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// set sets or clears TCP_CORK; errors (not a TCP socket, a closed one)
// leave the connection as it was, which is only slower.
func set(rc syscall.RawConn, on bool) {
	v := 0
	if on {
		v = 1
	}
	rc.Control(func(fd uintptr) {
		unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_CORK, v)
	})
}
