#!/usr/bin/env bash
# idlerss.sh measures a build's idle RSS the way run.sh's scenario 8
# does (VmRSS of a fresh server once it has answered GET /1k.txt), over
# several starts, and splits it by mapping from /proc/PID/smaps: the
# binary's text, read-only data (rodata, pclntab, itabs) and data, its
# bss, other anonymous memory (the Go heap arena with the goroutine
# stacks, the runtime's metadata), and shared libraries (libc and ld.so
# in a cgo build).
#
#	bench/idlerss.sh [-n STARTS] BINARY...
#
# Each binary is started STARTS times (default 7), in turn with the
# others, pinned to core 0 like run.sh's servers, on 127.0.0.1 over a
# scratch directory holding 1k.txt; the figures are medians, in KiB.
set -euo pipefail

starts=7
if [[ ${1:-} == -n ]]; then
	starts=$2
	shift 2
fi
(($# > 0)) || {
	echo "usage: $0 [-n STARTS] BINARY..." >&2
	exit 2
}

root=$(mktemp -d)
out=$(mktemp)
trap 'rm -rf "$root" "$out"' EXIT
yes 'The quick brown fox jumps over the lazy dog 0123456789' | head -c 1024 >"$root/1k.txt" || true

# shellcheck source=probe.sh
source "$(dirname "${BASH_SOURCE[0]}")/probe.sh"

# classes prints one line of KiB per class for the process pid running bin.
classes() { # pid bin
	awk -v bin="$(readlink -f "$2")" '
	/^[0-9a-f]+-[0-9a-f]+ / {
		split($1, a, "-")
		if ($6 == bin) c = ($2 ~ /x/ ? "text" : ($2 ~ /w/ ? "data" : "rodata"))
		else if ($6 == "" && length(a[1]) <= 8) c = "bss" # just after the binary
		else if ($6 == "") c = "anon"
		else if ($6 ~ /^\[/) c = "other"
		else c = "libs"
	}
	/^Rss:/ { s[c] += $2; t += $2 }
	END { printf "text=%d rodata=%d data=%d bss=%d anon=%d libs=%d other=%d total=%d\n", s["text"], s["rodata"], s["data"], s["bss"], s["anon"], s["libs"], s["other"], t }
	' "/proc/$1/smaps"
}

for ((i = 1; i <= starts; i++)); do
	for bin in "$@"; do
		port=$((20000 + RANDOM % 20000))
		taskset -c 0 "$bin" "$port" -b 127.0.0.1 -d "$root" --quiet >/dev/null 2>&1 &
		pid=$!
		ok=0
		for ((j = 0; j < 2000; j++)); do # at most 2,000 tries, each over in 2 s
			if probe "$port"; then
				ok=1
				break
			fi
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.005
		done
		if ((ok)); then
			echo "$bin $(classes "$pid" "$bin")" >>"$out"
		else
			echo "$bin did not answer on port $port" >&2
		fi
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
done

awk '
{
	n[$1]++
	for (i = 2; i <= NF; i++) {
		split($i, kv, "=")
		v[$1, kv[1], n[$1]] = kv[2]
		if (NR == 1) keys[++nk] = kv[1]
	}
	if (!($1 in order)) { order[$1] = ++nb; names[nb] = $1 }
}
function median(b, k,   m, i, j, t, a) {
	m = n[b]
	for (i = 1; i <= m; i++) a[i] = v[b, k, i]
	for (i = 2; i <= m; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
	return a[int((m + 1) / 2)]
}
END {
	for (b = 1; b <= nb; b++) {
		line = names[b] " (" n[names[b]] " starts):"
		for (k = 1; k <= nk; k++) line = line " " keys[k] "=" median(names[b], keys[k])
		print line
	}
}' "$out"
