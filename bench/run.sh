#!/usr/bin/env bash
# bench/run.sh measures cmd/httpserver side by side with nginx, Caddy,
# lighttpd, Go's http.FileServer, bench/floor (the limit of any net/http
# server, issue 21) and Python's http.server (issue 7). HTTPS with HTTP/2 is
# bench/h2.sh's.
#
#   bench/run.sh            # full run: 3 repetitions of 5 s (~15 min)
#   bench/run.sh --quick    # smoke run: 1 repetition of 2 s (~3 min)
#
# Options: --reps N, --duration SECONDS, --out DIR, --no-lb, --no-profile,
# --only startup|syscalls|compress (just the start-up, the strace check or
# the compression scenarios of issue 16).
#
# Every server runs on 127.0.0.1 only, on a port found free at run time,
# pinned to core 0; wrk runs pinned to core 1. Every server is killed on
# exit. Results go to OUT/results.csv and OUT/report.md (OUT defaults to
# bench/out/DATE, which is not committed); the corpus lives in a fresh
# world-readable directory under /tmp, because CGI scripts run as nobody
# when the server is root and must be able to reach it.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)

REPS=3
DURATION=5
WARMUP=1 # seconds of load before each measured scenario, not recorded
OUT=""
RUN_LB=1
RUN_PROFILE=1
ONLY="" # --only: run just one part
MODE=full

SERVER_CPU=0
CLIENT_CPU=1

# Connections per scenario. The issue fixes 64 for the 1 KiB file and 8
# for the 10 MiB file; the listing and CGI, which cost milliseconds per
# request, use 8 so that a slow peer is measured rather than timed out.
CONNS_SMALL=64
CONNS_LARGE=8
CONNS_SLOW=8

# The compression scenarios (issue 16) send what a current browser sends.
ACCEPT_ENCODING='gzip, deflate, br, zstd'
NGINX_BROTLI=/usr/lib/nginx/modules/ngx_http_brotli_static_module.so

WORK=""          # the /tmp directory holding the corpus and configs
declare -a PIDS=() # every server started, for the exit trap
declare -A AVAILABLE=()

usage() {
	sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
}

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

parse_args() {
	while (($#)); do
		case $1 in
		--quick)
			MODE=quick REPS=1 DURATION=2
			;;
		--reps)
			REPS=${2:?--reps needs a number}
			shift
			;;
		--duration)
			DURATION=${2:?--duration needs seconds}
			shift
			;;
		--out)
			OUT=${2:?--out needs a directory}
			shift
			;;
		--no-lb) RUN_LB=0 ;;
		--no-profile) RUN_PROFILE=0 ;;
		--only)
			ONLY=${2:?--only needs startup, syscalls or compress}
			[[ $ONLY == startup || $ONLY == syscalls || $ONLY == compress ]] || die "--only takes startup, syscalls or compress"
			shift
			;;
		-h | --help)
			usage
			exit 0
			;;
		*) die "unknown argument $1 (try --help)" ;;
		esac
		shift
	done
	[[ $REPS =~ ^[1-9][0-9]?$ ]] || die "--reps must be 1-99"
	[[ $DURATION =~ ^[1-9][0-9]{0,2}$ ]] || die "--duration must be 1-999 seconds"
	if [[ -z $OUT ]]; then
		OUT="$BENCH_DIR/out/$(date -u +%Y%m%dT%H%M%SZ)-$MODE"
	fi
}

# cleanup stops every server this script started: TERM first so that
# nginx takes its worker with it, KILL for whatever is still there after
# a bounded wait.
cleanup() {
	local pid i
	for pid in "${PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for ((i = 0; i < 50; i++)); do
		local alive=0
		for pid in "${PIDS[@]}"; do
			kill -0 "$pid" 2>/dev/null && alive=1
		done
		((alive)) || break
		sleep 0.1
	done
	for pid in "${PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null || true
	done
	if [[ -n $WORK && -d $WORK ]]; then
		rm -rf "$WORK"
	fi
}

# need checks for a tool; a missing server only skips that peer, a
# missing client tool (wrk, curl, go) ends the run.
need_tool() {
	command -v "$1" >/dev/null 2>&1 || die "$1 not found: apt-get install -y $2"
}

