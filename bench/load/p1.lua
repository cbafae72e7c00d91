-- P1: record a shift. Every request is a real form post of one assistant's session (cookie,
-- CSRF token, a fresh idempotency key): a one-hour row 08:00-09:00 on that assistant's next
-- day not yet used, from $BITA_LOAD_FIRST_DAY on. The server checks it (assignment, decision,
-- month, overlap, rest) and stores the row and its audit entry in one transaction; success is
-- a 303 to the month's page.
package.path = os.getenv("BITA_LOAD_DIR") .. "/?.lua;" .. package.path
local s = require("sessions")
local mine, k, ok, other = {}, 0, 0, 0
local first = os.time({ year = tonumber(os.getenv("BITA_LOAD_FIRST_DAY"):sub(1, 4)), month = tonumber(os.getenv("BITA_LOAD_FIRST_DAY"):sub(6, 7)), day = tonumber(os.getenv("BITA_LOAD_FIRST_DAY"):sub(9, 10)), hour = 12 })

setup = s.setup

function init(args)
  local id = tonumber(wrk.thread:get("id"))
  mine = s.load(id, s.thread_count())
  math.randomseed(os.time() + id * 7919)
end

local function key()
  local t = {}
  for i = 1, 32 do t[i] = string.format("%x", math.random(0, 15)) end
  return table.concat(t)
end

function request()
  k = k % #mine + 1
  local a = mine[k]
  local day = os.date("%Y-%m-%d", first + a.n * 86400)
  a.n = a.n + 1
  local body = "recipient=" .. a.recipient .. "&date=" .. day .. "&start=08%3A00&end=09%3A00&kind=aktiv&csrf=" .. a.csrf .. "&idem=" .. key()
  return wrk.format("POST", "/assistent/rad", {
    ["Cookie"] = "bita_session=" .. a.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Origin"] = os.getenv("BITA_LOAD_ORIGIN"),
  }, body)
end

function response(status, headers, body)
  if status == 303 then ok = ok + 1 else other = other + 1 end
  wrk.thread:set("ok", ok)
  wrk.thread:set("other", other)
end

function done(summary, latency, requests)
  s.report("P1 record a shift", summary, latency)
end
