-- wrk script for WrkBenchmark: POSTs signups, each with a new address and a visitor IP from
-- 198.18.0.0/15 in CF-Connecting-IP, as the Gatling simulations do.
-- args: <waitlist> <pause-ms-per-connection> ; pause 0 = as fast as the connections go (closed loop).
-- wrk is a closed loop: a connection sends its next request only after the answer. With a pause,
-- each connection waits that long between answer and next request, which paces the offered rate
-- (connections / pause) as long as answers are much faster than the pause.
local threads = {}
local counter = 0

function setup(thread)
   thread:set("id", #threads + 1)
   table.insert(threads, thread)
end

function init(args)
   waitlist = args[1] or "launch"
   pause = tonumber(args[2] or "0")
   accepted, other = 0, 0
   math.randomseed(os.time() * 1000 + id)
   path = "/api/v1/waitlists/" .. waitlist .. "/signups"
end

function delay()
   return pause
end

function request()
   counter = counter + 1
   local email = string.format("wrk-%d-%d-%d@loadtest.launchline.test", os.time(), id, counter)
   local ip = string.format("198.%d.%d.%d", 18 + math.random(0, 1), math.random(0, 255), math.random(1, 254))
   return wrk.format("POST", path, {
      ["Content-Type"] = "application/json",
      ["Accept"] = "application/json",
      ["CF-Connecting-IP"] = ip,
   }, '{"email": "' .. email .. '", "utm_source": "wrk"}')
end

function response(status, headers, body)
   if status == 202 then accepted = accepted + 1 else other = other + 1 end
end

function done(summary, latency, requests)
   local ok, bad = 0, 0
   for _, thread in ipairs(threads) do
      ok = ok + thread:get("accepted")
      bad = bad + thread:get("other")
   end
   local seconds = summary.duration / 1e6
   io.write(string.format("WRK requests=%d accepted=%d other_status=%d socket_errors=%d seconds=%.1f rate=%.0f\n",
      summary.requests, ok, bad,
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
      seconds, summary.requests / seconds))
   io.write(string.format("WRK latency_ms p50=%.2f p95=%.2f p99=%.2f p999=%.2f max=%.2f\n",
      latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
      latency:percentile(99.9) / 1000, latency.max / 1000))
end