check_peers() {
	need_tool wrk wrk
	need_tool curl curl
	need_tool go golang
	need_tool taskset util-linux
	need_tool python3 python3
	local name pkg
	for name in nginx caddy lighttpd; do
		case $name in
		nginx) pkg=nginx-light ;;
		*) pkg=$name ;;
		esac
		if command -v "$name" >/dev/null 2>&1; then
			AVAILABLE[$name]=1
		else
			log "skipping $name: not installed (apt-get install -y $pkg)"
		fi
	done
	# lighttpd loads modules from its own directory; mod_cgi and
	# mod_dirlisting ship in the lighttpd package itself.
	# The resolved interpreter, not pyenv's shim script, so that start-up
	# time measures Python and not the shim.
	PYTHON=$(python3 -c 'import sys; print(sys.executable)')
	AVAILABLE[python]=1
	AVAILABLE[ours]=1
	AVAILABLE[go]=1
	AVAILABLE[floor]=1
	if ((${#AVAILABLE[@]} < 6)); then
		log "install every peer with: apt-get install -y wrk nginx-light caddy lighttpd"
	fi
	if [[ -n ${AVAILABLE[nginx]:-} && ! -f $NGINX_BROTLI ]]; then
		log "nginx-static serves app.js.gz only: apt-get install -y libnginx-mod-http-brotli-static for brotli_static"
	fi
}

# free_port asks the kernel for an unused loopback port. Another process
# could take it before the server binds; the start-up probe then fails
# loudly rather than measuring the wrong server.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

build() {
	log "building bin/httpserver, gofileserver and profserver"
	(cd "$REPO_DIR" && go build -o bin/httpserver ./cmd/httpserver)
	(cd "$REPO_DIR" && go build -o "$WORK/bin/gofileserver" ./bench/gofileserver)
	(cd "$REPO_DIR" && go build -o "$WORK/bin/floor" ./bench/floor)
	(cd "$REPO_DIR" && go build -o "$WORK/bin/profserver" ./bench/profserver)
	(cd "$REPO_DIR" && go build -o "$WORK/bin/jscorpus" ./bench/jscorpus)
	# The same command without cgo: a static binary with no libc mapped,
	# as one would build it to deploy. Measured for RSS only.
	(cd "$REPO_DIR" && CGO_ENABLED=0 go build -o "$WORK/bin/httpserver-static" ./cmd/httpserver)
	OURS="$REPO_DIR/bin/httpserver"
	# Flags the lead adds over time: use them when the command has them.
	local help
	help=$("$OURS" -h)
	HAVE_ETAG_CONTENT=0
	HAVE_LISTING_FLAG=0
	grep -q -- '--etag' <<<"$help" && grep -q 'content' <<<"$help" && HAVE_ETAG_CONTENT=1
	grep -q -- '--listing' <<<"$help" && HAVE_LISTING_FLAG=1
	return 0
}

# make_corpus writes the same bytes on every run: files of fixed sizes
# from a repeating pattern, a 10,000-entry directory with fixed names and
# times, a #!/bin/sh CGI script, and a 100 KiB JavaScript file with the
# .br and .gz sidecars a build tool would ship (bench/jscorpus).
make_corpus() {
	local root=$WORK/corpus
	log "generating corpus in $root"
	mkdir -p "$root/list" "$root/cgi-bin"
	local pattern='The quick brown fox jumps over the lazy dog 0123456789'
	yes "$pattern" | head -c 1024 >"$root/1k.txt" || true
	yes "$pattern" | head -c 65536 >"$root/64k.txt" || true
	yes "$pattern" | head -c 10485760 >"$root/10m.txt" || true
	(cd "$root/list" && seq -f 'entry-%05g.txt' 0 9999 | xargs touch -d '2024-01-01 00:00:00')
	cat >"$root/cgi-bin/hello.sh" <<-'EOF'
		#!/bin/sh
		printf 'Content-Type: text/plain\r\n\r\nHello, world\n'
	EOF
	chmod 0755 "$root/cgi-bin/hello.sh"
	"$WORK/bin/jscorpus" -dir "$root" -size 102400
	# Sidecars as old as the original: ours serves a sidecar only when it
	# is not older than the file it stands for.
	touch -d '2024-01-01 00:00:00' "$root"/*.txt "$root"/app.js*
	chmod -R a+rX "$WORK"
	local n
	n=$(find "$root/list" -type f | wc -l)
	((n == 10000)) || die "listing directory has $n entries, not 10000"
	[[ $(stat -c %s "$root/10m.txt") == 10485760 ]] || die "10m.txt has the wrong size"
}

# write_configs writes the peers' configurations for one port.
write_nginx_conf() { # port root conf [compress]
	local user_line="" module_line="" compress_lines=""
	# As root, nginx's worker would otherwise switch to nobody, which is
	# fine for the world-readable corpus, but say so explicitly.
	((EUID == 0)) && user_line="user nobody nogroup;"
	if [[ ${4:-} == compress ]]; then
		# Issue 16's peer: sidecars first (app.js.br with the brotli
		# module, app.js.gz without it), gzip on the fly for the rest,
		# at nginx's default level 1; Vary on every answer, as ours.
		compress_lines="gzip on; gzip_static on; gzip_vary on; gzip_types application/javascript;"
		if [[ -f $NGINX_BROTLI ]]; then
			module_line="load_module $NGINX_BROTLI;"
			compress_lines+=" brotli_static on;"
		fi
	fi
	cat >"$3" <<-EOF
		$module_line
		$user_line
		worker_processes 1;
		daemon off;
		pid $WORK/nginx-$1.pid;
		error_log $WORK/nginx-$1.error.log warn;
		events { worker_connections 1024; }
		http {
		    access_log off;
		    sendfile on;
		    tcp_nopush on;
		    # nginx's default of 1000 would reconnect wrk every 1000
		    # requests; Go's servers never do.
		    keepalive_requests 1000000;
		    default_type application/octet-stream;
		    types { text/plain txt; text/html html; application/javascript js; }
		    $compress_lines
		    client_body_temp_path $WORK/nginx-tmp;
		    proxy_temp_path $WORK/nginx-tmp;
		    fastcgi_temp_path $WORK/nginx-tmp;
		    uwsgi_temp_path $WORK/nginx-tmp;
		    scgi_temp_path $WORK/nginx-tmp;
		    server {
		        listen 127.0.0.1:$1;
		        root $2;
		        autoindex on;
		    }
		}
	EOF
}

write_lighttpd_conf() { # port root conf
	cat >"$3" <<-EOF
		server.modules = ("mod_dirlisting", "mod_cgi")
		server.document-root = "$2"
		server.bind = "127.0.0.1"
		server.port = $1
		server.errorlog = "$WORK/lighttpd-$1.error.log"
		server.max-keep-alive-requests = 1000000
		dir-listing.activate = "enable"
		mimetype.assign = (".txt" => "text/plain", ".html" => "text/html")
		\$HTTP["url"] =~ "^/cgi-bin/" { cgi.assign = (".sh" => "") }
	EOF
}

# write_caddyfile writes Issue 16's two Caddy peers: "encode" compresses
# on the fly (zstd preferred, then gzip), "precompressed" serves the
# .br and .gz sidecars. Both bind to 127.0.0.1 only, without the admin
# endpoint or automatic HTTPS.
write_caddyfile() { # port root conf encode|precompressed
	local site
	if [[ $4 == encode ]]; then
		site="encode zstd gzip
		    file_server"
	else
		site="file_server {
		        precompressed br gzip
		    }"
	fi
	cat >"$3" <<-EOF
		{
		    admin off
		    auto_https off
		}
		http://127.0.0.1:$1 {
		    bind 127.0.0.1
		    root * $2
		    $site
		}
	EOF
}

# start_server VARIANT PORT starts one variant pinned to the server core
# and sets SERVER_PID; it does not wait for it.
start_server() {
	local variant=$1 port=$2 root=$WORK/corpus
	local -a cmd
	case $variant in
	ours) cmd=("$OURS" "$port" -b 127.0.0.1 -d "$root" --quiet) ;;
	ours-cgi) cmd=("$OURS" "$port" -b 127.0.0.1 -d "$root" --quiet --cgi) ;;
	ours-compress) cmd=("$OURS" "$port" -b 127.0.0.1 -d "$root" --quiet --compress --no-precompressed) ;;
	ours-static) cmd=("$WORK/bin/httpserver-static" "$port" -b 127.0.0.1 -d "$root" --quiet) ;;
	ours-log) cmd=("$OURS" "$port" -b 127.0.0.1 -d "$root" --log-format common) ;;
	ours-pylist)
		if ((HAVE_LISTING_FLAG)); then
			cmd=("$OURS" "$port" -b 127.0.0.1 -d "$root" --quiet --listing python)
		else
			cmd=("$WORK/bin/profserver" -addr "127.0.0.1:$port" -root "$root" -listing python)
		fi
		;;
	go) cmd=("$WORK/bin/gofileserver" -addr "127.0.0.1:$port" -root "$root") ;;
	floor) cmd=("$WORK/bin/floor" -addr "127.0.0.1:$port" -file "$root/1k.txt") ;;
	nginx)
		mkdir -p "$WORK/nginx-tmp"
		write_nginx_conf "$port" "$root" "$WORK/nginx-$port.conf"
		cmd=(nginx -e "$WORK/nginx-$port.error.log" -c "$WORK/nginx-$port.conf")
		;;
	nginx-static)
		mkdir -p "$WORK/nginx-tmp"
		write_nginx_conf "$port" "$root" "$WORK/nginx-$port.conf" compress
		cmd=(nginx -e "$WORK/nginx-$port.error.log" -c "$WORK/nginx-$port.conf")
		;;
	caddy-encode | caddy-precompressed)
		mkdir -p "$WORK/caddy-home"
		write_caddyfile "$port" "$root" "$WORK/Caddyfile-$port" "${variant#caddy-}"
		cmd=(env HOME="$WORK/caddy-home" XDG_DATA_HOME="$WORK/caddy-home" XDG_CONFIG_HOME="$WORK/caddy-home"
			caddy run --adapter caddyfile --config "$WORK/Caddyfile-$port")
		;;
	caddy)
		# Caddy keeps state under $HOME/XDG dirs; give it a scratch one.
		mkdir -p "$WORK/caddy-home"
		cmd=(env HOME="$WORK/caddy-home" XDG_DATA_HOME="$WORK/caddy-home" XDG_CONFIG_HOME="$WORK/caddy-home"
			caddy file-server --browse --listen "127.0.0.1:$port" --root "$root")
		;;
	lighttpd)
		write_lighttpd_conf "$port" "$root" "$WORK/lighttpd-$port.conf"
		cmd=(lighttpd -D -f "$WORK/lighttpd-$port.conf")
		;;
	python) cmd=("$PYTHON" -m http.server --cgi -b 127.0.0.1 -d "$root" "$port") ;;
	*) die "unknown variant $variant" ;;
	esac
	# Only ours-log keeps its access log, written to a file as scenario 7
	# asks; Python cannot turn its log off, so it goes to /dev/null.
	local errfile=/dev/null
	[[ $variant == ours-log ]] && errfile="$WORK/access-$port.log"
	taskset -c "$SERVER_CPU" "${cmd[@]}" >/dev/null 2>"$errfile" &
	SERVER_PID=$!
	PIDS+=("$SERVER_PID")
}

stop_server() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# probe (bench/probe.sh) GETs /1k.txt once and succeeds on a 200.
# shellcheck source=probe.sh
source "$BENCH_DIR/probe.sh"

# wait_ready probes until the server answers 200, at most 100,000 tries
# or 10 s, and prints the microseconds since T0.
wait_ready() { # port t0_ns pid
	local i now deadline=$(($(date +%s%N) + 10000000000))
	for ((i = 0; i < 100000; i++)); do
		if probe "$1"; then
			now=$(date +%s%N)
			echo $(((now - $2) / 1000))
			return 0
		fi
		kill -0 "$3" 2>/dev/null || return 1
		now=$(date +%s%N)
		((now < deadline)) || return 1
	done
	return 1
}

# rss_kib sums a field of /proc/PID/status over the server and its
# children (nginx's master and worker).
rss_kib() { # pid field
	local total=0 p v
	for p in "$1" $(ps -o pid= --ppid "$1" 2>/dev/null); do
		v=$(awk -v f="$2:" '$1 == f { print $2 }' "/proc/$p/status" 2>/dev/null || true)
		total=$((total + ${v:-0}))
	done
	echo "$total"
}

# cpu_ticks sums user and system CPU time, in clock ticks, over the
# server and its children.
cpu_ticks() { # pid
	local total=0 p v
	for p in "$1" $(ps -o pid= --ppid "$1" 2>/dev/null); do
		# Fields 14 and 15; the names we start have no spaces in them.
		v=$(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || true)
		total=$((total + ${v:-0}))
	done
	echo "$total"
}

# settle waits until the server has gone idle (under 10 % of a core over
# 200 ms), at most 15 s, so that requests wrk abandoned at the end of the
# previous run are not billed to the next one.
settle() { # pid
	local i a b hz
	hz=$(getconf CLK_TCK)
	for ((i = 0; i < 75; i++)); do
		a=$(cpu_ticks "$1")
		sleep 0.2
		b=$(cpu_ticks "$1")
		(((b - a) * 50 <= hz)) && return 0
	done
	log "  server $1 still busy after 15 s; measuring anyway"
}

record() { # rep variant scenario metric value
	printf '%s,%s,%s,%s,%s\n' "$@" >>"$OUT/results.csv"
}

# run_wrk PORT PATH CONNS SECONDS [extra wrk args] runs wrk pinned to the
# client core and prints its RESULT line.
run_wrk() {
	local port=$1 path=$2 conns=$3 secs=$4
	shift 4
	taskset -c "$CLIENT_CPU" wrk -t1 -c"$conns" -d"${secs}s" --timeout 10s \
		-s "$BENCH_DIR/report.lua" "$@" "http://127.0.0.1:$port$path" | grep '^RESULT' || true
}

field() { # line name
	sed -n "s/.* $2=\([0-9]*\).*/\1/p" <<<" $1"
}

# measure REP VARIANT SCENARIO PORT PATH CONNS [wrk args] warms up, runs
# wrk and records req/s, MB/s, p50/p99 (ms) and errors.
measure() {
	local rep=$1 variant=$2 scenario=$3 port=$4 path=$5 conns=$6
	shift 6
	run_wrk "$port" "$path" "$conns" "$WARMUP" "$@" >/dev/null
	settle "$SERVER_PID"
	local line
	line=$(run_wrk "$port" "$path" "$conns" "$DURATION" "$@")
	if [[ -z $line ]]; then
		log "  $variant $scenario: wrk printed no result"
		record "$rep" "$variant" "$scenario" errors -1
		return 0
	fi
	local req bytes dur p50 p99 errs
	req=$(field "$line" requests)
	bytes=$(field "$line" bytes)
	dur=$(field "$line" duration_us)
	p50=$(field "$line" p50_us)
	p99=$(field "$line" p99_us)
	errs=$(($(field "$line" connect) + $(field "$line" read) + $(field "$line" write) + $(field "$line" status) + $(field "$line" timeout)))
	# Only successful responses count: lighttpd, for one, answers 503 to
	# a directory listing while another is being built.
	local good=$((req - $(field "$line" status)))
	local rps mbps
	rps=$(awk -v r="$good" -v d="$dur" 'BEGIN { printf "%.1f", r / (d / 1e6) }')
	mbps=$(awk -v b="$bytes" -v d="$dur" 'BEGIN { printf "%.1f", b / (d / 1e6) / 1e6 }')
	record "$rep" "$variant" "$scenario" rps "$rps"
	record "$rep" "$variant" "$scenario" mbps "$mbps"
	record "$rep" "$variant" "$scenario" p50_ms "$(awk -v v="$p50" 'BEGIN { printf "%.3f", v / 1000 }')"
	record "$rep" "$variant" "$scenario" p99_ms "$(awk -v v="$p99" 'BEGIN { printf "%.3f", v / 1000 }')"
	record "$rep" "$variant" "$scenario" errors "$errs"
	log "  $variant $scenario: $rps req/s, $mbps MB/s, p99 $((p99 / 1000)) ms, $errs errors (${line#*p99_us=* })"
}

# scenarios_for lists what each variant is measured on. Scenario 7 is
# ours-log's s1 and s3, compared with ours'. The compression scenarios:
# c1_js is the 100 KiB script asked for with ACCEPT_ENCODING (ours sends
# its .br sidecar, ours-compress its compressed-once form, go the file
# as it is); c2_list is the 10,000-entry listing with the same header,
# compressed (ours-compress) and not (ours).
scenarios_for() {
	case $1 in
	ours) echo "s1_1k s2_64k s3_10m s4_close s5_list c1_js c2_list" ;;
	nginx | caddy) echo "s1_1k s2_64k s3_10m s4_close s5_list" ;;
	go) echo "s1_1k s2_64k s3_10m s4_close s6_cgi s5_list c1_js" ;;
	lighttpd | python) echo "s1_1k s2_64k s3_10m s4_close s6_cgi s5_list" ;;
	ours-compress) echo "c1_js c2_list" ;;
	nginx-static | caddy-encode | caddy-precompressed) echo "c1_js" ;;
	ours-pylist) echo "s5_list" ;;
	ours-cgi) echo "s6_cgi" ;;
	ours-log) echo "s1_1k s3_10m" ;;
	floor) echo "s1_1k" ;;
	ours-static) echo "" ;;
	esac
}

