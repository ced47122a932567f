package tlsconfig

import (
	"bytes"
	"errors"
	"io/fs"
	"path/filepath"
	"strconv"
	"testing"
)

func TestReadPassword(t *testing.T) {
	cases := []struct {
		name, content, want string
	}{
		{"plain", "secret", "secret"},
		{"trailing newline", "secret\n", "secret"},
		{"crlf and spaces", "  secret \t\r\n", "secret"},
		{"inner spaces kept", " correct horse \n", "correct horse"},
		{"empty file", "", ""},
		{"only whitespace", "\n\r\n \t", ""},
		// Python's text mode turns "\r\n" and "\r" into "\n" throughout.
		{"inner crlf", "two\r\nlines\r\n", "two\nlines"},
		{"inner cr", "two\rlines", "two\nlines"},
		// str.strip() strips U+001C..U+001F and Unicode spaces; not NUL.
		{"ascii separators", "\x1c\x1dsecret\x1e\x1f", "secret"},
		{"unicode spaces", "\u00a0\u3000secret\u2028\u0085", "secret"},
		{"nul kept", "\x00secret\x00", "\x00secret\x00"},
		{"zero width space kept", "\u200bsecret", "\u200bsecret"},
		{"utf-8", " pässwörd\n", "pässwörd"},
		{"bom kept", "\ufeffsecret\n", "\ufeffsecret"},
		// Not UTF-8: Python would fail; we keep the bytes.
		{"latin-1", "p\xe4ss\n", "p\xe4ss"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, map[string][]byte{"pw": []byte(tc.content)})
			got, err := ReadPassword(filepath.Join(dir, "pw"))
			if err != nil {
				t.Fatalf("ReadPassword(%q): %v", tc.content, err)
			}
			if got == nil {
				t.Fatalf("ReadPassword(%q) = nil; want non-nil", tc.content)
			}
			if string(got) != tc.want {
				t.Errorf("ReadPassword(%q) = %q; want %q", tc.content, got, tc.want)
			}
		})
	}
}

func TestReadPasswordErrors(t *testing.T) {
	dir := writeFiles(t, map[string][]byte{"big": bytes.Repeat([]byte("a"), maxFileSize+1)})
	cases := []struct {
		name, path, want string
		is               error
	}{
		{"missing", filepath.Join(dir, "missing"), `cannot read TLS password file %q: no such file or directory`, fs.ErrNotExist},
		{"directory", dir, `cannot read TLS password file %q: is a directory`, nil},
		{"too large", filepath.Join(dir, "big"), `cannot read TLS password file %q: larger than 1048576 bytes`, ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadPassword(tc.path)
			if err == nil {
				t.Fatalf("ReadPassword = %q; want error", got)
			}
			if want := replaceQ(tc.want, tc.path); err.Error() != want {
				t.Errorf("error = %q; want %q", err, want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%q, %v) = false", err, tc.is)
			}
		})
	}
}

func replaceQ(format, name string) string {
	i := bytes.Index([]byte(format), []byte("%q"))
	return format[:i] + strconv.Quote(name) + format[i+2:]
}
