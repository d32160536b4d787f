#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, and runs the exchange on
# embedded storage with the demo users and a market maker keeping every default market
# alive. The trading page is at http://localhost:3001. Ctrl-C stops everything.
#   deploy/run.sh [extra exchange options...]
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
deploy/build.sh

# Each in its own session, so Ctrl-C reaches only this script, which then stops them in order.
setsid build/exchange --demo "$@" &   # data in ./data unless --data-dir says otherwise
exchange=$!
mm=""
# The market maker first, so that it can cancel its orders while the exchange still runs.
stop() {
  [[ -n "$mm" ]] && kill "$mm" 2>/dev/null && wait "$mm" 2>/dev/null
  kill "$exchange" 2>/dev/null
  wait "$exchange" 2>/dev/null
}
trap stop INT TERM EXIT
for _ in $(seq 1 100); do
  curl -sf http://127.0.0.1:3001/ready >/dev/null && break
  kill -0 "$exchange" 2>/dev/null || { echo "the exchange did not start (see above)" >&2; exit 1; }
  sleep 0.1
done
if [[ -x build/exchange-mm ]]; then
  setsid build/exchange-mm &
  mm=$!
fi
echo "trading page: http://localhost:3001  (Ctrl-C to stop)"
wait $exchange