peer_of() { # variant -> the program that must be installed
	case $1 in
	ours*) echo ours ;;
	nginx-*) echo nginx ;;
	caddy-*) echo caddy ;;
	*) echo "$1" ;;
	esac
}

# bench_scenario starts one variant, runs one scenario on it and stops
# it, so that every scenario meets a fresh process and nothing another
# scenario left behind (a slow peer's backlog of listings that wrk gave
# up on, a grown heap) is billed to it. It raises PEAK_FILES or
# PEAK_LISTING[variant] to the process's VmHWM.
declare -A PEAK_FILES=() PEAK_LISTING=()
bench_scenario() { # rep variant scenario
	local rep=$1 variant=$2 s=$3 port
	port=$(free_port)
	start_server "$variant" "$port"
	local pid=$SERVER_PID
	if ! wait_ready "$port" "$(date +%s%N)" "$pid" >/dev/null; then
		log "  $variant did not answer 200 on port $port; $s skipped"
		stop_server "$pid"
		return 0
	fi
	case $s in
	s1_1k) measure "$rep" "$variant" "$s" "$port" /1k.txt "$CONNS_SMALL" ;;
	s2_64k) measure "$rep" "$variant" "$s" "$port" /64k.txt "$CONNS_SMALL" ;;
	s3_10m) measure "$rep" "$variant" "$s" "$port" /10m.txt "$CONNS_LARGE" ;;
	s4_close) measure "$rep" "$variant" "$s" "$port" /1k.txt "$CONNS_SMALL" -H 'Connection: close' ;;
	s5_list)
		record "$rep" "$variant" "$s" body_bytes \
			"$(curl -s -o /dev/null -w '%{size_download}' --max-time 10 "http://127.0.0.1:$port/list/")"
		measure "$rep" "$variant" "$s" "$port" /list/ "$CONNS_SLOW"
		;;
	s6_cgi) measure "$rep" "$variant" "$s" "$port" /cgi-bin/hello.sh "$CONNS_SLOW" ;;
	c1_js)
		check_encoding "$rep" "$variant" "$s" "$port" /app.js "$WORK/corpus/app.js"
		measure "$rep" "$variant" "$s" "$port" /app.js "$CONNS_SMALL" -H "Accept-Encoding: $ACCEPT_ENCODING"
		;;
	c2_list)
		check_encoding "$rep" "$variant" "$s" "$port" /list/ ""
		measure "$rep" "$variant" "$s" "$port" /list/ "$CONNS_SLOW" -H "Accept-Encoding: $ACCEPT_ENCODING"
		;;
	esac
	local hwm
	hwm=$(rss_kib "$pid" VmHWM)
	if [[ $s == s5_list ]]; then
		PEAK_LISTING[$variant]=$hwm
	elif [[ $s == s* ]] && ((hwm > ${PEAK_FILES[$variant]:-0})); then
		# Issue 16's c* scenarios are not part of issue 7's memory figures.
		PEAK_FILES[$variant]=$hwm
	fi
	stop_server "$pid"
}

