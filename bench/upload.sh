#!/bin/sh
# bench/upload.sh: one 1 GiB `curl -T` to `httpserver --upload` over
# loopback against `dd bs=1M conv=fsync` on the same file system, taken
# in turn REPS times, and the server's resident memory before and at its
# peak. Usage: bench/upload.sh [REPS] [DIR]; DIR (default /var/tmp/upbench)
# holds the 1 GiB source, the server's root and dd's copy, all on one disk.
set -eu
REPS=${1:-7}
B=${2:-/var/tmp/upbench}
mkdir -p "$B/dd" "$B/srv"
go build -o "$B/httpserver" ./cmd/httpserver
SRC=$B/src.bin
[ -f "$SRC" ] || head -c 1073741824 /dev/urandom > "$SRC"
cat "$SRC" > /dev/null # in the page cache, for both
"$B/httpserver" 0 -b 127.0.0.1 -d "$B/srv" --quiet --no-banner --upload --overwrite --max-upload 2G > "$B/banner.txt" 2>&1 &
PID=$!
trap 'kill $PID; rm -f "$B/dd/copy" "$B/srv/copy.bin"' EXIT
sleep 1
PORT=$(grep -o 'port [0-9]*' "$B/banner.txt" | head -1 | cut -d' ' -f2)
RSS0=$(awk '/VmRSS/{print $2}' /proc/$PID/status)
i=0
while [ $i -lt "$REPS" ]; do
	i=$((i + 1))
	rm -f "$B/dd/copy"; sync
	T0=$(date +%s.%N); dd if="$SRC" of="$B/dd/copy" bs=1M conv=fsync status=none; T1=$(date +%s.%N)
	DD=$(echo "$T1 - $T0" | bc)
	rm -f "$B/srv/copy.bin"; sync
	CURL=$(curl -sS -T "$SRC" "http://127.0.0.1:$PORT/copy.bin" -o /dev/null -w '%{time_total}')
	cmp -s "$SRC" "$B/srv/copy.bin" && SAME=identical || SAME=DIFFERENT
	echo "run $i: dd ${DD}s curl ${CURL}s dd/curl $(echo "scale=3; $DD / $CURL" | bc) $SAME load $(cut -d' ' -f1 /proc/loadavg)"
done
HWM=$(awk '/VmHWM/{print $2}' /proc/$PID/status)
echo "RSS before ${RSS0} KiB, peak ${HWM} KiB, growth $((HWM - RSS0)) KiB"
