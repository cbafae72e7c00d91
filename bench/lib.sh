# Shared by bench/compare/run.sh and bench/api/run.sh: a release server on a fresh SQLite or
# PostgreSQL database with the demo data, the load tests' generated municipality loaded into it
# (1,000 recipients, 5,000 assistants, 150,000 rows in last month), and the helpers to load more
# SQL and to start the server again.
# usage (from the repository's root, with `set -euo pipefail`):
#   OUT=target/<name>; WHICH=sqlite|postgres; source bench/lib.sh
#   bench_start [VAR=value …]   # the server's extra environment
#   bench_load file.sql; bench_analyse; bench_restart
# Sets SERVER_BIN, MONTH, DB_URL, port, pg (`--postgres` or empty) and SERVER_PID.
SERVER_BIN="${BITA_SERVER_BIN:-target/release/server}"
[ -n "${BITA_SERVER_BIN:-}" ] || cargo build --release --locked -p server --bin server 2>&1 | tail -1
cargo build --release --locked -p bench --bin load_data 2>&1 | tail -1
[ -f target/site/pkg/bita.css ] || scripts/build-site.sh
MONTH="$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)"
mkdir -p "$OUT"
export BITA_PG_DIR="$PWD/$OUT/pg"
source scripts/pg.sh
SERVER_PID=""
SERVER_ENV=()
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; pg_stop; }
trap cleanup EXIT
if [ "$WHICH" = sqlite ]; then
  rm -f "$OUT"/bita.db*; DB_URL="sqlite://$OUT/bita.db"
else
  db="bita_$(basename "$OUT" | tr -c 'a-z0-9\n' '_')"
  pg_start; psql -q "$BITA_PG_URL/postgres" -c "CREATE DATABASE $db"; DB_URL="$BITA_PG_URL/$db"
fi
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
pg=$([ "$WHICH" = postgres ] && echo --postgres || true)

bench_server() {
  env DATABASE_URL="$DB_URL" BITA_DEMO_DATA=1 BITA_LOG=warn LEPTOS_SITE_ROOT=target/site \
    LEPTOS_SITE_ADDR="127.0.0.1:$port" BITA_ARCHIVE_KEY="$OUT/archive.key" "${SERVER_ENV[@]}" \
    "$SERVER_BIN" >>"$OUT/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
}

# The server on the new database (its migrations and demo data), then the generated municipality.
bench_start() {
  SERVER_ENV=("$@")
  : >"$OUT/server.log"
  bench_server
  target/release/load_data "$MONTH" $pg >"$OUT/load.sql"
  bench_load "$OUT/load.sql"
}

bench_load() {
  if [ "$WHICH" = sqlite ]; then sqlite3 "$OUT/bita.db" <"$1"; else psql -q -v ON_ERROR_STOP=1 "$DB_URL" -f "$1" >/dev/null; fi
}

bench_analyse() {
  if [ "$WHICH" = sqlite ]; then sqlite3 "$OUT/bita.db" "ANALYZE"; else psql -q "$DB_URL" -c "ANALYZE"; fi
}

# Started again on the loaded database, as a server finds it in production: its connections
# plan with the statistics just gathered.
bench_restart() {
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  bench_server
}
