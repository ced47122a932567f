// Command report turns the results.csv that bench/run.sh writes into the
// Markdown tables of bench/README.md: ratios of ours to each peer with
// their spread, the issue's targets met or not, and the raw figures.
//
//	go run ./bench/report -meta out/meta.txt out/results.csv
//
// Each CSV row is rep,variant,scenario,metric,value. A ratio is taken
// per repetition (ours and the peer of the same repetition ran minutes
// apart, under the same conditions) and reported as the median with the
// min–max of those ratios.
package main

import (
	"bufio"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

func main() {
	meta := flag.String("meta", "", "meta.txt written by run.sh (optional)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: report [-meta meta.txt] results.csv")
		os.Exit(2)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
	defer f.Close()
	res, err := parse(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
	m := map[string]string{}
	if *meta != "" {
		if m, err = readMeta(*meta); err != nil {
			fmt.Fprintln(os.Stderr, "report:", err)
			os.Exit(1)
		}
	}
	w := bufio.NewWriter(os.Stdout)
	write(w, res, m)
	w.Flush()
}

// key names one measured series: a metric of a variant in a scenario.
type key struct{ variant, scenario, metric string }

// results maps each series to its value per repetition.
type results map[key]map[int]float64

func parse(r io.Reader) (results, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 5
	res := results{}
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return res, nil
		}
		if err != nil {
			return nil, err
		}
		rep, err := strconv.Atoi(rec[0])
		if err != nil {
			return nil, fmt.Errorf("line %d: repetition %q is not a number", line, rec[0])
		}
		v, err := strconv.ParseFloat(rec[4], 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: value %q is not a number", line, rec[4])
		}
		k := key{rec[1], rec[2], rec[3]}
		if res[k] == nil {
			res[k] = map[int]float64{}
		}
		res[k][rep] = v
	}
}

func readMeta(name string) (map[string]string, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for l := range strings.Lines(string(b)) {
		if k, v, ok := strings.Cut(strings.TrimSpace(l), "="); ok {
			m[k] = v
		}
	}
	return m, nil
}

// stats is the median and range of a set of values.
type stats struct {
	med, min, max float64
	n             int
}

