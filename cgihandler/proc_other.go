//go:build !unix

package cgihandler

import (
	"os"
	"os/exec"
	"syscall"
)

// procAttr is a no-op where there are no process groups or setuid: the
// script runs as the server's user and only the script itself is killed.
type procAttr struct{}

func newProcAttr(string, bool) procAttr { return procAttr{} }

func (procAttr) sysProcAttr() (*syscall.SysProcAttr, error) { return nil, nil }

func killGroup(p *os.Process) { p.Kill() }

func (procAttr) lookPath(name string) (string, error) { return exec.LookPath(name) }
