//go:build !linux

package cgihandler

import "os"

// waitExited reports false: without waitid(WNOWAIT) here, the script is
// reaped first and its group killed after, which leaves a tiny window in
// which the pid could be reused.
func waitExited(*os.Process) bool { return false }
