#!/usr/bin/env bash
# make serve: a local Prefect server with the UI, the "osaava" process work pool, every
# deployment of prefect.yaml and a worker. HR opens the UI and clicks "Run".
set -euo pipefail
umask 077  # the warehouse, reports, landing area and Prefect's files are private to this user
cd "$(dirname "$0")/.."
PORT="${OSAAVA_PREFECT_PORT:-4200}"
BIN=.venv/bin
export OSAAVA_HOME="$PWD" DO_NOT_TRACK=1 PREFECT_SERVER_ANALYTICS_ENABLED=false
export PREFECT_HOME="${PREFECT_HOME:-$PWD/var/prefect}"
export PREFECT_API_URL="http://127.0.0.1:${PORT}/api"
export PREFECT_UI_API_URL="$PREFECT_API_URL" PREFECT_UI_URL="http://127.0.0.1:${PORT}"
mkdir -p var/prefect var/export
# The server listens on 127.0.0.1 only. On a machine others can log in to, protect the API too:
# PREFECT_SERVER_API_AUTH_STRING=user:password make serve  (the UI asks for it once).
if [ -n "${PREFECT_SERVER_API_AUTH_STRING:-}" ]; then
  export PREFECT_API_AUTH_STRING="${PREFECT_API_AUTH_STRING:-$PREFECT_SERVER_API_AUTH_STRING}"
else
  echo "Note: the Prefect API has no password; anyone on this machine can use it." \
       "Set PREFECT_SERVER_API_AUTH_STRING=user:password to require one." >&2
fi

port_in_use() {
  "$BIN/python" - "$1" <<'PY'
import socket, sys
with socket.socket() as s:
    sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)
PY
}
if port_in_use "$PORT"; then
  echo "Port $PORT is in use: stop what runs there or set OSAAVA_PREFECT_PORT." >&2
  exit 1
fi

"$BIN/prefect" server start --host 127.0.0.1 --port "$PORT" > var/prefect/server.log 2>&1 &
SERVER=$!
WORKER=""
cleanup() { kill $SERVER $WORKER 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
for _ in $(seq 1 120); do
  curl -sf "$PREFECT_API_URL/health" >/dev/null 2>&1 && break  # /health needs no password
  sleep 1
done
curl -sf "$PREFECT_API_URL/health" >/dev/null || { echo "The Prefect server did not start: see var/prefect/server.log" >&2; exit 1; }

"$BIN/prefect" work-pool create osaava --type process >/dev/null 2>&1 || true
if [ -n "${OSAAVA_SMTP_HOST:-}" ]; then "$BIN/osaava" setup-blocks; else
  echo "OSAAVA_SMTP_HOST is not set: no SMTP block; reports are written to out/ but not sent."; fi
"$BIN/prefect" --no-prompt deploy --all
echo
echo "Prefect UI: $PREFECT_UI_URL  (deployments: collect, follow-up, annual-report)"
echo "Exports are read from $PWD/var/export; stop with Ctrl-C."
"$BIN/prefect" worker start --pool osaava &
WORKER=$!
wait $WORKER
