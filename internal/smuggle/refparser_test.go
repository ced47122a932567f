package smuggle

// The parser before it learnt to skip lines, for FuzzParserSkips.

import (
	"bytes"
	"strconv"
)

// refParser is the parser as it was before it skipped the lines that
// cannot frame a message, kept to compare the two.
type refParser struct {
	st        state
	line      []byte
	cut       bool // the line was longer than lineView
	remaining int64
	hasCL     bool
	clValue   int64
	clBad     bool
	chunked   bool

	smuggling bool // a header block had Transfer-Encoding and Content-Length
	done      bool // stopped watching: HTTP/2, an upgrade, or a stream net/http rejects
}

func (p *refParser) feed(b []byte) {
	for len(b) > 0 && !p.done && !p.smuggling {
		switch p.st {
		case stBody, stChunkData:
			n := min(int64(len(b)), p.remaining)
			p.remaining -= n
			b = b[n:]
			if p.remaining == 0 {
				if p.st == stBody {
					p.st = stRequestLine
				} else {
					p.st = stChunkCRLF
				}
			}
		default:
			i := bytes.IndexByte(b, '\n')
			if i < 0 {
				p.appendLine(b)
				return
			}
			p.appendLine(b[:i])
			b = b[i+1:]
			p.endLine(bytes.TrimSuffix(p.line, []byte("\r")))
			p.line, p.cut = p.line[:0], false
		}
	}
}

// appendLine keeps the first lineView bytes of a line, squeezing each run
// of blanks to one and dropping blanks after a colon, so that
// "Content-Length:" followed by a thousand spaces still shows its value.
func (p *refParser) appendLine(b []byte) {
	for _, c := range b {
		if c == ' ' || c == '\t' {
			if n := len(p.line); n > 0 && (p.line[n-1] == ' ' || p.line[n-1] == ':') {
				continue
			}
			if len(p.line) == 0 {
				p.line = append(p.line, ' ') // keep the mark of a continuation line
				continue
			}
		}
		if len(p.line) >= lineView {
			p.cut = true
			return
		}
		p.line = append(p.line, c)
	}
}

func (p *refParser) endLine(line []byte) {
	switch p.st {
	case stRequestLine:
		if len(line) == 0 {
			return // RFC 9112 §2.2: empty lines before a request are ignored
		}
		if bytes.HasPrefix(line, []byte("PRI * HTTP/2")) || bytes.HasPrefix(line, []byte("CONNECT ")) {
			p.done = true
			return
		}
		p.st = stHeaders
		p.hasCL, p.clBad, p.chunked, p.clValue = false, false, false, 0
	case stHeaders:
		if len(line) > 0 {
			p.header(line)
			return
		}
		p.endHeaders()
	case stChunkSize:
		size, _, ext := bytes.Cut(line, []byte(";"))
		n, err := strconv.ParseInt(string(bytes.TrimSpace(size)), 16, 64)
		if err != nil || n < 0 || p.cut && !ext {
			p.smuggling = true // lost the framing: fail closed
			return
		}
		if n == 0 {
			p.st = stTrailers
			return
		}
		p.st, p.remaining = stChunkData, n
	case stChunkCRLF:
		if len(line) != 0 {
			p.smuggling = true
			return
		}
		p.st = stChunkSize
	case stTrailers:
		if len(line) == 0 {
			p.st = stRequestLine
		}
	}
}

func (p *refParser) header(line []byte) {
	if line[0] == ' ' {
		return // an obs-fold continuation: part of the previous field's value
	}
	name, value, ok := bytes.Cut(line, []byte(":"))
	if !ok {
		return
	}
	name = bytes.TrimSpace(name)
	value = bytes.TrimSpace(value)
	switch {
	case bytes.EqualFold(name, []byte("Content-Length")):
		n, err := strconv.ParseInt(string(value), 10, 64)
		if err != nil || n < 0 || p.cut || p.hasCL && n != p.clValue {
			p.clBad = true
		}
		p.hasCL, p.clValue = true, n
	case bytes.EqualFold(name, []byte("Transfer-Encoding")):
		p.chunked = true // any coding: net/http accepts only chunked, and rejects the rest
	}
}

func (p *refParser) endHeaders() {
	switch {
	case p.chunked && p.hasCL, p.clBad:
		// Both framings, or a Content-Length net/http will refuse or that
		// could not be read whole: either way this connection is done.
		p.smuggling = true
		p.done = true
	case p.chunked:
		p.st = stChunkSize
	case p.hasCL && p.clValue > 0:
		p.st, p.remaining = stBody, p.clValue
	default:
		p.st = stRequestLine
	}
}
