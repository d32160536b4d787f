# shellcheck shell=bash disable=SC2034  # ready_exit_status is for the callers
# What the deploy scripts that start an exchange share (run.sh, cluster.sh, bench.sh):
# sourced, not run.
#
# A port another process already answers on must be refused before ours starts: ours then
# exits (address in use, or its data directory in use by that other exchange), but until
# it is seen to have exited the other process's answers would pass for its own. And a
# process is only taken as ready while it runs: each poll checks that first.

# port_in_use PORT: something accepts connections on 127.0.0.1:PORT.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# require_free_port WHO WHAT PORT: prints why and returns 1 when PORT is taken (WHO: the
# script, for the message; WHAT: what the port is for).
require_free_port() {
  local who=$1 what=$2 port=$3
  if port_in_use "$port"; then
    echo "$who: port $port ($what) is already in use on 127.0.0.1 (an earlier run, or" \
      "another exchange, still running?): stop it or choose another port" >&2
    return 1
  fi
}

# answers URL: URL answers with a success (2xx) within 2 s.
answers() {
  curl -sf --max-time 2 "$1" >/dev/null 2>&1
}

# wait_until_ready PID SECONDS COMMAND...: runs COMMAND (e.g. answers URL) every 0.1 s
# until it succeeds, checking before each try, and again after a success, that PID (the
# process meant to answer, a child of the calling shell) still runs. Returns 0 once
# COMMAND succeeds; 1 as soon as PID has exited, its exit status then in
# $ready_exit_status; 2 when COMMAND has not succeeded within SECONDS.
wait_until_ready() {
  local pid=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  ready_exit_status=""
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      ready_exit_status=0
      wait "$pid" 2>/dev/null || ready_exit_status=$?
      return 1
    fi
    if "$@" >/dev/null 2>&1 && kill -0 "$pid" 2>/dev/null; then
      return 0
    fi
    ((SECONDS < deadline)) || return 2
    sleep 0.1
  done
}
