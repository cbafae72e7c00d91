#!/usr/bin/env bash
# Durability under faults (issue 12): bench/load/fault.py's row posts from many assistants,
# with the BITA server killed (SIGKILL) in the middle on SQLite, and PostgreSQL stopped at once
# (pg_ctl stop -m immediate) in the middle on PostgreSQL. Exits non-zero if an acknowledged row
# is missing or a row is half-written.  usage: bench/load/fault.sh [sqlite|postgres|both]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
OUT="$ROOT/target/fault"
mkdir -p "$OUT"
[ -f target/site/pkg/bita.css ] || scripts/build-site.sh
cargo build --release --locked -p server -p bench --bin server --bin load_data 2>&1 | tail -1
MONTH="$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)"
export BITA_PG_DIR="$OUT/pg"
source scripts/pg.sh
SUPERVISOR=""
cleanup() { touch "$OUT/stop"; [ -n "$SUPERVISOR" ] && { kill "$(cat "$OUT/server.pid" 2>/dev/null)" 2>/dev/null || true; wait "$SUPERVISOR" 2>/dev/null || true; }; pg_stop; }
trap cleanup EXIT
status=0

fault_on() {
  local db="$1" port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  rm -f "$OUT"/bita.db* "$OUT/stop"
  if [ "$db" = sqlite ]; then
    DB_URL="sqlite://$OUT/bita.db"
  else
    pg_start
    psql -q "$BITA_PG_URL/postgres" -c "CREATE DATABASE bita_fault"
    DB_URL="$BITA_PG_URL/bita_fault"
  fi
  # The supervisor: starts the server again whenever it dies, until told to stop.
  (
    while [ ! -f "$OUT/stop" ]; do
      DATABASE_URL="$DB_URL" BITA_DEMO_DATA=1 BITA_ROW_HORIZON_DAYS=400 BITA_LOG=error LEPTOS_SITE_ROOT=target/site \
        LEPTOS_SITE_ADDR="127.0.0.1:$port" BITA_ARCHIVE_KEY="$OUT/archive.key" target/release/server >>"$OUT/server-$db.log" 2>&1 &
      echo $! >"$OUT/server.pid"
      wait $! || true
    done
  ) &
  SUPERVISOR=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  target/release/load_data "$MONTH" $([ "$db" = postgres ] && echo --postgres) >"$OUT/load.sql"
  if [ "$db" = sqlite ]; then sqlite3 "$OUT/bita.db" <"$OUT/load.sql"; else psql -q -v ON_ERROR_STOP=1 "$DB_URL" -f "$OUT/load.sql" >/dev/null; fi
  BITA_FAULT_BASE="http://127.0.0.1:$port" BITA_FAULT_DB_URL="$DB_URL" BITA_FAULT_PIDFILE="$OUT/server.pid" python3 bench/load/fault.py "$db" || status=1
  touch "$OUT/stop"
  kill "$(cat "$OUT/server.pid")" 2>/dev/null || true
  wait "$SUPERVISOR" 2>/dev/null || true
  SUPERVISOR=""
  if [ "$db" = postgres ]; then pg_stop; fi
}

case "${1:-both}" in
  sqlite|postgres) fault_on "$1" ;;
  both) fault_on sqlite; fault_on postgres ;;
  *) echo "usage: $0 [sqlite|postgres|both]" >&2; exit 2 ;;
esac
exit $status
