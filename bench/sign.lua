-- wrk script: full signing POSTs, each with a unique email and client address.
-- Counts responses by status so the runner can check every 303 was stored.
-- bench/http_bench.py sends them as fast as it can; bench/surge.py runs one
-- step of its surge per wrk run, naming the step (so every step's signers
-- and addresses are new) and a pause per connection between requests (so
-- the step runs at about the rate asked for).
local counter = 0
local threads = {}
local token = os.getenv("SIGNME_FORM_TOKEN")
local prefix = os.getenv("SIGNME_BENCH_PREFIX") or "bench"
local step = tonumber(os.getenv("SIGNME_SURGE_STEP") or "0")
local pause = tonumber(os.getenv("SIGNME_SURGE_DELAY_MS") or "0")

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  see_other = 0
  other = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Sec-Fetch-Site"] = "same-origin"
end

if pause > 0 then
  function delay()
    return pause
  end
end

function request()
  counter = counter + 1
  local n = id * 10000000 + counter
  local body = "form_token=" .. token
    .. "&name=Bench+Signer+" .. n
    .. "&email=" .. prefix .. "." .. step .. "." .. n .. "%40example.org"
    .. "&address=1+Market+Place%2C+Holt"
    .. "&postcode=nr256bw&eligible=yes&consent_email=on"
  -- One address per request, as in a real surge, new in every step; behind
  -- one trusted proxy.
  local ip = string.format("10.%d.%d.%d", (step * 8 + id) % 250,
    math.floor(counter / 250) % 250, counter % 250)
  wrk.headers["X-Forwarded-For"] = ip
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status == 303 then see_other = see_other + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local ok, bad = 0, 0
  for _, t in ipairs(threads) do
    ok = ok + t:get("see_other")
    bad = bad + t:get("other")
  end
  io.write(string.format("STATUS 303=%d other=%d\n", ok, bad))
  io.write(string.format("LATENCY p50=%.2f p99=%.2f\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
