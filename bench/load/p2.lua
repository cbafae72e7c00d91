-- P2: an assistant's month page with 30 rows, rendered on the server: GET /assistent?manad=
-- $BITA_LOAD_MONTH with each assistant's own session in turn.
package.path = os.getenv("BITA_LOAD_DIR") .. "/?.lua;" .. package.path
local s = require("sessions")
local mine, k, ok, other = {}, 0, 0, 0
local path = "/assistent?manad=" .. os.getenv("BITA_LOAD_MONTH")

setup = s.setup

function init(args)
  mine = s.load(tonumber(wrk.thread:get("id")), s.thread_count())
end

function request()
  k = k % #mine + 1
  return wrk.format("GET", path, { ["Cookie"] = "bita_session=" .. mine[k].cookie })
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1 else other = other + 1 end
  wrk.thread:set("ok", ok)
  wrk.thread:set("other", other)
end

function done(summary, latency, requests)
  s.report("P2 month page (30 rows)", summary, latency)
end
