-- wrk script for bench/load.py.
--
--   wrk … -s bench/wrk.lua http://127.0.0.1:PORT/path            one URL, as given
--   wrk … -s bench/wrk.lua http://127.0.0.1:PORT/ -- paths.txt   a random line of paths.txt
--                                                                 (one path per line) per request
--
-- Random paths are how the benchmark reaches pages that are mostly not in the cache yet
-- (thousands of article slugs, tag pages, search terms). At the end it prints one line,
-- "SUMMIT_RESULT {json}", that bench/load.py reads: requests, seconds, p50/p99 latency in
-- microseconds, and errors split the way wrk counts them (status = answers other than 2xx/3xx).

local paths = nil
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("id", thread_count)
end

function init(args)
  if args[1] ~= nil then
    paths = {}
    for line in io.lines(args[1]) do
      if line ~= "" then
        paths[#paths + 1] = line
      end
    end
  end
  -- Each wrk thread has its own Lua state: seed each differently so they ask different pages.
  math.randomseed(os.time() * 1000 + (id or 0))
end

function request()
  if paths == nil then
    return wrk.format()
  end
  return wrk.format(nil, paths[math.random(#paths)])
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'SUMMIT_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
      .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.connect, errors.read, errors.write, errors.status, errors.timeout
  ))
end
