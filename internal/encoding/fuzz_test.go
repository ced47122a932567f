package encoding

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// refNegotiate is Negotiate written the obvious way, from RFC 9110's
// grammar, with regular expressions and floats: the fuzz target checks
// that the allocation-free parser agrees with it.
var (
	token   = `[!#$%&'*+.^_` + "`" + `|~0-9A-Za-z-]+`
	elemRE  = regexp.MustCompile(`^[ \t]*(` + token + `)((?:[ \t]*;[ \t]*` + token + `=` + token + `)*)[ \t]*$`)
	paramRE = regexp.MustCompile(`;[ \t]*(` + token + `)=(` + token + `)`)
	qRE     = regexp.MustCompile(`^(0(\.[0-9]{0,3})?|1(\.0{0,3})?)$`)
)

func refNegotiate(header []string, offered []string) (string, bool) {
	weights := map[string]float64{} // lower-case name -> weight
	for _, line := range header {
	elems:
		for _, e := range strings.Split(line, ",") {
			if strings.Trim(e, " \t") == "" {
				continue
			}
			m := elemRE.FindStringSubmatch(e)
			if m == nil {
				continue
			}
			name := strings.ToLower(m[1])
			if name == "x-gzip" {
				name = "gzip"
			}
			q := 1.0
			for _, p := range paramRE.FindAllStringSubmatch(m[2], -1) {
				if strings.ToLower(p[1]) != "q" {
					continue
				}
				if !qRE.MatchString(p[2]) {
					continue elems
				}
				q, _ = strconv.ParseFloat(p[2], 64)
			}
			if old, ok := weights[name]; !ok || q < old {
				weights[name] = q
			}
		}
	}
	weight := func(name string) (float64, bool) {
		if q, ok := weights[name]; ok {
			return q, true
		}
		q, ok := weights["*"]
		return q, ok
	}
	best, bestQ := "", 0.0
	for _, c := range offered {
		if strings.ToLower(c) == "identity" || c == "*" {
			continue
		}
		if q, _ := weight(strings.ToLower(c)); q > bestQ+1e-9 {
			best, bestQ = c, q
		}
	}
	idQ, listed := weight("identity")
	if !listed {
		idQ = 0.001
	}
	switch {
	case best != "" && bestQ >= idQ-1e-9:
		return best, true
	case idQ > 0:
		return Identity, true
	}
	return "", false
}

func FuzzNegotiate(f *testing.F) {
	for _, tt := range negotiateTests {
		mask := uint8(7)
		if tt.offered != nil {
			mask = 0
			for i, c := range all {
				if slices.Contains(tt.offered, c) {
					mask |= 1 << i
				}
			}
		}
		if h := strings.Join(tt.header, "\n"); len(h) <= 4096 {
			f.Add(h, mask)
		}
	}
	f.Fuzz(func(t *testing.T, header string, mask uint8) {
		if len(header) > 4096 {
			return // sizes are the table's business; the reference's regexps are slow
		}
		var offered []string
		for i, c := range all {
			if mask&(1<<i) != 0 {
				offered = append(offered, c)
			}
		}
		lines := strings.Split(header, "\n")
		coding, ok := Negotiate(lines, offered)
		switch {
		case !ok && coding != "":
			t.Fatalf("Negotiate(%q, %q) = %q, false; want an empty coding", lines, offered, coding)
		case ok && coding != Identity && !slices.Contains(offered, coding):
			t.Fatalf("Negotiate(%q, %q) = %q, not offered", lines, offered, coding)
		}
		if rc, rok := refNegotiate(lines, offered); rc != coding || rok != ok {
			t.Fatalf("Negotiate(%q, %q) = %q, %v; the reference says %q, %v", lines, offered, coding, ok, rc, rok)
		}
	})
}

func FuzzAddBaseETags(f *testing.F) {
	for _, tt := range addBaseTests {
		f.Add(tt.list, tt.coding)
	}
	f.Fuzz(func(t *testing.T, list, coding string) {
		got, added := AddBaseETags(list, coding)
		if !added {
			if got != list {
				t.Fatalf("AddBaseETags(%q, %q) = %q, false; want the list unchanged", list, coding, got)
			}
			return
		}
		// Every tag of the list is still there, in order, each encoded
		// one followed by its base; and the result is a list of tags.
		var in, out []string
		for rest := list; ; {
			tag, r, ok := nextETag(rest)
			if !ok {
				t.Fatalf("AddBaseETags(%q, %q) added to a list that does not parse", list, coding)
			}
			if tag == "" {
				break
			}
			in = append(in, tag)
			rest = r
		}
		for rest := got; ; {
			tag, r, ok := nextETag(rest)
			if !ok {
				t.Fatalf("AddBaseETags(%q, %q) = %q, which does not parse", list, coding, got)
			}
			if tag == "" {
				break
			}
			out = append(out, tag)
			rest = r
		}
		j := 0
		for _, tag := range in {
			if j >= len(out) || out[j] != tag {
				t.Fatalf("AddBaseETags(%q, %q) = %q: lost %q", list, coding, got, tag)
			}
			j++
			if base, ok := strings.CutSuffix(tag, "-"+coding+`"`); ok && len(strings.TrimPrefix(base, "W/")) > 0 {
				if j >= len(out) || out[j] != base+`"` {
					t.Fatalf("AddBaseETags(%q, %q) = %q: %q not followed by its base", list, coding, got, tag)
				}
				j++
			}
		}
		if j != len(out) {
			t.Fatalf("AddBaseETags(%q, %q) = %q: more tags than expected", list, coding, got)
		}
	})
}
