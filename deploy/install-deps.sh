#!/usr/bin/env bash
# Installs what building, running and (with --test) testing the exchange needs, from
# Debian packages; only what is missing. Safe to run again.
#   deploy/install-deps.sh [--test | --servers]
# --servers: also the servers deploy/cluster.sh runs (Redis, PostgreSQL).
set -euo pipefail

# ca-certificates: npm (the trading page) and curl need a CA store, which a minimal Debian
# install (debootstrap's minbase) lacks.
packages=(build-essential cmake pkg-config libcaf-dev libboost1.81-dev nlohmann-json3-dev
          libsqlite3-dev sqlite3 libcli11-dev libtoml11-dev libpqxx-dev libhiredis-dev libxxhash-dev
          libjemalloc-dev curl ca-certificates)
if [[ "${1:-}" == "--servers" ]]; then
  packages+=(redis-server postgresql)
elif [[ "${1:-}" == "--test" ]]; then
  # Browser tests (Debian's Chromium driven by playwright-core), fuzzing (clang +
  # libFuzzer runtime), the format check, and the servers later suites start themselves
  # (PostgreSQL, Redis, nginx in front of the exchange with a throwaway certificate), and
  # systemd-analyze for the service file.
  packages+=(chromium clang-14 libclang-rt-14-dev clang-format redis-server postgresql python3
            nginx openssl systemd)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The trading page needs Node.js 20.9 or newer (Next.js refuses anything older; the
# "engines" of frontend/package.json). Debian 12's own nodejs is 18.
node_ok() {
  node -e 'const [major, minor] = process.versions.node.split(".").map(Number);
           process.exit(major > 20 || (major === 20 && minor >= 9) ? 0 : 1)' 2>/dev/null
}
if ! command -v node >/dev/null || ! node_ok; then
  echo "Node.js 20.9 or newer is needed for the trading page (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi
