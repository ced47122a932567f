package cgihandler

import (
	"os"
	"syscall"
	"unsafe"
)

// waitExited blocks until the script has exited, without reaping it, and
// reports true. While the script is an unreaped zombie its pid, which is
// also its process group's id, cannot be reused, so the group can then be
// killed without any risk of hitting an unrelated process that got the
// pid since. os.Process does the same before it signals.
func waitExited(p *os.Process) bool {
	const pPID = 1     // P_PID
	var info [128]byte // siginfo_t
	for {
		_, _, errno := syscall.Syscall6(syscall.SYS_WAITID, pPID, uintptr(p.Pid),
			uintptr(unsafe.Pointer(&info[0])), syscall.WEXITED|syscall.WNOWAIT, 0, 0)
		if errno != syscall.EINTR {
			return errno == 0
		}
	}
}
