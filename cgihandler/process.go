package cgihandler

import (
	"os"
	"os/exec"
	"sync"
	"time"
)

// process is a started script: a process group of its own, where the
// system has them, and the parent's ends of its stdio pipes.
type process struct {
	cmd    *exec.Cmd
	stdout *os.File // read end of the script's stdout
	stderr *os.File // read end of its stderr
	stdin  *os.File // write end of its stdin; nil unless the body is streamed

	mu     sync.Mutex
	reaped bool // the script is reaped: its pid, the group's id, may be reused
}

// start starts cmd with in as its stdin and pipes for its output.
func start(cmd *exec.Cmd, in input) (_ *process, err error) {
	p := &process{cmd: cmd}
	// The child's ends are closed in the parent once the child has them,
	// so that EOF and EPIPE arrive when the script's side closes.
	var child []*os.File
	defer func() {
		for _, f := range child {
			f.Close()
		}
		if err != nil {
			p.close()
		}
	}()
	var ow, ew, ir *os.File
	if p.stdout, ow, err = pipe(true); err != nil {
		return nil, err
	}
	child = append(child, ow)
	if p.stderr, ew, err = pipe(true); err != nil {
		return nil, err
	}
	child = append(child, ew)
	cmd.Stdout, cmd.Stderr = ow, ew
	switch {
	case in.file != nil:
		cmd.Stdin = in.file
	case in.stream != nil:
		if p.stdin, ir, err = pipe(false); err != nil {
			return nil, err
		}
		child = append(child, ir)
		cmd.Stdin = ir
	default:
		if f := devNull(); f != nil {
			cmd.Stdin = f
		}
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return p, nil
}

// kill kills the script's whole process group and reports true, unless
// the script has been reaped: its pid may then name another process.
func (p *process) kill() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.reaped {
		return false
	}
	killGroup(p.cmd.Process)
	return true
}

// wait waits for the script to exit, kills what it left running in its
// group (background children would otherwise outlive the request as
// orphans) and reaps it: no zombie. Until the script has exited, kill
// still ends it.
func (p *process) wait() error {
	if waitExited(p.cmd.Process) {
		// An unreaped zombie's pid cannot be reused: the group is still
		// the script's.
		p.kill()
		p.setReaped()
		return p.cmd.Wait()
	}
	// Without a wait that leaves a zombie: reap, then kill the group,
	// with a tiny window in which the pid could have been reused.
	err := p.cmd.Wait()
	p.kill()
	p.setReaped()
	return err
}

func (p *process) setReaped() {
	p.mu.Lock()
	p.reaped = true
	p.mu.Unlock()
}

// drain closes the parent's ends of the output pipes, once stderrDone
// says the logging of the script's stderr has ended. It is called once
// the group is dead, so stderr is at EOF unless a process escaped the group
// (setsid): the wait for such a one is bounded.
func (p *process) drain(stderrDone <-chan struct{}) {
	p.stdout.Close()
	p.stderr.SetReadDeadline(time.Now().Add(time.Second))
	<-stderrDone
	p.stderr.Close()
}

// close closes the parent's ends of the pipes, of a script that did not
// start.
func (p *process) close() {
	for _, f := range [...]*os.File{p.stdout, p.stderr, p.stdin} {
		if f != nil {
			f.Close()
		}
	}
}
