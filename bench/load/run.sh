#!/usr/bin/env bash
# The load tests of issue 12 (not part of the test command): a release server with the demo
# data and a generated municipality (1,000 recipients, 5,000 assistants, a 30-row month each;
# bench/src/bin/load_data.rs), every assistant logged in (one session each, login.py), then wrk:
#   P1 record a shift   (p1.lua: a form post per request, 64 connections)
#   P2 a month page     (p2.lua: an assistant's 30-row month, server-rendered)
# and then the municipality's month dashboard and export page, one view at a time (admin.py)
# on SQLite and on PostgreSQL (a throw-away cluster, scripts/pg.sh), on this machine.
#
#   bench/load/run.sh [sqlite|postgres|both]     (default both)
# BITA_LOAD_TENANTS=10 spreads the same people over 10 municipalities (P1 and P2 only: the
# dashboard and export page are one municipality's). BITA_LOAD_MONTHS=6 fills the five months
# before the measured one too (the month's checks read six months back, as a real municipality's).
# Environment: BITA_LOAD_SECONDS (20), BITA_LOAD_CONNECTIONS (64), BITA_LOAD_THREADS (2),
# BITA_LOAD_USERS (5000: how many assistants log in), BITA_SERVER_BIN (the server binary to
# measure, e.g. one built from an earlier commit, to compare before and after; default: build
# target/release/server). BITA_LOAD_PG_PROFILE=1: PostgreSQL's statements during P1
# (pg_stat_statements: calls, mean and total time, the top 25 by total) in target/load/pg-p1.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
WHICH="${1:-both}"
SECONDS_EACH="${BITA_LOAD_SECONDS:-20}"
CONNECTIONS="${BITA_LOAD_CONNECTIONS:-64}"
export BITA_LOAD_THREADS="${BITA_LOAD_THREADS:-2}"
USERS="${BITA_LOAD_USERS:-5000}"
TENANTS="${BITA_LOAD_TENANTS:-1}"
HISTORY="${BITA_LOAD_MONTHS:-1}"
OUT="$ROOT/target/load"
export BITA_LOAD_DIR="$ROOT/bench/load"

command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[ -f target/site/pkg/bita.css ] || scripts/build-site.sh
SERVER_BIN="${BITA_SERVER_BIN:-target/release/server}"
if [ -n "${BITA_SERVER_BIN:-}" ]; then
  cargo build --release --locked -p bench --bin load_data 2>&1 | tail -1
else
  cargo build --release --locked -p server -p bench --bin server --bin load_data 2>&1 | tail -1
fi

MONTH="$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)"   # the generated 30-row month
export BITA_LOAD_MONTH="$MONTH"
export BITA_LOAD_FIRST_DAY="$(date -d tomorrow +%Y-%m-%d)"
mkdir -p "$OUT"

SERVER_PID=""
stop_server() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null; SERVER_PID=""; }
export BITA_PG_DIR="$OUT/pg"
[ -n "${BITA_LOAD_PG_PROFILE:-}" ] && export BITA_PG_OPTIONS="-c shared_preload_libraries=pg_stat_statements"
source scripts/pg.sh
cleanup() { stop_server || true; pg_stop; }
trap cleanup EXIT

count() { # rows of the generated municipality from the first P1 day on
  local sql="SELECT COUNT(*) FROM time_rows WHERE tenant_id >= 1000 AND work_date >= '$BITA_LOAD_FIRST_DAY'"
  if [ "$1" = sqlite ]; then sqlite3 "$OUT/bita.db" "$sql"; else psql -Atq "$DB_URL" -c "$sql"; fi
}

run_on() {
  local db="$1" port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  if [ "$db" = sqlite ]; then
    rm -f "$OUT"/bita.db*
    DB_URL="sqlite://$OUT/bita.db"
  else
    pg_start
    psql -q "$BITA_PG_URL/postgres" -c "CREATE DATABASE bita_load"
    DB_URL="$BITA_PG_URL/bita_load"
  fi
  DATABASE_URL="$DB_URL" BITA_DEMO_DATA=1 BITA_ROW_HORIZON_DAYS=400 BITA_LOG=warn LEPTOS_SITE_ROOT=target/site \
    LEPTOS_SITE_ADDR="127.0.0.1:$port" BITA_ARCHIVE_KEY="$OUT/archive.key" "$SERVER_BIN" >"$OUT/server-$db.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  echo "== $db: loading the generated municipality"
  target/release/load_data "$MONTH" --tenants "$TENANTS" --months "$HISTORY" $([ "$db" = postgres ] && echo --postgres) >"$OUT/load-$db.sql"
  if [ "$db" = sqlite ]; then sqlite3 "$OUT/bita.db" <"$OUT/load-$db.sql"; else psql -q -v ON_ERROR_STOP=1 "$DB_URL" -f "$OUT/load-$db.sql" >/dev/null; fi
  export BITA_LOAD_SESSIONS="$OUT/sessions-$db.txt" BITA_LOAD_ORIGIN="http://127.0.0.1:$port"
  python3 bench/load/login.py "http://127.0.0.1:$port" "$USERS" "$BITA_LOAD_SESSIONS"
  # The bulk load and the logins are followed by ANALYZE, as a running installation's tables
  # have their statistics (the server runs SQLite's `PRAGMA optimize` at start and hourly;
  # PostgreSQL's autovacuum analyzes a table once a tenth of it changed). Analyzed before the
  # logins, PostgreSQL planned the sessions' and the audit chain's look-ups for the near-empty
  # tables they were then (a sequential scan), and P1 measured that: the first P1 after a load
  # ran at two thirds of the next one's rate.
  if [ "$db" = sqlite ]; then sqlite3 "$OUT/bita.db" "ANALYZE"; else psql -q "$DB_URL" -c "ANALYZE"; fi
  echo "== $db: P2, then P1 ($CONNECTIONS connections, $BITA_LOAD_THREADS threads, ${SECONDS_EACH}s each)"
  wrk -t"$BITA_LOAD_THREADS" -c"$CONNECTIONS" -d"${SECONDS_EACH}s" -s bench/load/p2.lua "http://127.0.0.1:$port" | grep -E "^P2|Non-2xx" || true
  local before after profile=""
  [ "$db" = postgres ] && [ -n "${BITA_LOAD_PG_PROFILE:-}" ] && profile=1
  [ -n "$profile" ] && psql -q "$DB_URL" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" -c "SELECT pg_stat_statements_reset()" >/dev/null
  before="$(count "$db")"
  wrk -t"$BITA_LOAD_THREADS" -c"$CONNECTIONS" -d"${SECONDS_EACH}s" -s bench/load/p1.lua "http://127.0.0.1:$port" | grep -E "^P1" || true
  after="$(count "$db")"
  echo "P1 rows landed: $((after - before))"
  [ -n "$profile" ] && psql "$DB_URL" -c "SELECT calls, round(mean_exec_time::numeric*1000) AS mean_us, round(total_exec_time::numeric) AS total_ms, round((total_exec_time/$((after - before)))::numeric*1000) AS us_per_row, left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS query FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25" >"$OUT/pg-p1.txt" && cat "$OUT/pg-p1.txt"
  [ "$TENANTS" = 1 ] && python3 bench/load/admin.py "http://127.0.0.1:$port" "$MONTH"
  stop_server
  if [ "$db" = postgres ]; then pg_stop; fi
}

case "$WHICH" in
  sqlite|postgres) run_on "$WHICH" ;;
  both) run_on sqlite; run_on postgres ;;
  *) echo "usage: $0 [sqlite|postgres|both]" >&2; exit 2 ;;
esac
