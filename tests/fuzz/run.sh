#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a while (default 20 s):
# decimal_fuzz, book_fuzz and request_fuzz (tests/fuzz/CMakeLists.txt says what each covers).
#   tests/fuzz/run.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-20}
build=build-fuzz
targets="decimal_fuzz book_fuzz request_fuzz"
cmake -S . -B "$build" -DEXCHANGE_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target $targets >/dev/null
for target in $targets; do
  mkdir -p "$build/corpus/$target"
  echo "fuzzing $target for ${seconds}s"
  log="$build/$target.log"
  if ! "$build/$target" -max_total_time="$seconds" -print_final_stats=1 "$build/corpus/$target" >"$log" 2>&1; then
    tail -40 "$log"
    echo "$target found a failure (input saved as crash-* in $(pwd))" >&2
    exit 1
  fi
  grep -E "^Done|stat::number_of_executed_units" "$log"
done
