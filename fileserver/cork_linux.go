package fileserver

import "syscall"

// setCork sets or clears TCP_CORK; errors (not a TCP socket, a closed
// one) leave the connection as it was, which is only slower.
func setCork(rc syscall.RawConn, on bool) {
	v := 0
	if on {
		v = 1
	}
	rc.Control(func(fd uintptr) {
		syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_CORK, v)
	})
}