# check_encoding records what one request with ACCEPT_ENCODING gets: the
# body's bytes on the wire (body_bytes) and the response header's
# (header_bytes), the Content-Encoding as a metric named ce_CODING (ce_identity
# when there is none), and, when ORIGINAL is given, whether the body
# decodes to that file (decoded_ok 1 or 0), so that a compressed answer
# is never compared with an uncompressed one unawares.
check_encoding() { # rep variant scenario port path original
	local rep=$1 variant=$2 s=$3 url="http://127.0.0.1:$4$5" original=$6 out body header coding
	out=$(curl -s -o /dev/null --max-time 10 -H "Accept-Encoding: $ACCEPT_ENCODING" \
		-w '%{size_download} %{size_header} %header{content-encoding}' "$url")
	read -r body header coding <<<"$out"
	coding=${coding:-identity}
	record "$rep" "$variant" "$s" body_bytes "$body"
	record "$rep" "$variant" "$s" header_bytes "$header"
	record "$rep" "$variant" "$s" "ce_$coding" 1
	local decoded="-"
	if [[ -n $original ]]; then
		# --compressed decodes whatever this curl supports (gzip, br and
		# zstd in Debian's), and keeps the header above.
		if curl -s --compressed --max-time 10 -H "Accept-Encoding: $ACCEPT_ENCODING" "$url" | cmp -s - "$original"; then
			decoded=1
		else
			decoded=0
		fi
		record "$rep" "$variant" "$s" decoded_ok "$decoded"
	fi
	log "  $variant $s: Content-Encoding $coding, $body body bytes + $header header bytes, decodes to the original: $decoded"
}

