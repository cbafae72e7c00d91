#!/usr/bin/env bash
# The attacks of issue 23 (uploads, the public archive check, the login burst, hostile files,
# cookies and names) against a release server with the demo data, measured from outside; not
# part of the test command. Give another server binary to measure another build (an older
# commit built in a worktree), so the figures before and after a change come from one script.
#
#   bench/abuse/run.sh [SERVER_BINARY] [ATTACK ...]     (attacks: 1 2 3 4 7 9 misc 14; default all)
set -euo pipefail
cd "$(dirname "$0")/../.."
SERVER="${1:-target/release/server}"
shift || true
if [ "$SERVER" = target/release/server ]; then
  [ -f target/site/pkg/bita.css ] || scripts/build-site.sh
  cargo build --release --locked -p server --bin server 2>&1 | tail -1
fi
exec python3 bench/abuse/abuse.py "$SERVER" "$PWD/target/site" "$PWD/target/abuse" "$@"
