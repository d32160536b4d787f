#!/usr/bin/env bash
# Several nodes on one machine, each part on ports of its own as it would be on a host of
# its own: PostgreSQL (the shared store) and Redis (the bus), both from their Debian
# packages; one node that hosts the markets, with the REST API and the trading page; N
# WebSocket-only edges serving market data from Redis (--role ws-edge); and the market
# maker. Everything keeps its data and logs in one directory (default ./cluster, kept from
# one run to the next) and listens on 127.0.0.1 only. Ctrl-C or SIGTERM stops it all, by
# PID and in order: the maker (which cancels its orders), the edges, the node (which
# flushes storage), then Redis and PostgreSQL.
#   deploy/cluster.sh [--edges N] [--port P] [--dir DIR] [--no-maker] [--no-build]
# The node serves at P (default 3001) and P+1; edge i (1..N, default 2) at P+100i and
# P+100i+1. Once all answer, one line starting "cluster ready" names every address.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

edges=2
port=3001
dir=cluster
maker=1
build=1
while (($#)); do
  case "$1" in
    --edges) edges=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --no-maker) maker=0; shift ;;
    --no-build) build=0; shift ;;
    *) sed -n '2,12p' "$0" >&2; exit 2 ;;
  esac
done
# Decimal without leading zeros (bash reads 010 as octal), short enough not to overflow.
[[ "$edges" =~ ^(0|[1-9][0-9]{0,3})$ && "$port" =~ ^[1-9][0-9]{0,4}$ ]] ||
  { echo "--edges and --port take numbers" >&2; exit 2; }
# Every port the cluster uses (the last edge's WebSocket port at P+100N+1, Redis at P+5) must
# exist, or a part refuses to start after the others, PostgreSQL included, have started.
if ((port + 100 * edges + 1 > 65535 || port + 5 > 65535)); then
  echo "--port $port with --edges $edges: the ports go up to $((port + 100 * edges + 1)) (Redis at $((port + 5))), past 65535" >&2
  exit 2
fi
# Every port must be free before anything starts: a part on a port another process (an
# earlier run's part, another exchange) answers on would exit, and until it had, that
# process's answers would pass for its own; the cluster would run on parts it cannot stop.
. "$repo/deploy/lib.sh"
require_free_port cluster.sh "node's REST" "$port" || exit 1
require_free_port cluster.sh "node's WebSocket" $((port + 1)) || exit 1
require_free_port cluster.sh Redis $((port + 5)) || exit 1
for ((i = 1; i <= edges; i++)); do
  require_free_port cluster.sh "edge $i's REST" $((port + 100 * i)) || exit 1
  require_free_port cluster.sh "edge $i's WebSocket" $((port + 100 * i + 1)) || exit 1
done
# --dir and EXCHANGE_BIN are relative to where the script was started; the rest to the repository.
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
bin=$(realpath -m "${EXCHANGE_BIN:-$repo/build/exchange}")   # the market maker is beside it
cd "$repo"
if ((build)); then
  deploy/install-deps.sh --servers
  deploy/build.sh
fi

pids=()   # started here, stopped in reverse
stopping=0
stop() {
  ((stopping)) && return
  stopping=1
  # A second Ctrl-C or SIGTERM must not end the stop half-way, with the parts not yet
  # stopped, Redis and PostgreSQL always among them, left running.
  trap '' INT TERM
  # A part's own exit status (a maker that could not cancel its orders because the node had
  # died, a part ended by a signal) must not end the stop under set -e: the parts after it,
  # Redis and PostgreSQL included, would be left running.
  set +e
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null && wait "${pids[i]}" 2>/dev/null
  done
  tests/support/pg_server.sh stop "$dir/postgres"
}
trap stop EXIT
trap 'exit 0' INT TERM  # a stop asked for

# A part is up once it, still running, passes the check after its PID (e.g. answers URL);
# one that exits first, or does not pass within 30 s, stops the cluster.
wait_for() {
  local name=$1 pid=$2 ready=0
  shift 2
  wait_until_ready "$pid" 30 "$@" || ready=$?
  if ((ready == 1)); then
    echo "$name did not start (exit status $ready_exit_status): see $dir/$name.log" >&2
    tail -n 5 "$dir/$name.log" >&2
    exit 1
  elif ((ready == 2)); then
    echo "$name did not answer ($*) in 30 s: see $dir/$name.log" >&2
    exit 1
  fi
}

# As root, PostgreSQL runs as the postgres user (pg_server.sh), who must reach the directory.
if [[ $(id -u) -eq 0 ]] && ! runuser -u postgres -- test -x "$dir"; then
  echo "the postgres user cannot reach $dir: give --dir a directory it can (e.g. /var/tmp/cluster)" >&2
  exit 2
fi
store=$(tests/support/pg_server.sh start "$dir/postgres")

mkdir -p "$dir/redis"
redis_port=$((port + 5))   # checked free above: a Redis left running would pass for ours
# Appends every write, so the streams that carry storage events survive a restart of Redis.
setsid redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$dir/redis" --appendonly yes \
  --save '' >"$dir/redis.log" 2>&1 &
pids+=($!)
wait_for redis "${pids[-1]}" redis-cli -p "$redis_port" ping
bus=redis://127.0.0.1:$redis_port

setsid "$bin" --bind 127.0.0.1 --http-port "$port" --ws-port $((port + 1)) --data-dir "$dir/node" \
  --store "$store" --bus "$bus" --demo --log-level warn >"$dir/node.log" 2>&1 &
pids+=($!)
wait_for node "${pids[-1]}" answers "http://127.0.0.1:$port/ready"
ready="cluster ready: page and REST http://127.0.0.1:$port, WebSocket ws://127.0.0.1:$((port + 1))"

for ((i = 1; i <= edges; i++)); do
  p=$((port + 100 * i))
  setsid "$bin" --role ws-edge --bind 127.0.0.1 --http-port "$p" --ws-port $((p + 1)) --bus "$bus" \
    --log-level warn >"$dir/edge-$i.log" 2>&1 &
  pids+=($!)
  wait_for "edge-$i" "${pids[-1]}" answers "http://127.0.0.1:$p/health"
  ready+=", edge $i ws://127.0.0.1:$((p + 1))"
done

if ((maker)); then
  setsid "$(dirname "$bin")/exchange-mm" --http "http://127.0.0.1:$port" --user mm-maker --taker-user mm-taker \
    --topup --log-level warn >"$dir/maker.log" 2>&1 &
  pids+=($!)
fi
echo "$ready; Redis $bus; PostgreSQL ${store##*@} (its URL: tests/support/pg_server.sh url $dir/postgres); logs in $dir (Ctrl-C to stop)"
# Until a signal, or until a part stops by itself (then the rest are stopped too).
wait -n "${pids[@]}" || true
echo "a part of the cluster stopped; stopping the rest" >&2
exit 1