# record_idle_rss starts a variant, records its RSS once it has answered
# its first request (scenario 8), and stops it.
record_idle_rss() { # rep variant
	local port
	port=$(free_port)
	start_server "$2" "$port"
	if wait_ready "$port" "$(date +%s%N)" "$SERVER_PID" >/dev/null; then
		record "$1" "$2" s8 idle_rss_kib "$(rss_kib "$SERVER_PID" VmRSS)"
	else
		log "  $2 did not answer 200 on port $port"
	fi
	stop_server "$SERVER_PID"
}

# run_startup measures scenario 8's start-up on its own: each server is
# started and stopped STARTS times in turn, and each start-up is recorded
# as one repetition. A single start per repetition was at the mercy of
# whatever the machine had just done (the build, the corpus's writeback,
# the previous server's exit).
STARTS=5
run_startup() {
	local i variant port t0 startup
	sync
	log "start-up, $STARTS starts of each server"
	for ((i = 1; i <= STARTS; i++)); do
		for variant in ours go nginx caddy lighttpd python; do
			[[ -n ${AVAILABLE[$(peer_of "$variant")]:-} ]] || continue
			port=$(free_port)
			t0=$(date +%s%N)
			start_server "$variant" "$port"
			if startup=$(wait_ready "$port" "$t0" "$SERVER_PID"); then
				record "$i" "$variant" s8 startup_ms "$(awk -v v="$startup" 'BEGIN { printf "%.2f", v / 1000 }')"
			else
				log "  $variant did not answer 200 on port $port"
			fi
			stop_server "$SERVER_PID"
		done
	done
}

