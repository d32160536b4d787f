#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, and runs the exchange on
# embedded storage with the demo users and a market maker keeping every default market
# alive. The maker trades as users of its own (mm-maker quotes, mm-taker takes), which it
# funds itself (--topup), not as the demo users people try the page with: sharing their
# account, its quotes would show as their orders and its takes would cancel their orders
# (self-trade prevention). The trading page is at http://localhost:3001 (or --http-port).
# Ctrl-C stops everything.
#   deploy/run.sh [extra exchange options...]
set -euo pipefail
cd "$(dirname "$0")/.."

# The REST port, where the page is and the market maker connects, and the WebSocket port:
# the defaults, the environment's, or the command line's (a port set only in a --config
# file is not seen).
port=${EXCHANGE_HTTP_PORT:-3001}
ws_port=${EXCHANGE_WS_PORT:-3002}
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --http-port) port=${args[i + 1]:-$port} ;;
    --http-port=*) port=${args[i]#--http-port=} ;;
    --ws-port) ws_port=${args[i + 1]:-$ws_port} ;;
    --ws-port=*) ws_port=${args[i]#--ws-port=} ;;
  esac
done
# The script must know the REST port to wait for the exchange and point the maker and the
# page at it: "any free port" (0) is for running the exchange directly. --ws-port 0 (no
# WebSocket port of its own, /ws on the REST port) is fine.
if [[ "$port" =~ ^0+$ ]]; then
  echo "run.sh: --http-port 0 (any free port) is not supported here: give a port, e.g. --http-port 3001" >&2
  exit 2
fi
deploy/install-deps.sh
deploy/build.sh

. deploy/lib.sh
# Another exchange (e.g. a second run.sh) on these ports would answer /ready in place of ours.
require_free_port run.sh REST "$port" || exit 1
if [[ "$ws_port" != 0 ]]; then require_free_port run.sh WebSocket "$ws_port" || exit 1; fi

# Each in its own session, so Ctrl-C reaches only this script, which then stops them in order.
setsid build/exchange --demo "$@" &   # data in ./data unless --data-dir says otherwise
exchange=$!
mm=""
# The market maker first, so that it can cancel its orders while the exchange still runs.
# The script ends with the exchange's exit status: 0 after a clean stop.
status=0
stop() {
  [[ -n "$mm" ]] && kill "$mm" 2>/dev/null && wait "$mm" 2>/dev/null
  if kill "$exchange" 2>/dev/null; then
    wait "$exchange" 2>/dev/null
    status=$?
  fi
}
trap 'stop; exit "$status"' INT TERM
trap stop EXIT
# Ready once our exchange, still running, answers; recovering a large data directory can
# take a while, and the maker waits for /ready by itself, so after a minute it starts anyway.
ready=0
wait_until_ready "$exchange" 60 answers "http://127.0.0.1:$port/ready" || ready=$?
if ((ready == 1)); then
  echo "run.sh: the exchange exited with status $ready_exit_status before it was ready (its error is above)" >&2
  exit 1
elif ((ready == 2)); then
  echo "run.sh: the exchange has not answered http://127.0.0.1:$port/ready within 60 s; starting the market maker anyway (it waits for it)" >&2
fi
if [[ -x build/exchange-mm ]]; then
  setsid build/exchange-mm --http "http://127.0.0.1:$port" --user mm-maker --taker-user mm-taker \
    --topup &
  mm=$!
fi
echo "trading page: http://localhost:$port  (Ctrl-C to stop)"
wait $exchange
exit $?
