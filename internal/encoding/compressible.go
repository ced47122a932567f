package encoding

import "strings"

// Compressible reports whether a response of the given Content-Type gains
// from compression: every text/* type; JSON, JavaScript, XML and any
// "+json" or "+xml" type (SVG, Atom, RSS, XHTML, web manifests); WASM;
// and uncompressed fonts (TrueType, OpenType, EOT). Parameters and case
// are ignored. It is false for an empty or unparsable type, for
// application/octet-stream and every other type it does not know, and for
// formats that are compressed already: images other than SVG, audio,
// video, archives, PDF and WOFF fonts.
func Compressible(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	typ, sub, ok := strings.Cut(trimOWS(mt), "/")
	if !ok || tokenLen(typ) != len(typ) || typ == "" || tokenLen(sub) != len(sub) || sub == "" {
		return false
	}
	if hasSuffixFold(sub, "+json") || hasSuffixFold(sub, "+xml") {
		return true
	}
	var known []string
	switch {
	case strings.EqualFold(typ, "text"):
		return true
	case strings.EqualFold(typ, "application"):
		known = compressibleApplication
	case strings.EqualFold(typ, "font"):
		known = compressibleFont
	}
	for _, k := range known {
		if strings.EqualFold(sub, k) {
			return true
		}
	}
	return false
}

// compressibleApplication are the application/* subtypes, other than
// "+json" and "+xml" ones, that are text or an uncompressed format.
var compressibleApplication = []string{
	"json", "x-ndjson", "jsonl",
	"javascript", "x-javascript", "ecmascript", "x-ecmascript",
	"xml", "xml-dtd",
	"wasm",
	"x-sh", "x-csh", "x-perl", "x-tcl", "x-tex", "x-latex", "postscript", "rtf",
	"yaml", "x-yaml", "toml", "sql", "graphql",
	"vnd.apple.mpegurl", "x-mpegurl",
	"vnd.ms-fontobject", "x-font-ttf", "x-font-otf", "x-font-opentype", "x-font-truetype",
}

// compressibleFont are the font/* subtypes that are not compressed
// already: woff and woff2 are.
var compressibleFont = []string{"ttf", "otf", "sfnt", "collection"}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}