# sample_load keeps the highest 1-minute load average seen during the
# run. The run itself keeps about two tasks runnable (a server and wrk),
# so the report flags a run whose highest load passes 3 as loaded.
LOAD_MAX=0
sample_load() {
	local l
	l=$(cut -d' ' -f1 /proc/loadavg)
	LOAD_MAX=$(awk -v a="$LOAD_MAX" -v b="$l" 'BEGIN { print (b > a ? b : a) }')
}

# run_scenarios takes the scenarios one at a time and, within each, every
# server in turn, so that the figures a ratio divides were taken seconds
# apart rather than minutes: on a shared VM the machine's speed drifts
# over minutes. Every other repetition takes the servers in the reverse
# order, so that a drift within a scenario does not always favour the
# same one.
run_scenarios() {
	local rep variant s i
	local -a variants=(ours ours-pylist ours-cgi ours-log ours-static ours-compress floor go nginx nginx-static caddy
		caddy-encode caddy-precompressed lighttpd python)
	local -a scenarios=(s1_1k s2_64k s3_10m s4_close s6_cgi s5_list c1_js c2_list)
	[[ $ONLY == compress ]] && scenarios=(c1_js c2_list)
	local -a order
	for ((rep = 1; rep <= REPS; rep++)); do
		log "repetition $rep of $REPS"
		order=()
		for ((i = 0; i < ${#variants[@]}; i++)); do
			variant=${variants[i]}
			((rep % 2 == 0)) && variant=${variants[${#variants[@]} - 1 - i]}
			[[ -n ${AVAILABLE[$(peer_of "$variant")]:-} ]] && order+=("$variant")
		done
		PEAK_FILES=() PEAK_LISTING=()
		if [[ $ONLY != compress ]]; then
			log " idle RSS"
			for variant in "${order[@]}"; do
				[[ " $(scenarios_for "$variant") " == *" s"* || $variant == ours-static ]] || continue
				record_idle_rss "$rep" "$variant"
			done
		fi
		for s in "${scenarios[@]}"; do
			log " $s"
			for variant in "${order[@]}"; do
				[[ " $(scenarios_for "$variant") " == *" $s "* ]] || continue
				sample_load
				bench_scenario "$rep" "$variant" "$s"
			done
		done
		local files listing
		for variant in "${order[@]}"; do
			files=${PEAK_FILES[$variant]:-} listing=${PEAK_LISTING[$variant]:-}
			if [[ -n $files ]]; then
				record "$rep" "$variant" s8 peak_rss_files_kib "$files"
			fi
			if [[ -n $listing ]]; then
				record "$rep" "$variant" s8 peak_rss_listing_kib "$listing"
			fi
			if [[ -n $files$listing ]]; then
				record "$rep" "$variant" s8 peak_rss_kib "$((${files:-0} > ${listing:-0} ? ${files:-0} : ${listing:-0}))"
			fi
		done
	done
}

# run_lb is "past one machine": two replicas with different modification
# times behind nginx as a round-robin load balancer. It shows whether a
# conditional request gets 304 from either replica, with mtime ETags and,
# when the command has the flag, content-hash ETags.
run_lb() {
	[[ -n ${AVAILABLE[nginx]:-} ]] || {
		log "skipping the load-balancer scenario: nginx not installed (apt-get install -y nginx-light)"
		return 0
	}
	local -a modes=(mtime)
	((HAVE_ETAG_CONTENT)) && modes+=(content)
	local mode
	for mode in "${modes[@]}"; do
		lb_once "$mode"
	done
}

lb_once() { # etag mode
	local mode=$1 r
	log "load balancer, --etag $mode"
	local -a ports=() pids=()
	for r in a b; do
		rm -rf "$WORK/replica-$r"
		mkdir -p "$WORK/replica-$r"
		cp "$WORK/corpus"/*.txt "$WORK/replica-$r/" # the listing is not needed
	done
	# Same bytes, different clocks: as two machines deployed minutes apart.
	find "$WORK/replica-a" -exec touch -d '2024-01-01 00:00:00' {} +
	find "$WORK/replica-b" -exec touch -d '2024-06-01 12:00:00' {} +
	for r in a b; do
		local port
		port=$(free_port)
		local -a args=("$port" -b 127.0.0.1 -d "$WORK/replica-$r" --quiet)
		[[ $mode == content ]] && args+=(--etag content)
		taskset -c "$SERVER_CPU" "$OURS" "${args[@]}" >/dev/null 2>&1 &
		PIDS+=("$!")
		pids+=("$!")
		ports+=("$port")
		wait_ready "$port" "$(date +%s%N)" "$!" >/dev/null || die "replica $r did not start"
	done
	local lbport conf=$WORK/lb.conf
	lbport=$(free_port)
	cat >"$conf" <<-EOF
		worker_processes 1;
		daemon off;
		pid $WORK/lb.pid;
		error_log $WORK/lb.error.log warn;
		events { worker_connections 1024; }
		http {
		    access_log off;
		    client_body_temp_path $WORK/nginx-tmp;
		    proxy_temp_path $WORK/nginx-tmp;
		    fastcgi_temp_path $WORK/nginx-tmp;
		    uwsgi_temp_path $WORK/nginx-tmp;
		    scgi_temp_path $WORK/nginx-tmp;
		    upstream replicas {
		        server 127.0.0.1:${ports[0]};
		        server 127.0.0.1:${ports[1]};
		        keepalive 64;
		    }
		    server {
		        listen 127.0.0.1:$lbport;
		        location / {
		            proxy_pass http://replicas;
		            proxy_http_version 1.1;
		            proxy_set_header Connection "";
		            # The replicas are bound to loopback, where their
		            # DNS-rebinding guard answers only local names: pass the
		            # client's Host (127.0.0.1:PORT), not "replicas".
		            proxy_set_header Host \$host;
		        }
		    }
		}
	EOF
	mkdir -p "$WORK/nginx-tmp"
	taskset -c "$SERVER_CPU" nginx -e "$WORK/lb.error.log" -c "$conf" >/dev/null 2>&1 &
	local lbpid=$!
	PIDS+=("$lbpid")
	SERVER_PID=$lbpid # what measure lets settle
	wait_ready "$lbport" "$(date +%s%N)" "$lbpid" >/dev/null || die "nginx load balancer did not start"

	# The ETag each replica gives, then 20 conditional requests through
	# the balancer, which alternates between them.
	local etag_a etag_b
	etag_a=$(curl -s -o /dev/null -D - "http://127.0.0.1:${ports[0]}/1k.txt" | tr -d '\r' | awk -F': ' 'tolower($1) == "etag" { print $2 }')
	etag_b=$(curl -s -o /dev/null -D - "http://127.0.0.1:${ports[1]}/1k.txt" | tr -d '\r' | awk -F': ' 'tolower($1) == "etag" { print $2 }')
	log "  replica ETags: a=$etag_a b=$etag_b"
	local i code n304=0 n200=0
	for ((i = 0; i < 20; i++)); do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H "If-None-Match: $etag_a" "http://127.0.0.1:$lbport/1k.txt")
		case $code in
		304) n304=$((n304 + 1)) ;;
		200) n200=$((n200 + 1)) ;;
		esac
	done
	log "  If-None-Match with replica a's ETag through the balancer: $n304 × 304, $n200 × 200 of 20"
	record 1 "lb-$mode" lb etags_equal "$([[ $etag_a == "$etag_b" ]] && echo 1 || echo 0)"
	record 1 "lb-$mode" lb cond_304 "$n304"
	record 1 "lb-$mode" lb cond_200 "$n200"
	local rep
	for ((rep = 1; rep <= REPS; rep++)); do
		measure "$rep" "lb-$mode" lb "$lbport" /1k.txt "$CONNS_SMALL"
	done
	stop_server "$lbpid"
	for i in "${pids[@]}"; do stop_server "$i"; done
}

# run_profile loads profserver (the command's handler chain plus pprof)
# with the 1 KiB scenario, then with the listing, and saves CPU and
# allocation profiles of each as OUT/{cpu,allocs}-NAME.pprof with -top
# summaries beside them.
run_profile() {
	cp "$WORK/bin/profserver" "$OUT/profserver"
	profile_one 1k /1k.txt "$CONNS_SMALL"
	profile_one list /list/ "$CONNS_SLOW"
}

profile_one() { # name path conns
	local name=$1 path=$2 conns=$3 port pport secs=$((DURATION * 2))
	((secs >= 4)) || secs=4
	port=$(free_port)
	pport=$(free_port)
	log "profiling $path for $secs s"
	taskset -c "$SERVER_CPU" "$WORK/bin/profserver" -addr "127.0.0.1:$port" -pprof "127.0.0.1:$pport" \
		-root "$WORK/corpus" >/dev/null 2>&1 &
	local pid=$!
	PIDS+=("$pid")
	wait_ready "$port" "$(date +%s%N)" "$pid" >/dev/null || die "profserver did not start"
	run_wrk "$port" "$path" "$conns" $((secs + 2)) >/dev/null &
	local wrkpid=$!
	curl -s --max-time $((secs + 10)) -o "$OUT/cpu-$name.pprof" "http://127.0.0.1:$pport/debug/pprof/profile?seconds=$secs"
	wait "$wrkpid" || true
	# Allocations since start-up: nearly all of them under this load.
	curl -s --max-time 10 -o "$OUT/allocs-$name.pprof" "http://127.0.0.1:$pport/debug/pprof/allocs"
	stop_server "$pid"
	local bin=$OUT/profserver
	(cd "$REPO_DIR" && go tool pprof -top -nodecount=25 "$bin" "$OUT/cpu-$name.pprof") >"$OUT/cpu-$name-top.txt" 2>&1 || true
	(cd "$REPO_DIR" && go tool pprof -top -cum -nodecount=40 "$bin" "$OUT/cpu-$name.pprof") >"$OUT/cpu-$name-cum.txt" 2>&1 || true
	(cd "$REPO_DIR" && go tool pprof -top -nodecount=25 -sample_index=alloc_space "$bin" "$OUT/allocs-$name.pprof") >"$OUT/allocs-$name-top.txt" 2>&1 || true
	(cd "$REPO_DIR" && go tool pprof -top -nodecount=25 -sample_index=alloc_objects "$bin" "$OUT/allocs-$name.pprof") >"$OUT/allocs-$name-objects.txt" 2>&1 || true
}

# check_syscalls counts, with strace, the system calls the command makes
# to answer one 1 KiB and one 10 MiB request: one write per small
# response, and sendfile for the large one, are what the kernel can do
# for us; a wrapped net.Conn or ResponseWriter that hides ReadFrom turns
# the 10 MiB file into hundreds of read/write pairs (issue 7, "lost
# sendfile through a wrapped writer").
check_syscalls() {
	if ! command -v strace >/dev/null 2>&1; then
		log "skipping the syscall check: strace not installed (apt-get install -y strace)"
		return 0
	fi
	local port path name
	port=$(free_port)
	taskset -c "$SERVER_CPU" "$OURS" "$port" -b 127.0.0.1 -d "$WORK/corpus" --quiet >/dev/null 2>&1 &
	local pid=$!
	PIDS+=("$pid")
	wait_ready "$port" "$(date +%s%N)" "$pid" >/dev/null || die "bin/httpserver did not start"
	for path in /1k.txt /10m.txt; do
		name=${path#/}
		name=${name%.txt}
		curl -s -o /dev/null --max-time 10 "http://127.0.0.1:$port$path" # warm any cache
		timeout 20 strace -f -c -p "$pid" -e trace=write,writev,sendfile,splice,read -o "$OUT/strace-$name.txt" 2>/dev/null &
		local spid=$!
		# strace attaches asynchronously: wait (bounded) for it to show
		# up as the server's tracer before sending the request.
		local i
		for ((i = 0; i < 100; i++)); do
			[[ $(awk '/^TracerPid:/ { print $2 }' "/proc/$pid/status") != 0 ]] && break
			sleep 0.05
		done
		curl -s -o /dev/null --max-time 10 "http://127.0.0.1:$port$path"
		kill -INT "$spid" 2>/dev/null || true
		wait "$spid" 2>/dev/null || true
		local call n
		for call in write sendfile read; do
			# strace -c rows: % time, seconds, usecs/call, calls, [errors,] syscall.
			n=$(awk -v c="$call" '$NF == c { print $4 }' "$OUT/strace-$name.txt")
			record 1 ours "syscalls_$name" "$call" "${n:-0}"
		done
		log "  $path: $(awk '$NF ~ /^(write|sendfile|read)$/ { printf "%s %s  ", $NF, $4 }' "$OUT/strace-$name.txt")"
	done
	stop_server "$pid"
}

go_report() {
	(cd "$REPO_DIR" && go run ./bench/report -meta "$OUT/meta.txt" "$OUT/results.csv") | tee "$OUT/report.md"
}

main() {
	parse_args "$@"
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	# The harness itself (probes, curl, wrk) stays off the server's core;
	# servers are started with taskset -c SERVER_CPU explicitly.
	taskset -cp "$CLIENT_CPU" $$ >/dev/null
	check_peers
	WORK=$(mktemp -d /tmp/pyhttp-bench.XXXXXX)
	chmod 0755 "$WORK"
	mkdir -p "$OUT" "$WORK/bin"
	: >"$OUT/results.csv"
	build
	make_corpus
	local load0
	load0=$(cut -d' ' -f1 /proc/loadavg)
	{
		echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "command=bench/run.sh${*:+ $*}"
		echo "mode=$MODE reps=$REPS duration=${DURATION}s"
		echo "load1_start=$load0"
		echo "commit=$(cd "$REPO_DIR" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
		echo "wrk=$(wrk -v 2>&1 | head -1)"
		echo "python=$("$PYTHON" --version 2>&1)"
		[[ -n ${AVAILABLE[nginx]:-} ]] && echo "nginx=$(nginx -v 2>&1)"
		[[ -n ${AVAILABLE[nginx]:-} ]] && echo "nginx_brotli_static=$([[ -f $NGINX_BROTLI ]] && echo 1 || echo 0)"
		[[ -n ${AVAILABLE[caddy]:-} ]] && echo "caddy=$(caddy version 2>&1 | head -1)"
		[[ -n ${AVAILABLE[lighttpd]:-} ]] && echo "lighttpd=$(lighttpd -v 2>&1 | head -1)"
		echo "go=$(go version)"
		echo "listing_flag=$HAVE_LISTING_FLAG etag_content_flag=$HAVE_ETAG_CONTENT"
	} >"$OUT/meta.txt"
	log "load average at start: $load0; results in $OUT"
	case $ONLY in
	startup)
		run_startup
		go_report
		return 0
		;;
	syscalls)
		check_syscalls
		go_report
		return 0
		;;
	compress)
		run_scenarios
		sample_load
		{
			echo "load1_end=$(cut -d' ' -f1 /proc/loadavg)"
			echo "load1_max=$LOAD_MAX"
		} >>"$OUT/meta.txt"
		go_report
		return 0
		;;
	esac
	run_startup
	run_scenarios
	((RUN_LB)) && run_lb
	((RUN_PROFILE)) && run_profile
	check_syscalls
	sample_load
	{
		echo "load1_end=$(cut -d' ' -f1 /proc/loadavg)"
		echo "load1_max=$LOAD_MAX"
	} >>"$OUT/meta.txt"
	go_report
	local name
	for name in 1k list; do
		[[ -s $OUT/cpu-$name-top.txt ]] || continue
		echo
		echo "CPU profile, $name ($OUT/cpu-$name.pprof):"
		sed -n '6,20p' "$OUT/cpu-$name-top.txt"
		echo
		echo "CPU profile, $name, cumulative:"
		sed -n '9,40p' "$OUT/cpu-$name-cum.txt"
		echo
		echo "Allocations by space, $name ($OUT/allocs-$name.pprof):"
		sed -n '6,20p' "$OUT/allocs-$name-top.txt"
	done
}

main "$@"
