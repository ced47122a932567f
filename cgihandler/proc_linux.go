package cgihandler

import (
	"os"

	"golang.org/x/sys/unix"
)

// waitExited blocks until the script has exited, without reaping it, and
// reports true. While the script is an unreaped zombie its pid, which is
// also its process group's id, cannot be reused, so the group can then be
// killed without any risk of hitting an unrelated process that got the
// pid since. os.Process does the same before it signals.
func waitExited(p *os.Process) bool {
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, p.Pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if err != unix.EINTR {
			return err == nil
		}
	}
}
