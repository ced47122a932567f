#!/usr/bin/env bash
# bench/h2.sh measures HTTPS with HTTP/2 (issue 21): cmd/httpserver
# against bench/floor over the same TLS (net/http's default HTTP/2
# settings), Caddy and nginx, with one ECDSA P-256 certificate for all.
#
#   bench/h2.sh                  # 3 repetitions of 5 s per scenario
#   bench/h2.sh --reps 5 --duration 10 --out DIR
#   bench/h2.sh --scenarios 'handshake resumed' --variants 'ours nginx'
#
# Scenarios: h2-1k and h2-64k (h2load, 4 connections × 32 streams, TLS
# 1.3, after a 1 s warm-up); handshake, full TLS 1.3 handshakes (h2load
# over HTTPS/1.1, one request per connection, HS_RATE (default 800) new
# connections a second; h2load keeps no sessions, so none is resumed); and
# resumed, the same with wrk and Connection: close, whose connections
# after the first resume with a session ticket. One client core cannot
# make the servers busy with handshakes, so besides the rate each run
# records the server's CPU time (user+system, from /proc, the process and
# its children: nginx's workers) per request; for the two handshake
# scenarios the servers are compared by handshakes per CPU-second.
# Servers on 127.0.0.1 pinned to core 0, load on core 1; each scenario's
# variants run interleaved, repetition by repetition. Results:
# OUT/h2.csv and OUT/h2.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
REPS=3
DURATION=5
OUT=""
SERVER_CPU=0
CLIENT_CPU=1
VARIANTS=(ours floor caddy nginx)
SCENARIOS=(h2-1k h2-64k handshake resumed)
HS_RATE=${HS_RATE:-800} # full handshakes offered a second: below what one client core completes
declare -a PIDS=()

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

while (($#)); do
	case $1 in
	--reps) REPS=$2 && shift ;;
	--duration) DURATION=$2 && shift ;;
	--out) OUT=$2 && shift ;;
	--variants) read -ra VARIANTS <<<"$2" && shift ;;
	--scenarios) read -ra SCENARIOS <<<"$2" && shift ;;
	-h | --help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' && exit 0 ;;
	*) die "unknown option $1" ;;
	esac
	shift
done

for tool in h2load wrk openssl taskset timeout; do
	command -v "$tool" >/dev/null || die "$tool is missing: apt-get install -y nghttp2-client wrk openssl util-linux"
done
WORK=$(mktemp -d /tmp/h2bench.XXXXXX)
OUT=${OUT:-$BENCH_DIR/out/h2-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
	rm -rf "$WORK"
}
trap cleanup EXIT

log "building cmd/httpserver and bench/floor"
(cd "$REPO_DIR" && go build -o "$WORK/httpserver" ./cmd/httpserver && go build -o "$WORK/floor" ./bench/floor)

