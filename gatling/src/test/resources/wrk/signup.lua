-- wrk script for WrkBenchmark: POSTs signups, each with a new address and a visitor IP from
-- 198.18.0.0/15 in CF-Connecting-IP, as the Gatling simulations do.
-- args: <waitlist> <interval-us-per-thread> [<ramp-us>] ; interval 0 = as fast as the connections go
-- (closed loop); a ramp grows the rate linearly from 0 to the full rate over that time, then holds it.
--
-- wrk itself is a closed loop: a connection sends its next request only after the answer, so a
-- slow answer lowers the offered rate and hides the wait of the requests that were due meanwhile
-- ("coordinated omission"). With an interval, each wrk thread keeps a fixed schedule, as wrk2
-- does: request k is due at start + k * interval whatever the answers did. A connection ready to
-- send takes the next due time and waits for it; when the service is behind, that time has passed
-- and the request goes at once, and its latency is counted from when it was due, not from when it
-- was sent. The offered rate is then threads / interval however slow the service gets (as long as
-- the connections suffice), and "latency_ms" is what a visitor arriving on schedule waited.
-- Answers are matched to their requests by X-Request-Id, which the service (and the floor) echo.
-- "service_ms" is wrk's own histogram, for comparison: send to answer, plus the samples wrk itself
-- adds for answers slower than a connection's average interval (its stats_correct, an estimate of
-- what a closed loop omits). In a closed loop nothing is due, and both lines are wrk's own.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } launchline_timespec;
int clock_gettime(int clock_id, launchline_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local timespec = ffi.new("launchline_timespec")

local function now_us()
   ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
   return tonumber(timespec.tv_sec) * 1000000 + tonumber(timespec.tv_nsec) / 1000
end

local threads = {}

function setup(thread)
   thread:set("id", #threads + 1)
   table.insert(threads, thread)
end

function init(args)
   waitlist = args[1] or "launch"
   interval = tonumber(args[2] or "0")
   ramp = tonumber(args[3] or "0")
   -- requests of this thread due during the ramp (R * r / 2, with r = 1 / interval)
   ramp_requests = interval > 0 and ramp / (2 * interval) or 0
   accepted, other, unmatched = 0, 0, 0
   counter = 0
   latencies = {}
   due_times = {} -- taken by connections waiting to send, earliest first
   first_due, last_due = 1, 0
   started = {} -- request id -> when its latency starts
   run_start = now_us()
   -- latency_slices[i]: which 5 s of the run latencies[i] ended in, for the WRK timeline lines
   -- (a flat table beside the other: wrk's thread:get copies flat tables, not nested ones)
   latency_slices = {}
   math.randomseed(os.time() * 1000 + id)
   path = "/api/v1/waitlists/" .. waitlist .. "/signups"
   -- threads start spread over one interval, not in step
   schedule_start = now_us() + math.random() * interval
   scheduled = 0
   next_due = schedule_start
end

-- When this thread's k-th request (from 0) is due. Over a ramp of R the rate grows as r * t / R,
-- so k requests are due by t = sqrt(2 * R * k / r); the ramp holds R * r / 2 of them, and after
-- it they come every interval (1 / r).
local function due_at(k)
   if k <= ramp_requests then
      return schedule_start + math.sqrt(2 * ramp * k * interval)
   end
   return schedule_start + ramp + (k - ramp_requests) * interval
end

local function advance()
   scheduled = scheduled + 1
   next_due = due_at(scheduled)
end

function delay()
   if interval == 0 then
      return 0
   end
   last_due = last_due + 1
   due_times[last_due] = next_due
   advance()
   local wait = due_times[last_due] - now_us()
   return wait > 0 and math.floor(wait / 1000) or 0
end

function request()
   counter = counter + 1
   local request_id = string.format("wrk-%d-%d", id, counter)
   if interval > 0 then
      -- whichever connection sends first sends the earliest due request; the timer has
      -- millisecond steps and may fire a little early: count from whichever came first
      local due = due_times[first_due]
      if due then
         due_times[first_due] = nil
         first_due = first_due + 1
      else -- wrk sends the first request after a reconnect without asking delay()
         due = next_due
         advance()
      end
      started[request_id] = math.min(now_us(), due)
   end
   local email = string.format("wrk-%d-%d-%d@loadtest.launchline.test", os.time(), id, counter)
   local ip = string.format("198.%d.%d.%d", 18 + math.random(0, 1), math.random(0, 255), math.random(1, 254))
   return wrk.format("POST", path, {
      ["Content-Type"] = "application/json",
      ["Accept"] = "application/json",
      ["CF-Connecting-IP"] = ip,
      ["X-Request-Id"] = request_id,
   }, '{"email": "' .. email .. '", "utm_source": "wrk"}')
end

function response(status, headers, body)
   if status == 202 then accepted = accepted + 1 else other = other + 1 end
   if interval > 0 then
      local request_id = headers["X-Request-Id"]
      if not request_id then -- header names are case-insensitive (a proxy may lower-case them)
         for name, value in pairs(headers) do
            if string.lower(name) == "x-request-id" then request_id = value end
         end
      end
      local start = request_id and started[request_id]
      if start then
         local now = now_us()
         local waited = now - start
         latencies[#latencies + 1] = waited
         started[request_id] = nil
         latency_slices[#latencies] = math.floor((now - run_start) / 5000000) + 1
      else
         unmatched = unmatched + 1
      end
   end
end

local function percentile(sorted, p)
   return sorted[math.max(1, math.ceil(#sorted * p / 100))]
end

function done(summary, latency, requests)
   local ok, bad, lost, all = 0, 0, 0, {}
   local slice_all = {} -- slice -> its latencies
   for _, thread in ipairs(threads) do
      local thread_latencies, thread_slices = thread:get("latencies"), thread:get("latency_slices")
      for i, us in ipairs(thread_latencies) do
         local slice = thread_slices[i]
         slice_all[slice] = slice_all[slice] or {}
         table.insert(slice_all[slice], us)
         all[#all + 1] = us
      end
      ok = ok + thread:get("accepted")
      bad = bad + thread:get("other")
      lost = lost + thread:get("unmatched")
   end
   table.sort(all)
   local seconds = summary.duration / 1e6
   local function ms(p)
      -- closed loop: nothing was due, so the latency is wrk's own
      return #all == 0 and latency:percentile(p) / 1000 or percentile(all, p) / 1000
   end
   io.write(string.format("WRK requests=%d accepted=%d other_status=%d socket_errors=%d unmatched=%d seconds=%.1f rate=%.0f\n",
      summary.requests, ok, bad,
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
      lost, seconds, summary.requests / seconds))
   io.write(string.format("WRK latency_ms p50=%.2f p95=%.2f p99=%.2f p999=%.2f max=%.2f\n",
      ms(50), ms(95), ms(99), ms(99.9), #all == 0 and latency.max / 1000 or all[#all] / 1000))
   -- how the run went, 5 s at a time (a fixed rate only): a cold start's backlog shows here
   local slices = {}
   for slice in pairs(slice_all) do slices[#slices + 1] = slice end
   table.sort(slices)
   for _, slice in ipairs(slices) do
      local sorted, sum = slice_all[slice], 0
      table.sort(sorted)
      for _, us in ipairs(sorted) do sum = sum + us end
      io.write(string.format("WRK timeline s=%d-%d answered_per_s=%.0f latency_mean_ms=%.1f latency_p99_ms=%.1f latency_max_ms=%.1f\n",
         (slice - 1) * 5, slice * 5, #sorted / 5, sum / #sorted / 1000,
         percentile(sorted, 99) / 1000, sorted[#sorted] / 1000))
   end
   io.write(string.format("WRK service_ms p50=%.2f p95=%.2f p99=%.2f p999=%.2f max=%.2f\n",
      latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
      latency:percentile(99.9) / 1000, latency.max / 1000))
end
