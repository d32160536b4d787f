#!/usr/bin/env bash
# Soak test: runs the exchange, one market maker and the trading simulator together for a
# while, and reports throughput, errors and memory over time and at the end.
#
#   deploy/soak.sh [--duration SECONDS] [--interval SECONDS] [--rate ACTIONS_PER_S]
#                  [--traders N] [--http-port P] [--ws-port Q] [--keep DIR]
#
# Defaults: 600 s, a sample every 30 s, 200 actions/s from 50 traders, ports 23401/23402,
# a temporary data directory (kept, with every log, when --keep names one). Each sample
# line gives the simulator's orders/s, trades/s and errors over the interval, and the RSS
# (MiB) and CPU share of each process. Needs the binaries built (deploy/build.sh). Not
# part of CI: it takes minutes on purpose.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=600
interval=30
rate=200
traders=50
http_port=23401
ws_port=23402
keep=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --interval) interval=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --traders) traders=$2; shift 2 ;;
    --http-port) http_port=$2; shift 2 ;;
    --ws-port) ws_port=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "soak.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

bin=build
for b in exchange exchange-mm exchange-sim; do
  [[ -x $bin/$b ]] || { echo "soak.sh: $bin/$b is missing: run deploy/build.sh" >&2; exit 2; }
done
source deploy/lib.sh
require_free_port soak.sh "REST; choose another with --http-port" "$http_port" || exit 2
require_free_port soak.sh "WebSocket; choose another with --ws-port" "$ws_port" || exit 2

if [[ -n $keep ]]; then
  work=$keep
  mkdir -p "$work"
else
  work=$(mktemp -d /tmp/soak.XXXXXX)
fi
data=$work/data
rm -rf "$data"
url=http://127.0.0.1:$http_port

ex_pid="" mm_pid="" sim_pid=""
cleanup() {
  # Only what this script started, by process id.
  for p in $sim_pid $mm_pid; do kill -TERM "$p" 2>/dev/null || true; done
  for p in $sim_pid $mm_pid; do wait "$p" 2>/dev/null || true; done
  [[ -n $ex_pid ]] && { kill -TERM "$ex_pid" 2>/dev/null || true; wait "$ex_pid" 2>/dev/null || true; }
  if [[ -z $keep ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

$bin/exchange --http-port "$http_port" --ws-port "$ws_port" --data-dir "$data" --demo \
  --log-level warn >"$work/exchange.log" 2>&1 &
ex_pid=$!
if ! wait_until_ready "$ex_pid" 20 answers "$url/ready"; then
  echo "soak.sh: the exchange did not start" >&2
  cat "$work/exchange.log" >&2
  exit 1
fi

$bin/exchange-mm --http "$url" --ws "ws://127.0.0.1:$ws_port/" --status-ms 30000 \
  >"$work/mm.out" 2>"$work/mm.log" &
mm_pid=$!
sleep 2
$bin/exchange-sim --http "$url" --ws "ws://127.0.0.1:$ws_port/" --traders "$traders" \
  --rate "$rate" --duration "$duration" >"$work/sim.out" 2>"$work/sim.log" &
sim_pid=$!

rss_mib() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo "-"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
hz=$(getconf CLK_TCK)

declare -A first_rss max_rss last_rss last_ticks
for name in exchange mm sim; do max_rss[$name]=0; done
pid_of() { case $1 in exchange) echo "$ex_pid" ;; mm) echo "$mm_pid" ;; sim) echo "$sim_pid" ;; esac; }
for name in exchange mm sim; do last_ticks[$name]=$(cpu_ticks "$(pid_of $name)"); done

echo "soak: ${duration}s, sample every ${interval}s, ${rate} actions/s from ${traders} traders; logs in $work"
printf '%6s %9s %9s %7s %9s | %9s %7s %9s | %5s %5s %5s\n' \
  t_s orders/s trades/s errors rejects rss_ex_MiB rss_mm rss_sim cpu_ex cpu_mm cpu_sim
start=$(date +%s)
lines_seen=0
while kill -0 "$sim_pid" 2>/dev/null; do
  slept=0
  while (( slept < interval )) && kill -0 "$sim_pid" 2>/dev/null; do sleep 1; slept=$((slept + 1)); done
  now=$(date +%s)
  t=$((now - start))
  # The simulator's per-second progress lines of this interval: mean rates, last totals.
  read -r orders trades errors rejects n < <(
    grep '^sim t=' "$work/sim.log" | tail -n +"$((lines_seen + 1))" | awk '
      { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        o += v["orders/s"]; tr += v["trades/s"]; rj += v["rejects/s"]; e = v["errors"]; n++ }
      END { if (n) printf "%.1f %.1f %s %.1f %d\n", o / n, tr / n, e, rj / n, n; else print "- - - - 0" }')
  lines_seen=$((lines_seen + n))
  cells=()
  cpus=()
  for name in exchange mm sim; do
    pid=$(pid_of $name)
    r=$(rss_mib "$pid")
    cells+=("$r")
    if [[ $r != "-" ]]; then
      [[ -z ${first_rss[$name]:-} ]] && first_rss[$name]=$r
      last_rss[$name]=$r
      awk -v a="$r" -v b="${max_rss[$name]}" 'BEGIN { exit !(a > b) }' && max_rss[$name]=$r
    fi
    ticks=$(cpu_ticks "$pid")
    if [[ $r == "-" ]]; then
      cpus+=("-")
    else
      cpus+=("$(awk -v d=$((ticks - last_ticks[$name])) -v hz="$hz" -v s="$slept" \
                  'BEGIN { if (s > 0) printf "%.0f%%", 100 * d / hz / s; else print "-" }')")
    fi
    last_ticks[$name]=$ticks
  done
  printf '%6s %9s %9s %7s %9s | %9s %7s %9s | %5s %5s %5s\n' \
    "$t" "$orders" "$trades" "$errors" "$rejects/s" "${cells[0]}" "${cells[1]}" "${cells[2]}" \
    "${cpus[0]}" "${cpus[1]}" "${cpus[2]}"
done
wait "$sim_pid" || echo "soak: exchange-sim exited with $?"
sim_pid=""

kill -TERM "$mm_pid"
mm_status=0
wait "$mm_pid" || mm_status=$?
mm_pid=""
ex_rss_end=$(rss_mib "$ex_pid")

echo
echo "== summary =="
echo "simulator: $(cat "$work/sim.out")"
echo "market maker (exit $mm_status): $(cat "$work/mm.out")"
for name in exchange mm sim; do
  echo "rss $name: first ${first_rss[$name]:--} MiB, last ${last_rss[$name]:--} MiB, max ${max_rss[$name]} MiB"
done
echo "rss exchange after the bots stopped: $ex_rss_end MiB"
grep -E '"level":"(error|warn)"' "$work/exchange.log" | sort | uniq -c | sort -rn | head -5 |
  sed 's/^/exchange log: /' || true
grep -cE ' (warn|error) ' "$work/mm.log" | sed 's/^/market maker warnings+errors: /' || true
