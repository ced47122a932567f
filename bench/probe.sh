# probe.sh, sourced by run.sh and idlerss.sh, defines probe.
#
# probe sends one GET for the 1 KiB file over bash's /dev/tcp and
# succeeds on a 200. It forks nothing, so a failed try costs microseconds;
# a curl run costs about 8 ms here, coarser than the 10 ms start-up
# target it would be measuring.
probe() { # port
	local line=""
	{ exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
	printf 'GET /1k.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3 2>/dev/null || true
	IFS= read -r -t 2 line <&3 || true
	exec 3<&- 3>&-
	[[ $line == "HTTP/1."?" 200"* ]]
}
