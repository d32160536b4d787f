#!/usr/bin/env bash
# Builds CAF 0.17.6 under ThreadSanitizer and installs it in PREFIX (default
# build-tsan/caf), for deploy/sanitize.sh --thread. TSan must see every thread's memory
# accesses: Debian's libcaf is built without it, and its mailboxes, scheduler queues and
# reference counts would then look like races in every actor hand-off (or hide real ones).
#   deploy/caf_tsan.sh [PREFIX]
# The source is Debian's own (the orig tarball of Debian's actor-framework package, the
# version bookworm installs), checked against the digest in Debian's .dsc. Nothing is
# done when PREFIX already holds this build. About 2 minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=$(realpath -m "${1:-build-tsan/caf}")
version=0.17.6
tarball=actor-framework_$version.orig.tar.gz
sha256=e2bf5bd243f08bb7d8adde197cfe3e6d71314ed3378fe0692f8932f4c3b3928c
url=http://deb.debian.org/debian/pool/main/a/actor-framework/$tarball
stamp=$prefix/.built-$version-tsan

[[ -f $stamp ]] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "caf_tsan.sh: fetching $url" >&2
curl -fsS --retry 3 -o "$work/$tarball" "$url"
echo "$sha256  $work/$tarball" | sha256sum -c --quiet -
tar -xzf "$work/$tarball" -C "$work"
# Debian's one change to the headers: GCC 11 and later no longer bring in <limits> here.
sed -i 's|^#include <cstring>$|#include <cstring>\n#include <limits>|' \
  "$work/actor-framework-$version/libcaf_io/caf/io/network/receive_buffer.hpp"
# The options Debian's package is built with (build_config.hpp: quiet logging, no runtime
# checks, exceptions on), so this library and the headers it installs match what the
# normal build compiles against. Only the core and I/O libraries are needed.
cmake -S "$work/actor-framework-$version" -B "$work/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_INSTALL_PREFIX="$prefix" -DCAF_NO_EXAMPLES=yes -DCAF_NO_UNIT_TESTS=yes \
  -DCAF_NO_OPENSSL=yes -DCAF_NO_TOOLS=yes -DCAF_NO_PYTHON=yes -DCAF_NO_OPENCL=yes \
  -DCMAKE_CXX_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=thread" >/dev/null
cmake --build "$work/build" -j"${JOBS:-2}"
cmake --install "$work/build" >/dev/null
touch "$stamp"
echo "caf_tsan.sh: CAF $version under ThreadSanitizer in $prefix" >&2
