package cgihandler

import (
	"bufio"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
)

var headerTests = []struct {
	name   string
	in     string
	status int
	header http.Header
	local  bool
	err    error
	body   string
}{
	{"document", "Content-Type: text/plain\n\nhi", 200, http.Header{"Content-Type": {"text/plain"}}, false, nil, "hi"},
	{"crlf", "Content-Type: text/plain\r\n\r\nhi\r\n", 200, http.Header{"Content-Type": {"text/plain"}}, false, nil, "hi\r\n"},
	{"status", "Status: 404 Not Found\nContent-Type: text/html\n\n", 404, http.Header{"Content-Type": {"text/html"}}, false, nil, ""},
	{"bare status", "Status: 204\n\n", 204, http.Header{}, false, nil, ""},
	{"lower-case names", "status: 201 Created\ncontent-type: a/b\nx-y: z\n\n", 201, http.Header{"Content-Type": {"a/b"}, "X-Y": {"z"}}, false, nil, ""},
	{"repeated", "Content-Type: a/b\nSet-Cookie: a=1\nSet-Cookie: b=2\n\n", 200, http.Header{"Content-Type": {"a/b"}, "Set-Cookie": {"a=1", "b=2"}}, false, nil, ""},
	{"spaces trimmed", "Content-Type:\t a/b \t\n\n", 200, http.Header{"Content-Type": {"a/b"}}, false, nil, ""},
	{"empty value", "Content-Type: a/b\nX-Empty:\n\n", 200, http.Header{"Content-Type": {"a/b"}, "X-Empty": {""}}, false, nil, ""},
	{"hop-by-hop dropped", "Content-Type: a/b\nConnection: close\nTransfer-Encoding: chunked\nUpgrade: h2c\n\n", 200, http.Header{"Content-Type": {"a/b"}}, false, nil, ""},
	{"local redirect", "Location: /x?y=1\n\nignored", 0, http.Header{"Location": {"/x?y=1"}}, true, nil, "ignored"},
	{"client redirect", "Location: http://example.com/\n\n", 302, http.Header{"Location": {"http://example.com/"}}, false, nil, ""},
	{"network-path redirect", "Location: //evil.example/\n\n", 302, http.Header{"Location": {"//evil.example/"}}, false, nil, ""},
	{"backslash redirect", "Location: /\\evil.example/\n\n", 302, http.Header{"Location": {"/\\evil.example/"}}, false, nil, ""},
	{"redirect with status", "Status: 301\nLocation: /moved\n\n", 301, http.Header{"Location": {"/moved"}}, false, nil, ""},
	{"body looks like header", "Content-Type: a/b\n\nStatus: 500\n", 200, http.Header{"Content-Type": {"a/b"}}, false, nil, "Status: 500\n"},

	{"empty", "", 0, nil, false, errNoHeader, ""},
	{"no blank line", "Content-Type: a/b\n", 0, nil, false, errNoHeader, ""},
	{"no newline", "Content-Type: a/b", 0, nil, false, errNoHeader, ""},
	{"blank only", "\n\nbody", 0, nil, false, errNoHeader, ""},
	{"no content type", "X-A: b\n\n", 0, nil, false, errNoContentType, ""},
	{"not a field", "hello world\n\n", 0, nil, false, errHeaderSyntax, ""},
	{"space in name", "Content Type: a/b\n\n", 0, nil, false, errHeaderSyntax, ""},
	{"space before colon", "Content-Type : a/b\n\n", 0, nil, false, errHeaderSyntax, ""},
	{"empty name", ": a/b\n\n", 0, nil, false, errHeaderSyntax, ""},
	{"folded", "Content-Type: a/b\n continued\n\n", 0, nil, false, errHeaderSyntax, ""},
	{"NUL in value", "Content-Type: a/b\x00\n\n", 0, nil, false, errHeaderSyntax, ""},
	{"CR in value", "Content-Type: a\rX-Injected: 1\n\n", 0, nil, false, errHeaderSyntax, ""},
	{"non-ASCII name", "Cönt: a\n\n", 0, nil, false, errHeaderSyntax, ""},
	{"two locations", "Location: /a\nLocation: /b\n\n", 0, nil, false, errHeaderSyntax, ""},
	{"empty location", "Location:\n\n", 0, nil, false, errHeaderSyntax, ""},
	{"status 1xx", "Status: 100 Continue\n\n", 0, nil, false, errBadStatus, ""},
	{"status 999", "Status: 999\n\n", 0, nil, false, errBadStatus, ""},
	{"status short", "Status: 20\n\n", 0, nil, false, errBadStatus, ""},
	{"status long", "Status: 2000\n\n", 0, nil, false, errBadStatus, ""},
	{"status letters", "Status: OK\n\n", 0, nil, false, errBadStatus, ""},
	{"status sign", "Status: +20\n\n", 0, nil, false, errBadStatus, ""},
	{"two statuses", "Status: 200\nStatus: 404\n\n", 0, nil, false, errBadStatus, ""},
	{"line too long", "X-Long: " + strings.Repeat("a", 40<<10) + "\n\n", 0, nil, false, errHeaderTooBig, ""},
	{"too many bytes", strings.Repeat("X-A: "+strings.Repeat("a", 1000)+"\n", 70) + "\n", 0, nil, false, errHeaderTooBig, ""},
	{"too many fields", strings.Repeat("X-A: a\n", 200) + "Content-Type: a/b\n\n", 0, nil, false, errHeaderTooBig, ""},
}

