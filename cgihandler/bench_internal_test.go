package cgihandler

import (
	"bufio"
	"strings"
	"testing"
)

func BenchmarkReadHeader(b *testing.B) {
	const in = "Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nSet-Cookie: a=1\r\nX-Frame-Options: DENY\r\n\r\n<html>"
	r := strings.NewReader(in)
	br := bufio.NewReaderSize(r, 32<<10)
	b.ReportAllocs()
	for b.Loop() {
		r.Reset(in)
		br.Reset(r)
		if _, err := readHeader(br); err != nil {
			b.Fatal(err)
		}
	}
}
