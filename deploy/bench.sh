#!/usr/bin/env bash
# The README's edge benchmarks in one go: HTTP orders at each durability level, run in
# alternation so that a noisy host spreads over all of them, then WebSocket fan-out at a
# few event rates. Each run starts a fresh exchange on its own data directory.
#
#   deploy/bench.sh [--runs N] [--seconds S] [--only http|ws] [--rates "100 250 500"]
#                   [--subscribers M] [--http-port P] [--ws-port Q]
#
# Defaults: 3 rounds of none/batch/sync, 10 s each (http_load --conns 64 --users 200);
# ws_fanout with 1000 subscribers at 100, 250 and 500 trades/s (each trade is three events
# per subscriber), --durability none; ports 23501/23502. Needs the binaries built
# (deploy/build.sh). Progress goes to stderr; each run prints one line of name=value pairs:
# the benchmark's own figures, then the exchange's CPU per order (http) and the machine's
# load average when the run ended. Not part of CI: it takes minutes on purpose.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=3
seconds=10
only=""
rates="100 250 500"
subscribers=1000
http_port=23501
ws_port=23502
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --rates) rates=$2; shift 2 ;;
    --subscribers) subscribers=$2; shift 2 ;;
    --http-port) http_port=$2; shift 2 ;;
    --ws-port) ws_port=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
# Both ports are waited on or connected to by number: "any free port" (0) cannot be.
[[ $http_port =~ ^[1-9][0-9]{0,4}$ && $ws_port =~ ^[1-9][0-9]{0,4}$ ]] ||
  { echo "bench.sh: --http-port and --ws-port take port numbers (not 0)" >&2; exit 2; }
for bin in build/exchange build/http_load build/ws_fanout; do
  [[ -x $bin ]] || { echo "bench.sh: $bin is missing: run deploy/build.sh first" >&2; exit 1; }
done

. deploy/lib.sh
data=$(mktemp -d)
pid=""
stop_exchange() {
  if [[ -n $pid ]]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=""
  fi
}
trap 'stop_exchange; rm -rf "$data"' EXIT

# Starts the exchange with the given options and waits until it answers /ready. The ports
# must be free (the last run's exchange has been waited for): another exchange answering
# there would be measured instead.
start_exchange() {
  require_free_port bench.sh HTTP "$http_port" || exit 1
  require_free_port bench.sh WebSocket "$ws_port" || exit 1
  rm -rf "$data/node" && mkdir -p "$data/node"
  build/exchange --data-dir "$data/node" --http-port "$http_port" --ws-port "$ws_port" "$@" \
    >"$data/exchange.log" 2>&1 &
  pid=$!
  local ready=0
  wait_until_ready "$pid" 10 answers "http://127.0.0.1:$http_port/ready" || ready=$?
  ((ready == 0)) && return 0
  if ((ready == 1)); then
    pid=""  # waited for already
    echo "bench.sh: the exchange exited (status $ready_exit_status) before it was ready:" >&2
  else
    echo "bench.sh: the exchange did not answer /ready in 10 s:" >&2
  fi
  cat "$data/exchange.log" >&2
  exit 1
}

# CPU seconds (user + system) the exchange has used so far.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$pid/stat"
}

load_average() { cut -d' ' -f1 /proc/loadavg; }

if [[ $only != ws ]]; then
  for round in $(seq "$runs"); do
    for durability in none batch sync; do
      echo "http round $round/$runs: --durability $durability, ${seconds}s" >&2
      start_exchange --durability "$durability"
      before=$(cpu_seconds)
      line=$(build/http_load --port "$http_port" --conns 64 --seconds "$seconds" --users 200 \
        2>"$data/load.err" | tail -1)
      after=$(cpu_seconds)
      stop_exchange
      orders=$(sed -n 's/.*orders=\([0-9]*\).*/\1/p' <<<"$line")
      cpu_us=$(awk -v a="$before" -v b="$after" -v n="${orders:-0}" \
        'BEGIN { if (n > 0) printf "%.1f", (b - a) * 1e6 / n; else print "n/a" }')
      echo "bench=http durability=$durability $line exchange_cpu_us_per_order=$cpu_us load=$(load_average)"
    done
  done
fi

if [[ $only != http ]]; then
  for rate in $rates; do
    echo "ws: $subscribers subscribers, $rate trades/s, ${seconds}s" >&2
    start_exchange --durability none
    line=$(build/ws_fanout --http-port "$http_port" --ws-port "$ws_port" \
      --subscribers "$subscribers" --trades-per-sec "$rate" --seconds "$seconds" \
      2>"$data/fanout.err" | tail -1)
    stop_exchange
    echo "bench=ws $line load=$(load_average)"
  done
fi
