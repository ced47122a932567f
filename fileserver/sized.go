package fileserver

import (
	"errors"
	"io"
	"syscall"
)

// sizedFile is an open *os.File (or any file with a descriptor) whose
// size the handler's stat already gave. http.ServeContent seeks to the
// end to learn the size and back to the start before it copies: two
// lseek(2) calls per response that this answers from memory. The file's
// own offset is moved only when a Read or sendfile needs it somewhere
// else. It keeps SyscallConn, which is what net's sendfile looks for, so
// the body still goes out by sendfile.
type sizedFile struct {
	f    io.ReadSeeker
	sc   syscall.Conn
	size int64
	pos  int64 // where the next Read reads, as the caller sees it
	real int64 // the descriptor's offset; -1 when unknown
}

var (
	_ io.ReadSeeker = (*sizedFile)(nil)
	_ syscall.Conn  = (*sizedFile)(nil)
)

var errSeek = errors.New("fileserver: seek to a negative offset")

func (s *sizedFile) Seek(offset int64, whence int) (int64, error) {
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = s.pos + offset
	case io.SeekEnd:
		abs = s.size + offset
	default:
		return 0, errors.New("fileserver: invalid whence")
	}
	if abs < 0 {
		return 0, errSeek
	}
	s.pos = abs
	return abs, nil
}

// sync moves the descriptor's offset to pos.
func (s *sizedFile) sync() error {
	if s.real == s.pos {
		return nil
	}
	if _, err := s.f.Seek(s.pos, io.SeekStart); err != nil {
		s.real = -1
		return err
	}
	s.real = s.pos
	return nil
}

func (s *sizedFile) Read(p []byte) (int, error) {
	if err := s.sync(); err != nil {
		return 0, err
	}
	n, err := s.f.Read(p)
	s.pos += int64(n)
	s.real = s.pos
	return n, err
}

// SyscallConn hands the descriptor to sendfile, which reads from its
// offset and moves it by an amount this does not learn.
func (s *sizedFile) SyscallConn() (syscall.RawConn, error) {
	if err := s.sync(); err != nil {
		return nil, err
	}
	s.real = -1
	return s.sc.SyscallConn()
}