func TestReadHeader(t *testing.T) {
	for _, tt := range headerTests {
		for _, wrap := range []struct {
			name string
			fn   func(io.Reader) io.Reader
		}{
			{"", func(r io.Reader) io.Reader { return r }},
			{"/onebyte", iotest.OneByteReader},
			{"/half", iotest.HalfReader},
			{"/dataerr", iotest.DataErrReader},
		} {
			br := bufio.NewReaderSize(wrap.fn(strings.NewReader(tt.in)), 32<<10)
			resp, err := readHeader(br)
			if err != tt.err {
				t.Errorf("%s%s: err = %v; want %v", tt.name, wrap.name, err, tt.err)
				continue
			}
			if err != nil {
				continue
			}
			if resp.status != tt.status || resp.localRedirect() != tt.local {
				t.Errorf("%s%s: status = %d, local = %v; want %d, %v", tt.name, wrap.name, resp.status, resp.localRedirect(), tt.status, tt.local)
			}
			if !equalHeader(resp.header, tt.header) {
				t.Errorf("%s%s: header = %v; want %v", tt.name, wrap.name, resp.header, tt.header)
			}
			if body, _ := io.ReadAll(br); string(body) != tt.body {
				t.Errorf("%s%s: body = %q; want %q", tt.name, wrap.name, body, tt.body)
			}
		}
	}
}

func equalHeader(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		vb := b[k]
		if strings.Join(va, "\x00") != strings.Join(vb, "\x00") || len(va) != len(vb) {
			return false
		}
	}
	return true
}

// FuzzReadHeader checks that whatever a script prints, the header passed
// on is one net/http can send unchanged: a final status, token names, no
// control characters, no hop-by-hop fields.
func FuzzReadHeader(f *testing.F) {
	for _, tt := range headerTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		resp, err := readHeader(bufio.NewReaderSize(strings.NewReader(in), 32<<10))
		if err != nil {
			if resp != nil {
				t.Fatalf("error %v with a response", err)
			}
			return
		}
		if resp.localRedirect() {
			if resp.status != 0 || !strings.HasPrefix(resp.location, "/") || strings.HasPrefix(resp.location, "//") {
				t.Fatalf("local redirect to %q with status %d", resp.location, resp.status)
			}
		} else if resp.status < 200 || resp.status > 599 {
			t.Fatalf("status %d", resp.status)
		}
		for k, vv := range resp.header {
			if !validFieldName([]byte(k)) {
				t.Fatalf("field name %q", k)
			}
			switch http.CanonicalHeaderKey(k) {
			case "Connection", "Transfer-Encoding", "Status", "Upgrade", "Keep-Alive", "Te", "Trailer", "Proxy-Connection":
				t.Fatalf("field %q passed on", k)
			}
			for _, v := range vv {
				if !validFieldValue(v) || strings.Trim(v, " \t") != v {
					t.Fatalf("field %q value %q", k, v)
				}
			}
		}
	})
}
