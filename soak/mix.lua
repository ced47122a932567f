-- soak/mix.lua: the request mix for soak/run.sh, and a tally of statuses.
--
-- Each connection walks the same weighted list of paths: small files,
-- a large file, directory listings, misses (404) and a CGI script. Only
-- 200 and 404 are expected; done() prints one "status N COUNT" line per
-- status seen, which run.sh checks.

local paths = {}
local function add(path, weight)
  for _ = 1, weight do paths[#paths + 1] = path end
end
for i = 0, 49 do add("/small/f" .. i .. ".txt", 1) end -- 50
add("/large.bin", 2)
add("/list/", 8)
add("/small/", 2)
add("/missing/nothing-here.txt", 6)
add("/small/f99999.txt", 4)
add("/cgi-bin/hello.sh", 8)
add("/cgi-bin/hello.sh/path/info?q=1", 2)

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counts = {}
  i = math.random(#paths)
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("counts")) do
      total[status] = (total[status] or 0) + n
    end
  end
  for status, n in pairs(total) do
    io.write(string.format("status %d %d\n", status, n))
  end
  local e = summary.errors
  io.write(string.format("errors connect %d read %d write %d status %d timeout %d\n",
    e.connect, e.read, e.write, e.status, e.timeout))
  io.write(string.format("requests %d bytes %d p99_ms %.2f\n",
    summary.requests, summary.bytes, latency:percentile(99) / 1000))
end
