#!/usr/bin/env bash
# Longer crash soak: the crash test of the suite (tests/durability/crash_test.py) with many
# more SIGKILLs, optionally at another durability level.
#
#   deploy/crash_soak.sh [--kills N] [--durability batch|sync] [--seed S]
#
# Defaults: 200 kills at the default level (batch). Needs the binaries built
# (deploy/build.sh). Prints one line per round and a summary; exits non-zero on any
# failure. Not part of CI: it takes minutes on purpose.
set -euo pipefail
cd "$(dirname "$0")/.."
kills=200
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --kills) kills=$2; shift 2 ;;
    --durability|--seed) extra+=("$1" "$2"); shift 2 ;;
    *) echo "usage: $0 [--kills N] [--durability LEVEL] [--seed S]" >&2; exit 2 ;;
  esac
done
exec python3 tests/durability/crash_test.py --exchange build/exchange --kills "$kills" "${extra[@]}"
