-- Shared by p1.lua and p2.lua: the logged-in assistants (one session each) from the file
-- $BITA_LOAD_SESSIONS ("cookie csrf recipient" per line, written by login.py), split between
-- wrk's threads so no two threads use one session; per-thread counters reported at the end.
-- BITA_LOAD_DAY_OFFSET: P1 starts that many days later (to run P1 again on the same data).
local M = {}
local threads = {}
local next_id = 0

function M.setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function M.load(id, count)
  local mine = {}
  local i = 0
  for line in io.lines(os.getenv("BITA_LOAD_SESSIONS")) do
    local cookie, csrf, recipient = line:match("^(%S+) (%S+) (%S+)$")
    if cookie and i % count == id then
      table.insert(mine, { cookie = cookie, csrf = csrf, recipient = recipient, n = tonumber(os.getenv("BITA_LOAD_DAY_OFFSET") or "0") })
    end
    i = i + 1
  end
  return mine
end

function M.thread_count()
  return tonumber(os.getenv("BITA_LOAD_THREADS") or "2")
end

-- Latency percentiles and the status counts of every thread.
function M.report(name, summary, latency)
  local counts = {}
  for _, t in ipairs(threads) do
    for _, key in ipairs({ "ok", "other" }) do
      counts[key] = (counts[key] or 0) + (t:get(key) or 0)
    end
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("%s: %d requests in %.1f s = %.0f/s; latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; answered as expected %d, otherwise %d; socket errors %d\n",
    name, summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    counts.ok or 0, counts.other or 0,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end

return M
