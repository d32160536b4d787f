#!/usr/bin/env bash
# The README's test command: installs what is missing, builds everything and runs the
# whole test suite (unit, storage, actor, edge, end-to-end, bots, trading page in a real
# browser) through CTest, then fuzzes the core and the edge's request decoding briefly.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh --test
deploy/build.sh
(cd build && ctest --output-on-failure --timeout 1200 -j1)
tests/fuzz/run.sh "${FUZZ_SECONDS:-20}"
