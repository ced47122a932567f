#!/usr/bin/env bash
# bench/ab.sh compares builds (or servers) by interleaved runs: each round
# starts every variant in turn on the same path, so that the machine's
# drift hits all of them alike. It prints each run, then per variant the
# median req/s, MB/s and server CPU per request (user+system from
# /proc/PID/stat; "child" is the CPU of the processes it reaped, CGI
# scripts), with the spread of req/s.
#
#   bench/ab.sh [-c CONNS] [-d SECONDS] [-r ROUNDS] [-H 'NAME: VALUE'] [-l LOAD] PATH NAME=COMMAND...
#
#   bench/ab.sh -r 7 /64k.txt \
#     "before=/tmp/httpserver-old PORT -b 127.0.0.1 -d /tmp/corpus --quiet" \
#     "after=bin/httpserver PORT -b 127.0.0.1 -d /tmp/corpus --quiet"
#
# PORT in a command is replaced by a free port; the server must listen on
# 127.0.0.1 there. Servers run pinned to core 0 and wrk to core 1, after a
# one-second warm-up. Defaults: 64 connections, 4 s, 5 rounds. -H adds a
# request header to the probe's and wrk's requests (repeatable; an
# Authorization, or 'Accept-Encoding: br' for compressed forms). -l
# chooses the load over HTTPS instead of wrk over HTTP: h2 is h2load with
# 4 connections × 32 streams (HTTP/2, -c ignored), handshake is full TLS
# handshakes, h2load over HTTPS/1.1 with one request per connection at
# 800 new connections a second. Needs wrk or h2load, curl, ss and taskset.
set -euo pipefail

conns=64 secs=4 rounds=5 load=wrk
declare -a hdr=()
while getopts c:d:r:H:l: opt; do
	case $opt in
	c) conns=$OPTARG ;;
	d) secs=$OPTARG ;;
	r) rounds=$OPTARG ;;
	H) hdr+=(-H "$OPTARG") ;;
	l) load=$OPTARG ;;
	*) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
(($# >= 2)) || { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
path=$1
shift
declare -a names=() cmds=()
for spec in "$@"; do
	names+=("${spec%%=*}")
	cmds+=("${spec#*=}")
done

results=$(mktemp)
bg=""
trap '[[ -n $bg ]] && kill "$bg" 2>/dev/null; rm -f "$results"' EXIT

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

scheme=https
[[ $load == wrk ]] && scheme=http

# run SECONDS URL: one run of the load, its output in wrk's terms (the
# lines "N requests in", "Requests/sec: R" and "Transfer/sec: T").
run() {
	case $load in
	wrk) taskset -c 1 wrk -t1 -c"$conns" -d"$1" ${hdr[@]+"${hdr[@]}"} "$2" ;;
	h2 | handshake)
		local -a args=(-D "$1" -c 4 -m 32)
		[[ $load == handshake ]] && args=(--h1 -r 80 --rate-period 100ms -c $((800 * $1)) -n $((800 * $1)))
		timeout $((3 * $1 + 10)) taskset -c 1 h2load "${args[@]}" ${hdr[@]+"${hdr[@]}"} "$2" 2>&1 |
			awk '/^finished in/ { rps = $4; mb = $6; sub(/\/s,?$/, "", mb) } /^requests:/ { n = $8; bad = $10 + $12 }
				END {
					if (bad) { print "h2load: " bad " failed or errored" > "/dev/stderr"; exit 1 }
					printf "%d requests in\nRequests/sec: %s\nTransfer/sec: %s\n", n, rps, mb
				}'
		;;
	*) echo "unknown load $load" >&2; exit 2 ;;
	esac
}

# cpu_ticks PID: user+system ticks of the process, and of its reaped children.
cpu_ticks() { awk '{print $14 + $15, $16 + $17}' "/proc/$1/stat"; }

for ((round = 1; round <= rounds; round++)); do
	for i in "${!names[@]}"; do
		port=$(free_port)
		eval "exec taskset -c 0 ${cmds[$i]//PORT/$port}" >/dev/null 2>&1 &
		bg=$!
		up=0
		for _ in $(seq 100); do
			curl -sk -o /dev/null --max-time 2 ${hdr[@]+"${hdr[@]}"} "$scheme://127.0.0.1:$port$path" && { up=1; break; }
			sleep 0.05
		done
		((up)) || { echo "${names[$i]}: nothing answered on 127.0.0.1:$port$path" >&2; exit 1; }
		# The listener's process: the command itself, or the server it ran.
		pid=$(ss -ltnpH "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
		run 1 "$scheme://127.0.0.1:$port$path" >/dev/null
		read -r cpu0 child0 < <(cpu_ticks "$pid")
		out=$(run "$secs" "$scheme://127.0.0.1:$port$path")
		read -r cpu1 child1 < <(cpu_ticks "$pid")
		kill "$pid" "$bg" 2>/dev/null || true
		wait "$bg" 2>/dev/null || true
		bg=""
		awk -v name="${names[$i]}" -v round="$round" -v cpu=$((cpu1 - cpu0)) -v child=$((child1 - child0)) \
			-v hz="$(getconf CLK_TCK)" '
			/requests in/ { n = $1 }
			/Requests\/sec/ { rps = $2 }
			END {
				if (n == 0) { print name ": no requests" > "/dev/stderr"; exit 1 }
				printf "%s %d %.1f %.1f %.1f\n", name, round, rps, cpu * 1e6 / hz / n, child * 1e6 / hz / n
			}' <<<"$out" >>"$results"
		mb=$(awk '/Transfer\/sec/ { v = $2; u = substr(v, length(v) - 1); v += 0; if (u == "GB") v *= 1024; if (u == "KB") v /= 1024; printf "%.1f", v }' <<<"$out")
		sed -i '$ s/$/ '"$mb"'/' "$results"
		tail -n 1 "$results" | awk '{printf "round %d  %-12s %10.0f req/s %9.1f MB/s  cpu %6.1f us/req  child %6.1f us/req\n", $2, $1, $3, $6, $4, $5}'
	done
done

echo
awk '
	{ name[$1] = 1; rps[$1, ++k[$1]] = $3; cpu[$1, k[$1]] = $4; child[$1, k[$1]] = $5; mb[$1, k[$1]] = $6 }
	function median(arr, who, n,    i, j, t, v) {
		for (i = 1; i <= n; i++) v[i] = arr[who, i]
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
		return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	}
	function extreme(arr, who, n, lo,    i, x) {
		x = arr[who, 1]
		for (i = 2; i <= n; i++) if (lo ? arr[who, i] < x : arr[who, i] > x) x = arr[who, i]
		return x
	}
	END {
		for (w in name) {
			n = k[w]
			printf "%-12s median %9.0f req/s (%.0f-%.0f) %9.1f MB/s  cpu %6.1f us/req  child %6.1f us/req  (%d runs)\n",
				w, median(rps, w, n), extreme(rps, w, n, 1), extreme(rps, w, n, 0), median(mb, w, n),
				median(cpu, w, n), median(child, w, n), n
		}
	}' "$results"
