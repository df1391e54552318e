-- wrk script: GETs, reporting p50/p99 and non-200 responses.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  hits = 0
  answers = 0
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
  answers = answers + 1
  local cache = headers["X-Cache-Status"]
  if cache == "HIT" or cache == "STALE" or cache == "UPDATING" then hits = hits + 1 end
end

function done(summary, latency, requests)
  local errors, hits, answers = 0, 0, 0
  for _, t in ipairs(threads) do
    errors = errors + t:get("bad")
    hits = hits + t:get("hits")
    answers = answers + t:get("answers")
  end
  io.write(string.format("STATUS non200=%d\n", errors))
  io.write(string.format("CACHE hits=%d of=%d\n", hits, answers))
  io.write(string.format("LATENCY p50=%.2f p99=%.2f\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
