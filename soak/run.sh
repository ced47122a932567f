#!/usr/bin/env bash
# soak/run.sh puts cmd/httpserver under sustained mixed load and checks
# that nothing leaks and nothing is lost (issue 8).
#
#   soak/run.sh           # 60 s at 256 connections, then a shutdown under load
#   soak/run.sh --quick   # the same, 10 s of load
#
# Loopback only (127.0.0.1, a port the server picks). Every step is
# bounded in time; the server is killed on exit whatever happens. Exits
# non-zero if any check fails. Needs wrk (apt-get install wrk).
set -euo pipefail

SOAK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SOAK_DIR/.." && pwd)

DURATION=60
SHUTDOWN_LOAD=10 # seconds of load in the shutdown phase
CONNS=256
THREADS=2
MODE=full

case ${1:-} in
--quick) MODE=quick DURATION=10 SHUTDOWN_LOAD=6 ;;
"") ;;
*)
	sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
	;;
esac

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
FAILED=0
fail() {
	log "FAIL: $*"
	FAILED=1
}

command -v wrk >/dev/null || {
	log "wrk is not installed (apt-get install wrk)"
	exit 2
}

# The corpus lives under /tmp, world-traversable: when the server runs as
# root, CGI scripts run as nobody, who must reach them.
WORK=$(mktemp -d /tmp/soak.XXXXXX)
chmod 755 "$WORK"
SERVER_PID=""
cleanup() {
	if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -KILL "$SERVER_PID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT

# The binary is built into the work directory rather than bin/, so that a
# soak never swaps the binary under someone else's benchmark.
log "building cmd/httpserver"
(cd "$REPO_DIR" && go build -o "$WORK/httpserver" ./cmd/httpserver)

log "generating the corpus in $WORK/root"
ROOT=$WORK/root
mkdir -p "$ROOT/small" "$ROOT/list" "$ROOT/cgi-bin"
for i in $(seq 0 49); do
	head -c 1024 /dev/urandom >"$ROOT/small/f$i.txt"
done
for i in $(seq 0 299); do
	: >"$ROOT/list/entry-$i.txt"
done
head -c $((10 << 20)) /dev/urandom >"$ROOT/large.bin"
cat >"$ROOT/cgi-bin/hello.sh" <<'EOF'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\nhello %s %s\n' "$REQUEST_METHOD" "$PATH_INFO"
EOF
chmod -R a+rX "$ROOT"
chmod 755 "$ROOT/cgi-bin/hello.sh"

# start_server runs the command in the background, sets SERVER_PID and
# BASE, and waits (at most 10 s) for its banner.
start_server() {
	"$WORK/httpserver" 0 -b 127.0.0.1 -d "$ROOT" --cgi --quiet --shutdown-grace 20s \
		>"$WORK/stdout" 2>"$WORK/stderr" &
	SERVER_PID=$!
	local port=""
	for _ in $(seq 100); do
		port=$(sed -n 's/^Serving HTTP on 127.0.0.1 port \([0-9]*\) .*/\1/p' "$WORK/stdout")
		[[ -n $port ]] && break
		sleep 0.1
	done
	[[ -n $port ]] || {
		log "the server printed no banner"
		cat "$WORK/stderr" >&2
		exit 1
	}
	BASE=http://127.0.0.1:$port
}

fds() { ls "/proc/$SERVER_PID/fd" | wc -l; }
threads() { awk '/^Threads:/ {print $2}' "/proc/$SERVER_PID/status"; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status"; }
snapshot() { echo "fds $(fds) threads $(threads) rss_kib $(rss_kib)"; }

# check_wrk OUTPUT reads the lines mix.lua's done() prints and fails on
# socket errors or statuses other than 200 and 404.
check_wrk() {
	local out=$1 phase=$2
	local errs
	errs=$(grep '^errors ' "$out") || {
		fail "$phase: wrk printed no summary"
		return
	}
	read -r _ _ connect _ read _ write _ _ _ timeout <<<"$errs"
	if ((connect + read + write + timeout > 0)); then
		fail "$phase: socket errors: $errs"
	fi
	while read -r _ status count; do
		case $status in
		200 | 404) ;;
		*) fail "$phase: $count responses with status $status" ;;
		esac
	done < <(grep '^status ' "$out")
}

start_server
log "server pid $SERVER_PID at $BASE"

# Warm up at low concurrency so that the baseline includes what a served
# request legitimately keeps (the file cache, the runtime's heap).
wrk -t1 -c4 -d3s --timeout 10s -s "$SOAK_DIR/mix.lua" "$BASE" >"$WORK/warmup.txt"
check_wrk "$WORK/warmup.txt" warm-up
sleep 1 # let the warm-up's connections close
BASELINE=$(snapshot)
log "baseline: $BASELINE"

