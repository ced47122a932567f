package main

import (
	"strings"
	"testing"
)

func TestSummarize(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []float64
		want stats
		ok   bool
	}{
		{"empty", nil, stats{}, false},
		{"one", []float64{5}, stats{5, 5, 5, 1}, true},
		{"odd", []float64{3, 1, 2}, stats{2, 1, 3, 3}, true},
		{"even", []float64{4, 1, 2, 3}, stats{2.5, 1, 4, 4}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := summarize(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Errorf("summarize(%v) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

const sample = `1,ours,s1_1k,rps,200
1,go,s1_1k,rps,100
2,ours,s1_1k,rps,300
2,go,s1_1k,rps,100
3,ours,s1_1k,rps,100
3,go,s1_1k,rps,0
1,ours,s8,idle_rss_kib,9000
`

func TestRatioPairsRepetitions(t *testing.T) {
	r, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	// Repetition 3's peer is 0 and is left out rather than dividing by it.
	got, ok := r.ratio(key{"ours", "s1_1k", "rps"}, key{"go", "s1_1k", "rps"})
	if want := (stats{2.5, 2, 3, 2}); !ok || got != want {
		t.Errorf("ratio = %+v, %v; want %+v", got, ok, want)
	}
	if _, ok := r.ratio(key{"ours", "s1_1k", "rps"}, key{"nginx", "s1_1k", "rps"}); ok {
		t.Error("ratio against a peer with no figures reported ok")
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		"x,ours,s1_1k,rps,1\n",
		"1,ours,s1_1k,rps,fast\n",
		"1,ours,s1_1k,rps\n",
	} {
		if _, err := parse(strings.NewReader(in)); err == nil {
			t.Errorf("parse(%q) succeeded", in)
		}
	}
}

func TestWriteTargets(t *testing.T) {
	r, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	write(&b, r, map[string]string{"load1_start": "0.2", "load1_max": "2.4", "date": "D", "command": "C"})
	out := b.String()
	for _, want := range []string{
		"quiet machine",
		"| 1 KiB keep-alive req/s ≥ 1.2 × Go FileServer | 2.50 | 1.20 | met |",
		"| idle RSS ≤ 10 MiB (KiB) | 9000 | 10240 | met |",
		"| 64 KiB req/s ≥ 1.0 × Go FileServer | 0.00 | 1.00 | not measured |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	b.Reset()
	for _, meta := range []map[string]string{
		{"load1_start": "3.1"},
		{"load1_start": "0.1", "load1_max": "6.2"},
	} {
		b.Reset()
		write(&b, r, meta)
		if !strings.Contains(b.String(), "**loaded machine**") {
			t.Errorf("%v is not flagged as loaded:\n%s", meta, b.String())
		}
	}
}

func TestCompressionSection(t *testing.T) {
	const in = `1,ours,c1_js,rps,300
1,ours,c1_js,ce_br,1
1,ours,c1_js,decoded_ok,1
1,nginx-static,c1_js,rps,400
1,ours-compress,c1_js,rps,290
1,ours,c2_list,rps,10
1,ours,c2_list,body_bytes,1000
1,ours-compress,c2_list,rps,6
1,ours-compress,c2_list,body_bytes,100
`
	r, err := parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	write(&b, r, nil)
	out := b.String()
	for _, want := range []string{
		"| 100 KiB JS | ours, sidecar (default) | br | yes |",
		"| 100 KiB JS, sidecar req/s ≥ 0.75 × nginx gzip_static | 0.75 | 0.75 | met |",
		"| 100 KiB JS, sidecar req/s ≥ 2 × Caddy precompressed | – | 2.00 | not measured |",
		"| 10k listing, compressed: body bytes ≤ 0.2 × identity | 0.10 | 0.20 | met |",
		"| 10k listing, compressed: req/s ≥ 0.7 × identity | 0.60 | 0.70 | not met |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Targets (issue 7)") {
		t.Errorf("report of compression figures alone has issue 7's targets:\n%s", out)
	}
}
