#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and benchmarks, from the Debian package: initdb in a
# directory of its own, listening on 127.0.0.1 and a free port only, stopped by PID.
#
#   pg_server.sh run CMD [ARGS...]  start a server in a new temp dir, run CMD with
#                                   EXCHANGE_TEST_PG_URL (postgresql://postgres:PW@127.0.0.1:PORT/postgres)
#                                   and EXCHANGE_TEST_PG_DIR set, then stop the server and
#                                   remove the dir, however CMD ends (its exit code is kept)
#   pg_server.sh start DIR          initdb DIR (first time) and start; prints the URL
#   pg_server.sh stop DIR           stop the server of DIR by its PID and wait for it
#   pg_server.sh url DIR            print the URL of DIR's server
#
# A restart (stop then start on the same DIR) keeps the port and the data: that is how the
# tests take the database away and bring it back. Extra server settings go in PG_SERVER_OPTS
# (e.g. "-c fsync=off" for tests, where durability does not matter). Runs the server as the
# postgres user when started as root (PostgreSQL refuses to run as root).
set -euo pipefail

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}
[[ -x "$PG_BIN/initdb" ]] || { echo "pg_server.sh: no PostgreSQL binaries (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A random high port nothing answers on (a race with another process taking it is caught by
# start's retries).
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

url_of() {
  local dir=$1
  echo "postgresql://postgres:$(cat "$dir/password")@127.0.0.1:$(cat "$dir/port")/postgres"
}

pid_of() {
  local file="$1/data/postmaster.pid"
  [[ -f "$file" ]] && head -n1 "$file"
}

init_cluster() {
  local dir=$1
  [[ $(id -u) -eq 0 ]] && chown postgres "$dir"
  # A password on TCP (scram) so the tests use a URL with one and can check it never leaks.
  head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/password"
  chmod 644 "$dir/password"
  as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres --pwfile="$dir/password" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
}

start() {
  local dir=$1
  mkdir -p "$dir"
  [[ -d "$dir/data" ]] || init_cluster "$dir"
  local attempt
  for attempt in 1 2 3; do
    [[ -f "$dir/port" && $attempt -eq 1 ]] || free_port >"$dir/port"
    # -k: the Unix socket lives in DIR, not /var/run/postgresql (which may not exist).
    if as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
      -o "-p $(cat "$dir/port") -k $dir -c listen_addresses=127.0.0.1 ${PG_SERVER_OPTS:-}" >/dev/null; then
      url_of "$dir"
      return 0
    fi
  done
  echo "pg_server.sh: could not start PostgreSQL in $dir:" >&2
  tail -n 20 "$dir/server.log" >&2
  return 1
}

stop() {
  local dir=$1 pid
  pid=$(pid_of "$dir") || return 0
  kill -INT "$pid" 2>/dev/null || return 0  # fast shutdown: abort sessions, checkpoint, exit
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

case "${1:-}" in
  start) start "$2" ;;
  stop) stop "$2" ;;
  url) url_of "$2" ;;
  run)
    shift
    dir=$(mktemp -d "${TMPDIR:-/tmp}/pg-test-XXXXXX")
    chmod 755 "$dir"
    trap 'stop "$dir"; rm -rf "$dir"' EXIT
    trap 'exit 130' INT TERM
    EXCHANGE_TEST_PG_URL=$(start "$dir")
    export EXCHANGE_TEST_PG_URL EXCHANGE_TEST_PG_DIR=$dir
    set +e
    "$@"
    rc=$?
    set -e
    exit $rc
    ;;
  *)
    sed -n '2,16p' "$0" >&2
    exit 2
    ;;
esac
