package middleware

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pyhttp/httpserver/internal/errorpage"
)

var escapeSeeds = []string{"", "/index.html", hostile, "\\x1b", `"q"`, "\u0085\u009f\u00a0", "\xc2", "é\xff\x80"}

// FuzzAppendEscaped checks that the escaped text holds no control
// character, is valid UTF-8, and, for UTF-8 input, decodes back to it.
func FuzzAppendEscaped(f *testing.F) {
	for _, s := range escapeSeeds {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, quote bool) {
		out := string(appendEscaped(nil, s, quote))
		checkClean(t, out)
		if !utf8.ValidString(s) {
			return
		}
		back, ok := unescape(out, quote)
		if !ok || back != s {
			t.Fatalf("appendEscaped(%q) = %q, which decodes to %q, %v", s, out, back, ok)
		}
	})
}

// checkClean fails if s could move a terminal's cursor or forge a line.
func checkClean(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("%q is not UTF-8", s)
	}
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			t.Fatalf("%q holds control character %U", s, r)
		}
	}
}

// unescape is appendEscaped's inverse for UTF-8 input.
func unescape(s string, quote bool) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			if quote && s[i] == '"' {
				return "", false // a bare quote would end the field
			}
			b.WriteByte(s[i])
			continue
		}
		switch {
		case i+1 < len(s) && s[i+1] == '\\':
			b.WriteByte('\\')
			i++
		case quote && i+1 < len(s) && s[i+1] == '"':
			b.WriteByte('"')
			i++
		case i+3 < len(s) && s[i+1] == 'x':
			v, err := strconv.ParseUint(s[i+2:i+4], 16, 8)
			if err != nil {
				return "", false
			}
			if v < 0x80 {
				b.WriteByte(byte(v))
			} else {
				b.WriteRune(rune(v))
			}
			i += 3
		default:
			return "", false
		}
	}
	return b.String(), true
}

// FuzzAccessLogLine feeds every request field the log copies: whatever
// they hold, each format writes whole lines with no control characters,
// Combined keeps exactly its three quoted fields, and JSON stays JSON.
func FuzzAccessLogLine(f *testing.F) {
	for _, s := range escapeSeeds {
		f.Add("GET", s, s, "", "File not found", "[::1]:80")
		f.Add("G\x1bT", "/", "", s, s, s)
	}
	f.Fuzz(func(t *testing.T, method, target, ua, referer, msg, remote string) {
		r := &http.Request{Method: method, RequestURI: target, Proto: "HTTP/1.1", RemoteAddr: remote,
			Header: http.Header{"User-Agent": {ua}, "Referer": {referer}}}
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			errorpage.Write(w, r, 404, msg)
		})
		for _, format := range []LogFormat{Python, Common, Combined, JSON} {
			var buf bytes.Buffer
			NewAccessLog(&buf, AccessLogOptions{Format: format, Now: fixedNow}).Handler(h).ServeHTTP(nopWriter{h: http.Header{}}, r)
			out := buf.String()
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			want := 1
			if format == Python {
				want = 2 // the error line, then the request line
			}
			if !strings.HasSuffix(out, "\n") || len(lines) != want {
				t.Fatalf("%v: %q is not %d lines", format, out, want)
			}
			for _, l := range lines {
				checkClean(t, l)
			}
			switch format {
			case Combined:
				if n := quotedFields(lines[0]); n != 3 {
					t.Fatalf("combined line %q has %d quoted fields; want 3", out, n)
				}
			case JSON:
				if !json.Valid([]byte(out)) {
					t.Fatalf("json line %q is not JSON", out)
				}
			}
		}
	})
}

// quotedFields counts the "..." fields of a log line, honouring \" and \\.
func quotedFields(s string) int {
	n, in := 0, false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\': // an escape, in or out of quotes
			i++
		case s[i] == '"':
			if in {
				n++
			}
			in = !in
		}
	}
	if in {
		return -1
	}
	return n
}