root=$WORK/corpus
mkdir -p "$root"
pattern='The quick brown fox jumps over the lazy dog 0123456789'
yes "$pattern" | head -c 1024 >"$root/1k.txt" || true
yes "$pattern" | head -c 65536 >"$root/64k.txt" || true
touch -d '2024-01-01 00:00:00' "$root"/*.txt
openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/key.pem" 2>/dev/null
openssl req -x509 -new -key "$WORK/key.pem" -out "$WORK/cert.pem" -days 2 -subj /CN=localhost \
	-addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null
chmod -R a+rX "$WORK"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() { # variant port file: starts and waits until HTTPS answers 200
	local variant=$1 port=$2 file=$3 i
	local -a cmd
	case $variant in
	ours) cmd=("$WORK/httpserver" "$port" -b 127.0.0.1 -d "$root" --quiet --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem") ;;
	floor) cmd=("$WORK/floor" -addr "127.0.0.1:$port" -file "$root/$file" -cert "$WORK/cert.pem" -key "$WORK/key.pem") ;;
	caddy)
		mkdir -p "$WORK/caddy-home"
		cat >"$WORK/Caddyfile-$port" <<-EOF
			{
			    admin off
			    auto_https disable_redirects
			}
			https://127.0.0.1:$port {
			    tls $WORK/cert.pem $WORK/key.pem
			    root * $root
			    file_server
			}
		EOF
		cmd=(env HOME="$WORK/caddy-home" XDG_DATA_HOME="$WORK/caddy-home" XDG_CONFIG_HOME="$WORK/caddy-home"
			caddy run --adapter caddyfile --config "$WORK/Caddyfile-$port")
		;;
	nginx)
		mkdir -p "$WORK/nginx-tmp"
		local user_line=""
		((EUID == 0)) && user_line="user nobody nogroup;"
		cat >"$WORK/nginx-$port.conf" <<-EOF
			$user_line
			worker_processes 1;
			daemon off;
			pid $WORK/nginx-$port.pid;
			error_log $WORK/nginx-$port.error.log warn;
			events { worker_connections 1024; }
			http {
			    access_log off;
			    sendfile on;
			    keepalive_requests 1000000;
			    http2_max_requests 1000000;
			    types { text/plain txt; }
			    client_body_temp_path $WORK/nginx-tmp;
			    server {
			        listen 127.0.0.1:$port ssl http2;
			        ssl_certificate $WORK/cert.pem;
			        ssl_certificate_key $WORK/key.pem;
			        ssl_protocols TLSv1.3;
			        root $root;
			    }
			}
		EOF
		cmd=(nginx -e "$WORK/nginx-$port.error.log" -c "$WORK/nginx-$port.conf")
		;;
	esac
	taskset -c "$SERVER_CPU" "${cmd[@]}" >/dev/null 2>"$WORK/$variant-$port.err" &
	SERVER_PID=$!
	PIDS+=("$SERVER_PID")
	for ((i = 0; i < 200; i++)); do
		if curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$port/$file" 2>/dev/null | grep -q 200; then
			return 0
		fi
		sleep 0.05
	done
	cat "$WORK/$variant-$port.err" >&2
	die "$variant did not answer on port $port"
}

stop() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# cpu_ticks PID: user+system clock ticks of the process and of its live
# children (nginx's workers).
cpu_ticks() {
	local total=0 p
	for p in "$1" $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		total=$((total + $(awk '{print $14 + $15}' /proc/"$p"/stat 2>/dev/null || echo 0)))
	done
	echo "$total"
}

# measure prints the requests per second of one run and the server's CPU
# microseconds per request, or fails when any request failed.
measure() { # scenario url server-pid
	local out n t0 t1
	case $1 in
	h2-*)
		taskset -c "$CLIENT_CPU" h2load -D 1 -c 4 -m 32 "$2" >/dev/null 2>&1
		t0=$(cpu_ticks "$3")
		out=$(taskset -c "$CLIENT_CPU" h2load -D "$DURATION" -c 4 -m 32 "$2" 2>&1)
		grep -q 'Application protocol: h2' <<<"$out" || die "not HTTP/2: $out"
		;;
	handshake)
		t0=$(cpu_ticks "$3")
		n=$((HS_RATE * DURATION))
		out=$(timeout $((DURATION * 6 + 10)) taskset -c "$CLIENT_CPU" \
			h2load --h1 -r $((HS_RATE / 10)) --rate-period 100ms -c "$n" -n "$n" "$2" 2>&1)
		;;
	resumed)
		t0=$(cpu_ticks "$3")
		out=$(taskset -c "$CLIENT_CPU" wrk -t1 -c8 -d "${DURATION}s" -H 'Connection: close' "$2" 2>&1)
		! grep -q 'Non-2xx' <<<"$out" || die "wrk saw errors: $out"
		t1=$(cpu_ticks "$3")
		awk -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" '
			/requests in/ { n = $1 } /^Requests\/sec/ { rps = $2 }
			END { printf "%s %.1f\n", rps, t * 1e6 / hz / n }' <<<"$out"
		return
		;;
	esac
	t1=$(cpu_ticks "$3")
	grep -Eq 'requests: .* 0 failed, 0 errored' <<<"$out" || die "h2load reported failures: $out"
	awk -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" '
		/^finished in/ { rps = $4 } /^requests:/ { n = $8 }
		END { printf "%s %.1f\n", rps, t * 1e6 / hz / n }' <<<"$out"
}

echo "scenario,variant,rep,req_per_s,cpu_us_per_req" >"$OUT/h2.csv"
for scenario in "${SCENARIOS[@]}"; do
	file=1k.txt
	[[ $scenario == h2-64k ]] && file=64k.txt
	for ((rep = 1; rep <= REPS; rep++)); do
		for variant in "${VARIANTS[@]}"; do
			command -v "$variant" >/dev/null || [[ $variant == ours || $variant == floor ]] || {
				log "skipping $variant: not installed"
				continue
			}
			port=$(free_port)
			start "$variant" "$port" "$file"
			res=$(measure "$scenario" "https://127.0.0.1:$port/$file" "$SERVER_PID") ||
				die "$scenario $variant rep $rep: no measurement"
			read -r rps cpu <<<"$res"
			stop "$SERVER_PID"
			log "$scenario $variant rep $rep: $rps req/s, server CPU $cpu µs/req"
			echo "$scenario,$variant,$rep,$rps,$cpu" >>"$OUT/h2.csv"
		done
	done
done

python3 - "$OUT/h2.csv" >"$OUT/h2.md" <<-'PY'
	import csv, statistics, sys
	rows = list(csv.DictReader(open(sys.argv[1])))
	rps, cpu = {}, {}
	for r in rows:
	    k = (r["scenario"], r["variant"])
	    rps.setdefault(k, []).append(float(r["req_per_s"]))
	    cpu.setdefault(k, []).append(float(r["cpu_us_per_req"]))
	rps = {k: statistics.median(v) for k, v in rps.items()}
	# Requests per server CPU-second, from the median CPU per request.
	eff = {k: 1e6 / statistics.median(v) for k, v in cpu.items()}
	names = ("ours", "floor", "caddy", "nginx")
	f = lambda x: f"{x:,.0f}" if x else "–"
	r = lambda a, b: f"{a / b:.2f}" if a and b else "–"
	for title, m in (("req/s", rps), ("requests per server CPU-second", eff)):
	    print(f"| {title} | ours | floor | Caddy | nginx | ours ÷ floor | ours ÷ Caddy | ours ÷ nginx |")
	    print("|---|---:|---:|---:|---:|---:|---:|---:|")
	    for s in dict.fromkeys(s for s, _ in m):
	        v = {x: m.get((s, x)) for x in names}
	        print(f"| {s} | {f(v['ours'])} | {f(v['floor'])} | {f(v['caddy'])} | {f(v['nginx'])} | "
	              f"{r(v['ours'], v['floor'])} | {r(v['ours'], v['caddy'])} | {r(v['ours'], v['nginx'])} |")
	    print()
PY
cat "$OUT/h2.md"