func summarize(vs []float64) (stats, bool) {
	if len(vs) == 0 {
		return stats{}, false
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return stats{med: med, min: s[0], max: s[len(s)-1], n: len(s)}, true
}

// series summarizes one series over its repetitions.
func (r results) series(k key) (stats, bool) {
	var vs []float64
	for _, v := range r[k] {
		vs = append(vs, v)
	}
	return summarize(vs)
}

// ratio summarizes a/b taken repetition by repetition, over the
// repetitions both have.
func (r results) ratio(a, b key) (stats, bool) {
	var vs []float64
	for rep, av := range r[a] {
		if bv, ok := r[b][rep]; ok && bv > 0 {
			vs = append(vs, av/bv)
		}
	}
	return summarize(vs)
}

func (s stats) String() string {
	switch s.n {
	case 0:
		return "–"
	case 1:
		return num(s.med)
	}
	return fmt.Sprintf("%s (%s–%s)", num(s.med), num(s.min), num(s.max))
}

func num(v float64) string {
	switch {
	case v >= 1000:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

// A comparison is one line of the ratio table.
type comparison struct {
	label    string
	ours     key
	peers    []string
	lowerWin bool // smaller is better (latency, memory, time)
}

var peers = []string{"go", "nginx", "caddy", "lighttpd", "python"}

var comparisons = []comparison{
	{"1 · 1 KiB keep-alive, 64 conns: req/s", key{"ours", "s1_1k", "rps"}, peers, false},
	{"1 · 1 KiB keep-alive: p99 ms", key{"ours", "s1_1k", "p99_ms"}, peers, true},
	{"2 · 64 KiB: req/s", key{"ours", "s2_64k", "rps"}, peers, false},
	{"3 · 10 MiB, 8 conns: MB/s", key{"ours", "s3_10m", "mbps"}, peers, false},
	{"4 · 1 KiB Connection: close: req/s", key{"ours", "s4_close", "rps"}, peers, false},
	{"5 · 10k listing, modern page: req/s", key{"ours", "s5_list", "rps"}, peers, false},
	{"5 · 10k listing, Python page: req/s", key{"ours-pylist", "s5_list", "rps"}, peers, false},
	{"6 · CGI hello: req/s", key{"ours-cgi", "s6_cgi", "rps"}, []string{"go", "lighttpd", "python"}, false},
	{"8 · start-up to first 200: ms", key{"ours", "s8", "startup_ms"}, peers, true},
	{"8 · idle RSS: KiB", key{"ours", "s8", "idle_rss_kib"}, peers, true},
	{"8 · idle RSS, CGO_ENABLED=0 build: KiB", key{"ours-static", "s8", "idle_rss_kib"}, peers, true},
	{"8 · peak RSS under listing load: KiB", key{"ours", "s8", "peak_rss_listing_kib"}, peers, true},
}

// A target is one row of the issue's table.
type target struct {
	name string
	// check returns the measured median, the bound and whether it holds;
	// ok is false when the figures are missing.
	check func(r results) (got, want float64, met, ok bool)
}

// atLeast is a target on ours ÷ peer.
func atLeast(ours key, peer string, factor float64) func(results) (float64, float64, bool, bool) {
	return func(r results) (float64, float64, bool, bool) {
		s, ok := r.ratio(ours, key{peer, ours.scenario, ours.metric})
		return s.med, factor, s.med >= factor, ok
	}
}

// atMost is a target on a measured value of ours.
func atMost(ours key, bound float64) func(results) (float64, float64, bool, bool) {
	return func(r results) (float64, float64, bool, bool) {
		s, ok := r.series(ours)
		return s.med, bound, s.med <= bound, ok
	}
}

var targets = []target{
	{"1 KiB keep-alive req/s ≥ 1.2 × Go FileServer", atLeast(key{"ours", "s1_1k", "rps"}, "go", 1.2)},
	{"1 KiB keep-alive req/s ≥ 2 × Caddy", atLeast(key{"ours", "s1_1k", "rps"}, "caddy", 2)},
	{"64 KiB req/s ≥ 1.0 × Go FileServer", atLeast(key{"ours", "s2_64k", "rps"}, "go", 1)},
	{"Connection: close req/s ≥ 1.0 × Go FileServer", atLeast(key{"ours", "s4_close", "rps"}, "go", 1)},
	{"10 MiB MB/s ≥ 1.0 × nginx", atLeast(key{"ours", "s3_10m", "mbps"}, "nginx", 1)},
	{"10k listing, modern page req/s ≥ 1.0 × nginx autoindex", atLeast(key{"ours", "s5_list", "rps"}, "nginx", 1)},
	{"10k listing, Python page req/s ≥ 1.0 × Go FileServer", atLeast(key{"ours-pylist", "s5_list", "rps"}, "go", 1)},
	{"CGI hello req/s ≥ 1.0 × Go net/http/cgi", atLeast(key{"ours-cgi", "s6_cgi", "rps"}, "go", 1)},
	{"CGI hello req/s ≥ 1.0 × lighttpd mod_cgi", atLeast(key{"ours-cgi", "s6_cgi", "rps"}, "lighttpd", 1)},
	{"1 KiB req/s ≥ 15 × Python", atLeast(key{"ours", "s1_1k", "rps"}, "python", 15)},
	{"64 KiB req/s ≥ 15 × Python", atLeast(key{"ours", "s2_64k", "rps"}, "python", 15)},
	{"access log on, 1 KiB: ≥ 0.95 × off", func(r results) (float64, float64, bool, bool) {
		s, ok := r.ratio(key{"ours-log", "s1_1k", "rps"}, key{"ours", "s1_1k", "rps"})
		return s.med, 0.95, s.med >= 0.95, ok
	}},
	{"access log on, 10 MiB: ≥ 0.95 × off", func(r results) (float64, float64, bool, bool) {
		s, ok := r.ratio(key{"ours-log", "s3_10m", "mbps"}, key{"ours", "s3_10m", "mbps"})
		return s.med, 0.95, s.med >= 0.95, ok
	}},
	{"1 KiB keep-alive req/s ≥ 0.9 × the floor (bench/floor)", atLeast(key{"ours", "s1_1k", "rps"}, "floor", 0.9)},
	{"1 KiB keep-alive, access log on: ≥ 0.85 × the floor", atLeast(key{"ours-log", "s1_1k", "rps"}, "floor", 0.85)},
	{"idle RSS ≤ 10 MiB (KiB)", atMost(key{"ours", "s8", "idle_rss_kib"}, 10240)},
	{"idle RSS ≤ 10 MiB, CGO_ENABLED=0 build (KiB)", atMost(key{"ours-static", "s8", "idle_rss_kib"}, 10240)},
	{"peak RSS under the listing load ≤ 64 MiB (KiB)", atMost(key{"ours", "s8", "peak_rss_listing_kib"}, 65536)},
	{"start-up to first response ≤ 10 ms", atMost(key{"ours", "s8", "startup_ms"}, 10)},
}

func write(w io.Writer, r results, meta map[string]string) {
	fmt.Fprintf(w, "Measured %s with `%s` (%s, %s; commit %s).\n",
		orDash(meta["date"]), orDash(meta["command"]), orDash(meta["mode"]), loadNote(meta), orDash(meta["commit"]))
	fmt.Fprintln(w)
	// bench/run.sh --only compress measures issue 16's scenarios alone.
	if measuredAny(r, "s") {
		writeIssue7(w, r)
	}
	if measuredAny(r, "c") {
		writeCompression(w, r)
	}
	writeExtras(w, r)
}

// measuredAny reports whether r has figures for a scenario whose name
// starts with prefix: "s" for issue 7's, "c" for issue 16's.
func measuredAny(r results, prefix string) bool {
	for k := range r {
		if strings.HasPrefix(k.scenario, prefix) {
			return true
		}
	}
	return false
}

// writeIssue7 writes the ratio and target tables of issue 7.
func writeIssue7(w io.Writer, r results) {
	fmt.Fprintln(w, "### Ratios: ours ÷ peer, median (min–max) over repetitions")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| scenario | ours | "+strings.Join(peers, " | ")+" |")
	fmt.Fprintln(w, "|---|---|"+strings.Repeat("---|", len(peers)))
	for _, c := range comparisons {
		s, ok := r.series(c.ours)
		if !ok {
			continue
		}
		row := []string{c.label, s.String()}
		for _, p := range peers {
			cell := "–"
			if slices.Contains(c.peers, p) {
				if rs, ok := r.ratio(c.ours, key{p, c.ours.scenario, c.ours.metric}); ok {
					cell = rs.String()
				}
			}
			row = append(row, cell)
		}
		fmt.Fprintln(w, "| "+strings.Join(row, " | ")+" |")
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "For req/s and MB/s a ratio above 1 means we are faster; for ms and KiB, below 1 means we are leaner.")
	fmt.Fprintln(w)

	fmt.Fprintln(w, "### Targets (issue 7)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| target | measured (median) | bound | |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, t := range targets {
		got, want, met, ok := t.check(r)
		verdict := "not met"
		switch {
		case !ok:
			verdict, got = "not measured", 0
		case met:
			verdict = "met"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", t.name, num(got), num(want), verdict)
	}
	fmt.Fprintln(w)
}

// writeExtras writes the load-balancer, system-call and raw tables.
func writeExtras(w io.Writer, r results) {
	if _, ok := r.series(key{"lb-mtime", "lb", "cond_304"}); ok {
		fmt.Fprintln(w, "### Past one machine: two replicas behind nginx")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| ETags | replicas agree | If-None-Match → 304 | → 200 | aggregate req/s, 1 KiB |")
		fmt.Fprintln(w, "|---|---|---|---|---|")
		for _, mode := range []string{"mtime", "content"} {
			v := "lb-" + mode
			agree, ok := r.series(key{v, "lb", "etags_equal"})
			if !ok {
				continue
			}
			n304, _ := r.series(key{v, "lb", "cond_304"})
			n200, _ := r.series(key{v, "lb", "cond_200"})
			rps, _ := r.series(key{v, "lb", "rps"})
			yes := map[bool]string{true: "yes", false: "no"}[agree.med == 1]
			fmt.Fprintf(w, "| `--etag %s` | %s | %.0f of 20 | %.0f of 20 | %s |\n", mode, yes, n304.med, n200.med, rps)
		}
		fmt.Fprintln(w)
	}

	if _, ok := r.series(key{"ours", "syscalls_10m", "write"}); ok {
		fmt.Fprintln(w, "### System calls for one response (ours, strace -c)")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| file | write | sendfile | read |")
		fmt.Fprintln(w, "|---|---|---|---|")
		for _, f := range []string{"1k", "10m"} {
			var cells []string
			for _, c := range []string{"write", "sendfile", "read"} {
				v, _ := r.series(key{"ours", "syscalls_" + f, c})
				cells = append(cells, strconv.FormatFloat(v.med, 'f', 0, 64))
			}
			fmt.Fprintf(w, "| %s | %s |\n", f, strings.Join(cells, " | "))
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w, "A 10 MiB file should take a few sendfile calls; hundreds of writes mean a wrapper hid *net.TCPConn's ReadFrom.")
		fmt.Fprintln(w)
	}

	fmt.Fprintln(w, "### Raw figures, median (min–max)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| variant | scenario | req/s | MB/s | p50 ms | p99 ms | errors | other |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	var ks []key
	seen := map[[2]string]bool{}
	for k := range r {
		if !seen[[2]string{k.variant, k.scenario}] {
			seen[[2]string{k.variant, k.scenario}] = true
			ks = append(ks, k)
		}
	}
	slices.SortFunc(ks, func(a, b key) int {
		if c := strings.Compare(a.scenario, b.scenario); c != 0 {
			return c
		}
		return strings.Compare(a.variant, b.variant)
	})
	for _, k := range ks {
		cell := func(metric string) string {
			if s, ok := r.series(key{k.variant, k.scenario, metric}); ok {
				return s.String()
			}
			return ""
		}
		var other []string
		for _, m := range []string{"body_bytes", "startup_ms", "idle_rss_kib", "peak_rss_files_kib", "peak_rss_listing_kib", "peak_rss_kib", "etags_equal", "cond_304", "cond_200"} {
			if c := cell(m); c != "" {
				other = append(other, m+" "+c)
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", k.variant, k.scenario,
			cell("rps"), cell("mbps"), cell("p50_ms"), cell("p99_ms"), cell("errors"), strings.Join(other, "; "))
	}
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// loadNote flags a run taken while other work shared the machine: a
// 1-minute load of 0.5 or more at the start, or above 3 at any sample
// during the run, which itself keeps about two tasks runnable.
func loadNote(meta map[string]string) string {
	start, err := strconv.ParseFloat(meta["load1_start"], 64)
	if err != nil {
		return "load unknown"
	}
	peak, err := strconv.ParseFloat(meta["load1_max"], 64)
	if err != nil {
		peak = start
	}
	desc := fmt.Sprintf("1-min load %s at start, %s at most", meta["load1_start"], orDash(meta["load1_max"]))
	if start >= 0.5 || peak > 3 {
		return "**loaded machine**: " + desc
	}
	return "quiet machine: " + desc
}

// compressionRows are the lines of issue 16's table: the 100 KiB script
// and the listing, asked for with a browser's Accept-Encoding.
var compressionRows = []struct{ variant, scenario, what string }{
	{"ours-compress", "c1_js", "ours, on the fly, compressed once (`--compress --no-precompressed`)"},
	{"ours", "c1_js", "ours, sidecar (default)"},
	{"nginx-static", "c1_js", "nginx `gzip on; gzip_static on` (+ `brotli_static on` with the module)"},
	{"caddy-encode", "c1_js", "Caddy `encode zstd gzip`"},
	{"caddy-precompressed", "c1_js", "Caddy `file_server { precompressed br gzip }`"},
	{"go", "c1_js", "Go http.FileServer"},
	{"ours-compress", "c2_list", "ours `--compress`"},
	{"ours", "c2_list", "ours, identity"},
}

// compressionTargets are issue 16's: a ratio of two series, at least (or,
// for bytes, at most) a bound.
var compressionTargets = []struct {
	name   string
	a, b   key
	bound  float64
	atMost bool
}{
	{"100 KiB JS, sidecar req/s ≥ 0.75 × nginx gzip_static", key{"ours", "c1_js", "rps"}, key{"nginx-static", "c1_js", "rps"}, 0.75, false},
	{"100 KiB JS, sidecar req/s ≥ 2 × Caddy precompressed", key{"ours", "c1_js", "rps"}, key{"caddy-precompressed", "c1_js", "rps"}, 2, false},
	{"100 KiB JS, on the fly req/s ≥ 0.95 × our sidecar", key{"ours-compress", "c1_js", "rps"}, key{"ours", "c1_js", "rps"}, 0.95, false},
	{"100 KiB JS, on the fly req/s ≥ 0.75 × nginx gzip_static", key{"ours-compress", "c1_js", "rps"}, key{"nginx-static", "c1_js", "rps"}, 0.75, false},
	{"100 KiB JS, on the fly req/s ≥ 5 × Caddy encode", key{"ours-compress", "c1_js", "rps"}, key{"caddy-encode", "c1_js", "rps"}, 5, false},
	{"10k listing, compressed: body bytes ≤ 0.2 × identity", key{"ours-compress", "c2_list", "body_bytes"}, key{"ours", "c2_list", "body_bytes"}, 0.2, true},
	{"10k listing, compressed: req/s ≥ 0.7 × identity", key{"ours-compress", "c2_list", "rps"}, key{"ours", "c2_list", "rps"}, 0.7, false},
}

// writeCompression writes issue 16's table and targets.
func writeCompression(w io.Writer, r results) {
	fmt.Fprintln(w, "### Compression (issue 16), Accept-Encoding: gzip, deflate, br, zstd")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| scenario | server | Content-Encoding | decodes to the file | body bytes | header bytes | req/s, median (min–max) | p99 ms |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	for _, row := range compressionRows {
		rps, ok := r.series(key{row.variant, row.scenario, "rps"})
		if !ok {
			continue
		}
		var codings []string
		for k := range r {
			if k.variant == row.variant && k.scenario == row.scenario && strings.HasPrefix(k.metric, "ce_") {
				codings = append(codings, strings.TrimPrefix(k.metric, "ce_"))
			}
		}
		slices.Sort(codings)
		decoded := "–"
		if d, ok := r.series(key{row.variant, row.scenario, "decoded_ok"}); ok {
			decoded = map[bool]string{true: "yes", false: "**no**"}[d.min == 1]
		}
		body, _ := r.series(key{row.variant, row.scenario, "body_bytes"})
		header, _ := r.series(key{row.variant, row.scenario, "header_bytes"})
		p99, _ := r.series(key{row.variant, row.scenario, "p99_ms"})
		scenario := map[string]string{"c1_js": "100 KiB JS", "c2_list": "10k listing"}[row.scenario]
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", scenario, row.what,
			orDash(strings.Join(codings, ", ")), decoded, num(body.med), num(header.med), rps, num(p99.med))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "### Targets (issue 16): ratios taken repetition by repetition, median (min–max)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| target | ratio | bound | |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, t := range compressionTargets {
		s, ok := r.ratio(t.a, t.b)
		verdict := "not measured"
		if ok {
			verdict = "not met"
			if t.atMost && s.med <= t.bound || !t.atMost && s.med >= t.bound {
				verdict = "met"
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", t.name, s, num(t.bound), verdict)
	}
	fmt.Fprintln(w)
}
