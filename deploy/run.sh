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
deploy/install-deps.sh
deploy/build.sh

# The REST port, where the page is and the market maker connects: the default, the
# environment's, or the command line's (a port set only in a --config file is not seen).
port=${EXCHANGE_HTTP_PORT:-3001}
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --http-port) port=${args[i + 1]:-$port} ;;
    --http-port=*) port=${args[i]#--http-port=} ;;
  esac
done

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
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break
  kill -0 "$exchange" 2>/dev/null || { echo "the exchange did not start (see above)" >&2; exit 1; }
  sleep 0.1
done
if [[ -x build/exchange-mm ]]; then
  setsid build/exchange-mm --http "http://127.0.0.1:$port" --user mm-maker --taker-user mm-taker \
    --topup &
  mm=$!
fi
echo "trading page: http://localhost:$port  (Ctrl-C to stop)"
wait $exchange
exit $?
