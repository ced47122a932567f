#!/usr/bin/env bash
# Folder download and search (issue 19): streams a ~1 GiB folder of mixed
# files as tar and zip and compares the rate with GNU tar and Info-ZIP on
# the same tree, records the server's RSS growth, and times a search of a
# 100,000-entry tree against find. Needs curl, tar, zip and python3.
#
#   bench/share.sh [--reps N] [--dir DIR] [--only archives|search]
#
# The trees are written once under DIR (default /tmp/httpserver-share) and
# kept; each figure is the median of N runs (default 5), warm page cache.
set -euo pipefail
cd "$(dirname "$0")/.."
reps=5
top=/tmp/httpserver-share
only=
while (($#)); do
	case $1 in
	--reps) reps=$2; shift 2 ;;
	--dir) top=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	*) echo "usage: bench/share.sh [--reps N] [--dir DIR] [--only archives|search]" >&2; exit 2 ;;
	esac
done
for tool in curl tar zip python3; do
	command -v $tool >/dev/null || { echo "bench/share.sh: $tool is missing (apt-get install $tool)" >&2; exit 1; }
done
mixed=$top/mixed
many=$top/many
bin=$(mktemp -d)
trap 'rm -rf "$bin"; [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true' EXIT
go build -o "$bin/httpserver" ./cmd/httpserver

if [ ! -e "$mixed/.done" ]; then
	echo "writing $mixed (about 1 GiB)..." >&2
	rm -rf "$mixed"
	python3 - "$mixed" <<'PY'
import os, sys, random, glob
top = sys.argv[1]
rnd = random.Random(19)
def put(p, b):
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f: f.write(b)
# Incompressible media: 300 photos of 1 MiB, 3 videos of 100 MiB.
for i in range(300): put(f"{top}/photos/{i//50}/img{i:04}.jpg", rnd.randbytes(1 << 20))
for i in range(3): put(f"{top}/video/clip{i}.mp4", rnd.randbytes(100 << 20))
# Compressible text: 400 files of 1 MiB cut from Go's sources, and 5,000
# small ones of 4 KiB.
src = b"".join(open(p, "rb").read() for p in sorted(glob.glob(os.popen("go env GOROOT").read().strip() + "/src/net/http/*.go")))
for i in range(400):
    off = rnd.randrange(0, len(src) - (1 << 20))
    put(f"{top}/text/{i//40}/doc{i:04}.txt", src[off:off + (1 << 20)])
for i in range(5000):
    off = rnd.randrange(0, len(src) - 4096)
    put(f"{top}/small/{i//500}/note{i:05}.md", src[off:off + 4096])
PY
	touch "$mixed/.done"
fi
if [ ! -e "$many/.done" ]; then
	echo "writing $many (100,000 entries)..." >&2
	rm -rf "$many"
	python3 - "$many" <<'PY'
import os, sys
top = sys.argv[1]
# 1,000 directories of 99 files: 100,000 entries, 10 of them named *text*.
for d in range(1000):
    p = f"{top}/d{d//100:02}/sub{d:04}"
    os.makedirs(p)
    for f in range(99):
        name = f"file{f:02}.dat" if not (d % 100 == 0 and f == 0) else "some-TEXT-here.txt"
        open(f"{p}/{name}", "w").close()
PY
	touch "$many/.done"
fi
du -sh --apparent-size "$mixed" >&2

serve() { # serve DIR: starts the server, sets pid and port
	"$bin/httpserver" 0 -b 127.0.0.1 -d "$1" --archives --quiet --no-banner >"$bin/out" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		port=$(grep -o 'port [0-9]*' "$bin/out" | head -1 | cut -d' ' -f2) && [ -n "$port" ] && return
		sleep 0.05
	done
	echo "server did not start" >&2; exit 1
}
rss() { awk '/^VmRSS/ {print $2}' /proc/$pid/status; }
hwm() { awk '/^VmHWM/ {print $2}' /proc/$pid/status; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
secs() { # secs CMD...: wall seconds of CMD
	local t0 t1
	t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l
}
bytes=$(du -sb --apparent-size "$mixed" | cut -f1)
rate() { echo "scale=0; $bytes / $1 / 1048576" | bc -l; }

if [ "$only" != search ]; then
serve "$mixed"
curl -s -o /dev/null "http://127.0.0.1:$port/"
rss0=$(rss)
cat "$mixed"/*/*/* "$mixed"/video/* >/dev/null # warm the page cache
for what in tar-devnull tar-pipe ours-tar zip ours-zip; do
	for _ in $(seq "$reps"); do
		case $what in
		tar-devnull) secs tar -cf - -C "$mixed" . ;; # GNU tar skips reading files when its output is /dev/null
		tar-pipe) secs sh -c "tar -cf - -C '$mixed' . | cat" ;;
		ours-tar) secs curl -sf -o /dev/null "http://127.0.0.1:$port/?download=tar" ;;
		zip) secs sh -c "cd '$mixed' && zip -q -r -1 - ." ;;
		ours-zip) secs curl -sf -o /dev/null "http://127.0.0.1:$port/?download=zip" ;;
		esac
	done | median >"$bin/$what"
	echo "$what: $(cat "$bin/$what") s, $(rate "$(cat "$bin/$what")") MiB/s" >&2
done
echo "server RSS: $rss0 KiB before, $(rss) KiB after, peak $(hwm) KiB" >&2
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
fi
[ "$only" = archives ] && exit 0

serve "$many"
for _ in $(seq "$reps"); do # taken in turn, a second apart at most
	secs find "$many" -iname '*text*' >>"$bin/find.all"
	# curl's own time of the request: its start-up (tens of ms on a loaded
	# machine) is no part of the search.
	curl -sf -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/?q=text&format=json" >>"$bin/search.all"
done
median <"$bin/find.all" >"$bin/find"
median <"$bin/search.all" >"$bin/search"
first=$(for _ in $(seq "$reps"); do
	python3 - "http://127.0.0.1:$port/?q=text" <<'PY'
import sys, time, urllib.request
t0 = time.monotonic()
with urllib.request.urlopen(sys.argv[1]) as r:
    while True:
        line = r.readline()
        if not line or b'<tr><td class="n">' in line: break
print(time.monotonic() - t0)
PY
done | median)
echo "find -iname '*text*': $(cat "$bin/find") s; search (JSON, whole scan): $(cat "$bin/search") s; first result row of the page: $first s" >&2
