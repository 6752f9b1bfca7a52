-- Replays a file of requests built beforehand, each exactly once, then stops.
-- wrk -t1 -cN -s wrk_replay.lua URL -- REQUESTS_FILE RESULT_FILE EXPECTED_STATUS
-- A line of REQUESTS_FILE: path \t header lines joined by \x1f \t JSON body.
-- Once every request has been handed out, connections still asking get GET /healthz (a "filler",
-- answered 200 and not counted) until the last real answer is in. Then the script writes
-- RESULT_FILE..".finished" and the caller interrupts wrk (SIGINT), which ends the run at once
-- (wrk otherwise sleeps out its -d duration) and calls done().

local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } thidua_timespec;
int clock_gettime(int clk, thidua_timespec *tp);
]]
local ts = ffi.new("thidua_timespec")
local function now()
   ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
   return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   result_file = args[2]
   expected = tonumber(args[3])
   reqs = {}
   for line in io.lines(args[1]) do
      local path, hdrs, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
      local headers = {["Content-Type"] = "application/json"}
      for pair in hdrs:gmatch("[^\31]+") do
         local k, v = pair:match("^([^:]+):%s*(.*)$")
         headers[k] = v
      end
      table.insert(reqs, wrk.format("POST", path, headers, body))
   end
   filler = wrk.format("GET", "/healthz")
   total = #reqs
   sent, answered, ok, fillers = 0, 0, 0, 0
   statuses = {}
end

function request()
   if not verified then
      -- wrk calls request() once after init() to check what it returns: not a real send.
      verified = true
      return filler
   end
   if sent == 0 then first_sent = now() end
   if sent < total then
      sent = sent + 1
      return reqs[sent]
   end
   fillers = fillers + 1
   return filler
end

function response(status, headers, body)
   if status == 200 and expected ~= 200 then
      return  -- a filler's answer
   end
   answered = answered + 1
   if status == expected then ok = ok + 1 end
   local key = tostring(status)
   statuses[key] = (statuses[key] or 0) + 1
   if answered >= total then
      elapsed = now() - first_sent
      local f = io.open(result_file .. ".finished", "w")
      f:write("done")
      f:close()
      wrk.thread:stop()
   end
end

function done(summary, latency, requests)
   local t = threads[1]
   local st = t:get("statuses")
   local parts = {}
   for k, v in pairs(st) do table.insert(parts, string.format('"%s": %d', k, v)) end
   local e = summary.errors
   local out = io.open(t:get("result_file"), "w")
   out:write(string.format(
      '{"duration_us": %d, "elapsed_s": %.6f, "answered": %d, "expected": %d, "fillers": %d, "statuses": {%s}, ' ..
      '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, ' ..
      '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}}',
      summary.duration, t:get("elapsed") or summary.duration / 1e6, t:get("answered"), t:get("ok"), t:get("fillers"), table.concat(parts, ", "),
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      e.connect, e.read, e.write, e.timeout))
   out:close()
end