log "load: ${DURATION}s at $CONNS connections"
# 256 connections share what two cores can send, so a 10 MiB download
# among them may take tens of seconds; wrk's timeout is set to catch a
# request that never ends, not one that waits its turn.
wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --timeout 60s --latency -s "$SOAK_DIR/mix.lua" "$BASE" \
	>"$WORK/load.txt" &
WRK_PID=$!
PEAK_FDS=0 PEAK_THREADS=0 PEAK_RSS=0
while kill -0 "$WRK_PID" 2>/dev/null; do
	f=$(fds) t=$(threads) r=$(rss_kib)
	((f > PEAK_FDS)) && PEAK_FDS=$f
	((t > PEAK_THREADS)) && PEAK_THREADS=$t
	((r > PEAK_RSS)) && PEAK_RSS=$r
	sleep 1
done
wait "$WRK_PID"
cat "$WORK/load.txt"
check_wrk "$WORK/load.txt" load
log "peak under load: fds $PEAK_FDS threads $PEAK_THREADS rss_kib $PEAK_RSS"

# After the load: open descriptors must come back to the baseline (every
# connection and file closed, every CGI pipe reaped) within 15 s.
read -r _ base_fds _ base_threads _ base_rss <<<"$BASELINE"
for _ in $(seq 150); do
	(($(fds) <= base_fds + 2)) && break
	sleep 0.1
done
AFTER=$(snapshot)
log "after:    $AFTER"
read -r _ after_fds _ after_threads _ after_rss <<<"$AFTER"
((after_fds <= base_fds + 2)) || fail "open fds $after_fds after the load; baseline $base_fds"
# Go keeps the OS threads it made (blocked in sendfile, fork) and its heap
# for a while; a leak would grow with the request count, not stay bounded.
((after_threads <= base_threads + 64)) || fail "threads $after_threads after the load; baseline $base_threads"
((after_rss <= base_rss * 2 + 131072)) || fail "RSS $after_rss KiB after the load; baseline $base_rss KiB"
if [[ -n $(ls /proc/"$SERVER_PID"/task/*/children 2>/dev/null | xargs cat 2>/dev/null) ]]; then
	fail "CGI processes left behind: $(cat /proc/"$SERVER_PID"/task/*/children)"
fi
if grep -q 'panic' "$WORK/stderr"; then
	fail "the server logged a panic"
fi

# Graceful shutdown under load: SIGINT while downloads are under way.
# wrk cannot tell a connection refused after the listener closed from a
# response cut short, so soak/shutdowncheck does this phase: a request
# refused before its response began is fine (clients retry those); a
# response whose body ends short of its Content-Length is a failure.
log "shutdown: SIGINT after 3 s of ${SHUTDOWN_LOAD}s of load"
(cd "$REPO_DIR" && go build -o "$WORK/shutdowncheck" ./soak/shutdowncheck)
"$WORK/shutdowncheck" -base "$BASE" -duration "${SHUTDOWN_LOAD}s" -conns 64 \
	/large.bin /small/f1.txt /list/ /cgi-bin/hello.sh /large.bin /missing.txt \
	>"$WORK/shutdown.txt" 2>"$WORK/shutdown.err" &
CHECK_PID=$!
sleep 3
kill -INT "$SERVER_PID"
for _ in $(seq 300); do
	kill -0 "$SERVER_PID" 2>/dev/null || break
	sleep 0.1
done
if kill -0 "$SERVER_PID" 2>/dev/null; then
	fail "the server is still running 30 s after SIGINT"
else
	status=0
	wait "$SERVER_PID" || status=$?
	((status == 0)) || fail "the server exited with status $status after SIGINT"
fi
wait "$CHECK_PID" || fail "shutdown under load dropped responses: $(head -5 "$WORK/shutdown.err")"
cat "$WORK/shutdown.txt"

echo
echo "soak $MODE $(date -u +%Y-%m-%dT%H:%MZ): $DURATION s at $CONNS connections"
echo "baseline $BASELINE"
echo "peak     fds $PEAK_FDS threads $PEAK_THREADS rss_kib $PEAK_RSS"
echo "after    $AFTER"
grep -E '^(requests|errors|status) ' "$WORK/load.txt" | sed 's/^/load     /'
sed 's/^/shutdown /' "$WORK/shutdown.txt"
if ((FAILED)); then
	echo "SOAK FAILED"
	exit 1
fi
echo "SOAK PASSED"
