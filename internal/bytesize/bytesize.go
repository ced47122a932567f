// Package bytesize parses the byte counts of command-line options such as
// --max-upload: a decimal count with an optional binary suffix.
package bytesize

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// Parse returns the number of bytes s names: decimal digits, optionally
// followed by K, M, G or T (powers of 1024; in either letter case, with
// or without a trailing "B" or "iB": "64K", "1G", "512MiB", "10mb"), or
// by "B" alone. No sign, space, fraction or exponent is accepted, and a
// count that does not fit in an int64 is an error, never a wrapped value.
func Parse(s string) (int64, error) {
	digits := strings.TrimRightFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if i := strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 || digits == "" {
		return 0, errSyntax
	}
	suffix := strings.ToUpper(s[len(digits):])
	var shift uint
	switch strings.TrimSuffix(strings.TrimSuffix(suffix, "B"), "I") {
	case "":
		if suffix != "" && suffix != "B" {
			return 0, errSyntax // "IB"
		}
	case "K":
		shift = 10
	case "M":
		shift = 20
	case "G":
		shift = 30
	case "T":
		shift = 40
	default:
		return 0, errSyntax
	}
	if strings.HasSuffix(suffix, "I") {
		return 0, errSyntax // "Ki" without its B
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n > math.MaxInt64>>shift {
		return 0, errRange
	}
	return n << shift, nil
}

var (
	errSyntax = errors.New("not a byte count like 1048576, 64K, 512M or 1G")
	errRange  = errors.New("byte count too large")
)
