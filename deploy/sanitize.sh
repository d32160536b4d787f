#!/usr/bin/env bash
# Builds everything with AddressSanitizer, LeakSanitizer and UBSan (in build-asan/) and
# runs the test suites on that build: the C++ suites, which start the real exchange for
# their end-to-end parts, and the browser tests against it. Any finding stops the process
# that made it, so its test fails; the reports go to build-asan/sanitizer-logs/ (one file
# per process) and are printed at the end.
#   deploy/sanitize.sh [ctest arguments, e.g. -R 'e2e|net']
#   deploy/sanitize.sh --short   (what .ci/run adds: see below)
#   deploy/sanitize.sh --thread [--short] [ctest arguments]
# --thread does the same under ThreadSanitizer, in build-tsan/, with a CAF built under it
# first (deploy/caf_tsan.sh, about 2 minutes, once). A race is reported and the process
# goes on; it then exits with status 66, and the report fails the run.
# The checked build takes several times as long as a normal one (on two cores 17-25 min,
# against 4 min for the Release build), the tests up to twice as long; ThreadSanitizer's
# build took 5.5 min here and its tests about as long as the Release build's (571 s of
# the 17 suites against 612 s of all 20). The packages are those of deploy/test.sh (run
# it, or deploy/install-deps.sh --test, first).
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizer=address
build=build-asan
if [[ ${1:-} == --thread ]]; then
  sanitizer=thread
  build=build-tsan
  shift
fi
jobs=${JOBS:-2}
if [[ ${1:-} == --short ]]; then
  # Every suite that runs C++ of this project: all but the browser's, whose own code is
  # the page's JavaScript and whose exchange the end-to-end suites drive already (it
  # takes Chromium's minutes on top). The full run adds it.
  set -- -E '^(format|frontend_unit|frontend_browser)$'
fi
configure=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DEXCHANGE_SANITIZE="$sanitizer")
if [[ $sanitizer == thread ]]; then
  deploy/caf_tsan.sh "$build/caf"
  configure+=(-DCMAKE_PREFIX_PATH="$(pwd)/$build/caf")
  # A copy installed by a test (cmake --install drops the build's run path) would load
  # Debian's uninstrumented CAF, and TSan, blind to its scheduler's hand-offs, would see
  # every actor's state as raced.
  export LD_LIBRARY_PATH="$(pwd)/$build/caf/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
cmake -S . -B "$build" "${configure[@]}" >/dev/null
cmake --build "$build" -j"$jobs"

logs="$(pwd)/$build/sanitizer-logs"
rm -rf "$logs" && mkdir -p "$logs"
supp="$(pwd)/tests/sanitizers"
export EXCHANGE_SANITIZED=1  # tests that measure resident memory leave that check out
export ASAN_OPTIONS="log_path=$logs/asan:detect_leaks=1:abort_on_error=0"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$supp/ubsan.supp:log_path=$logs/ubsan"
export TSAN_OPTIONS="log_path=$logs/tsan:second_deadlock_stack=1:suppressions=$supp/tsan.supp"
# Without arguments, every suite but the two that do not run the build: the format check
# and the page's unit tests.
(($#)) || set -- -E '^(format|frontend_unit)$'
status=0
(cd "$build" && ctest --output-on-failure --timeout 3000 "$@") || status=$?
reports=$(grep -l -E "ERROR: |runtime error|WARNING: ThreadSanitizer" "$logs"/* 2>/dev/null || true)
if [[ -n "$reports" ]]; then
  echo "== sanitizer reports ($logs) =="
  for f in $reports; do
    echo "-- $f"
    head -60 "$f"
  done
  status=1
fi
exit "$status"
