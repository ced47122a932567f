package cgihandler

import (
	"bufio"
	"bytes"
	"errors"
	"net/http"
	"net/textproto"
	"strings"
)

// Limits on a script's response header. They bound the memory a script can
// make the server hold before a single byte reaches the client.
const (
	maxHeaderBytes  = 64 << 10
	maxHeaderFields = 128
)

// response is a script's parsed CGI response header (RFC 3875 §6).
type response struct {
	status   int         // 0 when the script sent no Status field
	header   http.Header // the fields to pass on, Location included
	location string      // the Location field, if any
}

// localRedirect reports whether the response is a local redirect
// (RFC 3875 §6.2.2): a Location that is a path, with no Status. The
// server then serves that path itself. "//host" and "/\host" are not
// paths but network references browsers would follow to another host.
func (resp *response) localRedirect() bool {
	l := resp.location
	return resp.status == 0 && strings.HasPrefix(l, "/") &&
		!strings.HasPrefix(l, "//") && !strings.HasPrefix(l, `/\`)
}

var (
	errNoHeader      = errors.New("cgihandler: script output ended before the end of its header")
	errHeaderTooBig  = errors.New("cgihandler: script header too large")
	errHeaderSyntax  = errors.New("cgihandler: malformed script header line")
	errBadStatus     = errors.New("cgihandler: malformed Status field")
	errNoContentType = errors.New("cgihandler: document response without Content-Type")
)

// readHeader reads and checks a script's response header, leaving br at
// the start of the body. It is strict where net/http/cgi skips bad lines:
// a line that is not a valid field (no colon, a bad name, a control
// character in the value, an obsolete folded line) fails the whole
// response, so nothing the script did not mean reaches the client.
func readHeader(br *bufio.Reader) (*response, error) {
	resp := &response{header: make(http.Header)}
	total, fields := 0, 0
	for {
		line, err := br.ReadSlice('\n')
		total += len(line)
		if total > maxHeaderBytes || errors.Is(err, bufio.ErrBufferFull) {
			return nil, errHeaderTooBig
		}
		if err != nil {
			return nil, errNoHeader // EOF (or a read error) before the blank line
		}
		line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
		if len(line) == 0 {
			break
		}
		if fields++; fields > maxHeaderFields {
			return nil, errHeaderTooBig
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok || !validFieldName(name) {
			return nil, errHeaderSyntax
		}
		v := strings.Trim(string(value), " \t")
		if !validFieldValue(v) {
			return nil, errHeaderSyntax
		}
		key := textproto.CanonicalMIMEHeaderKey(string(name))
		switch key {
		case "Status":
			if resp.status != 0 {
				return nil, errBadStatus
			}
			if resp.status, err = parseStatus(v); err != nil {
				return nil, err
			}
			continue
		case "Location":
			if resp.location != "" || v == "" {
				return nil, errHeaderSyntax
			}
			resp.location = v
		}
		resp.header[key] = append(resp.header[key], v)
	}
	if fields == 0 {
		return nil, errNoHeader
	}
	// Fields that describe one connection (RFC 9110 §7.6.1) are the
	// server's business, not the script's.
	for _, k := range [...]string{"Connection", "Keep-Alive", "Proxy-Connection", "Te", "Trailer", "Transfer-Encoding", "Upgrade"} {
		delete(resp.header, k)
	}
	switch {
	case resp.localRedirect():
	case resp.location != "" && resp.status == 0:
		resp.status = http.StatusFound
	case resp.status == 0 && resp.header.Get("Content-Type") == "":
		return nil, errNoContentType
	case resp.status == 0:
		resp.status = http.StatusOK
	}
	return resp, nil
}

// parseStatus parses a Status field, "404 Not Found" or just "404"
// (RFC 3875 §6.3.3). Only final statuses 200–599 are accepted: 1xx would
// make net/http send an interim response and wait for another, and
// WriteHeader panics outside 100–999.
func parseStatus(v string) (int, error) {
	code, _, _ := strings.Cut(v, " ")
	if len(code) != 3 {
		return 0, errBadStatus
	}
	n := 0
	for i := range 3 {
		c := code[i]
		if c < '0' || c > '9' {
			return 0, errBadStatus
		}
		n = n*10 + int(c-'0')
	}
	if n < 200 || n > 599 {
		return 0, errBadStatus
	}
	return n, nil
}

// validFieldName reports whether b is an RFC 9110 §5.6.2 token.
func validFieldName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !isTchar(c) {
			return false
		}
	}
	return true
}

// validFieldValue reports whether v holds no control character but tab
// (RFC 9110 §5.5): a CR, LF or NUL would split or truncate the header.
func validFieldValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// isTchar reports whether c is RFC 9110's tchar: a letter, a digit or one
// of "!#$%&'*+-.^_`|~".
func isTchar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return c != 0 && strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
