package encoding

import "testing"

func TestCompressible(t *testing.T) {
	for _, tt := range []struct {
		ctype string
		want  bool
	}{
		{"text/html; charset=utf-8", true},
		{"text/plain", true},
		{"text/css", true},
		{"text/javascript", true},
		{"text/csv", true},
		{"text/event-stream", true},
		{"TEXT/HTML", true},
		{" text/html ;charset=utf-8", true},
		{"text/x-anything", true},
		{"application/json", true},
		{"application/JSON; charset=utf-8", true},
		{"application/ld+json", true},
		{"application/manifest+json", true},
		{"application/vnd.api+json", true},
		{"application/javascript", true},
		{"application/x-javascript", true},
		{"application/ecmascript", true},
		{"application/xml", true},
		{"application/xhtml+xml", true},
		{"application/atom+xml", true},
		{"application/rss+xml", true},
		{"image/svg+xml", true},
		{"application/wasm", true},
		{"application/rtf", true},
		{"application/vnd.ms-fontobject", true},
		{"font/ttf", true},
		{"font/otf", true},
		{"application/vnd.apple.mpegurl", true},

		{"", false},
		{"text", false},
		{"text/", false},
		{"/html", false},
		{"text/html/x", false},
		{"te xt/html", false},
		{"application/octet-stream", false},
		{"application/gzip", false},
		{"application/zip", false},
		{"application/zstd", false},
		{"application/x-brotli", false},
		{"application/x-tar", false},
		{"application/x-7z-compressed", false},
		{"application/vnd.rar", false},
		{"application/pdf", false},
		{"application/epub+zip", false},
		{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", false},
		{"image/png", false},
		{"image/jpeg", false},
		{"image/webp", false},
		{"image/avif", false},
		{"image/gif", false},
		{"image/vnd.microsoft.icon", false},
		{"video/mp4", false},
		{"video/webm", false},
		{"audio/mpeg", false},
		{"audio/ogg", false},
		{"font/woff", false},
		{"font/woff2", false},
		{"multipart/byteranges; boundary=x", false},
		{"application/x-unknown", false},
	} {
		if got := Compressible(tt.ctype); got != tt.want {
			t.Errorf("Compressible(%q) = %v; want %v", tt.ctype, got, tt.want)
		}
	}
}
