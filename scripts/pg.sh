#!/usr/bin/env bash
# A throw-away PostgreSQL cluster under target/pg for the tests (no Docker): Debian's PostgreSQL
# binaries, the cluster owned by the `postgres` user the package creates (initdb refuses to run
# as root), on a free port, listening on 127.0.0.1 only, trusting local connections.
#
#   scripts/pg.sh start   prints the server's URL (postgres://postgres@127.0.0.1:PORT)
#   scripts/pg.sh stop    stops it (immediately) and deletes the cluster
#
# Source it and call pg_start / pg_stop to keep the URL in $BITA_PG_URL (scripts/test.sh does,
# and stops the cluster on exit, also on failure).
set -euo pipefail

PG_DIR="${BITA_PG_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/target/pg}"

pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  echo "PostgreSQL is not installed (scripts/setup.sh installs Debian's postgresql package)" >&2
  return 1
}

# Runs a PostgreSQL program as the cluster's owner.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

pg_start() {
  local bin port
  bin="$(pg_bin)"
  pg_stop_quietly
  mkdir -p "$PG_DIR"
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; fi
  as_owner "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  port="$(free_port)"
  # Durable as in production (fsync on); a unix socket in the cluster's own directory.
  # BITA_PG_OPTIONS adds server options (e.g. bench/load/run.sh's statement profile).
  as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_DIR -c max_connections=200 ${BITA_PG_OPTIONS:-}" start >/dev/null \
    || { cat "$PG_DIR/server.log" >&2; return 1; }
  echo "$port" >"$PG_DIR/port"
  BITA_PG_URL="postgres://postgres@127.0.0.1:$port"
  export BITA_PG_URL
}

pg_stop_quietly() {
  local bin
  bin="$(pg_bin)" || return 0
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_DIR"
}

pg_stop() {
  pg_stop_quietly
}

# A crash: the server stopped at once (no checkpoint, as at a power cut), then started again
# on the same data and port. Used by bench/load/fault.py.
pg_crash_restart() {
  local bin port
  bin="$(pg_bin)"
  port="$(cat "$PG_DIR/port")"
  as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null
  as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_DIR -c max_connections=200" start >/dev/null
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    start) pg_start; echo "$BITA_PG_URL" ;;
    stop) pg_stop ;;
    crash-restart) pg_crash_restart ;;
    *) echo "usage: $0 start|stop|crash-restart" >&2; exit 2 ;;
  esac
fi
