#!/usr/bin/env bash
# Installs the Debian packages outcore needs to build, run, test and benchmark.
# Idempotent: installs only what is missing. Usage: scripts/setup.sh [--test]
set -euo pipefail

build_pkgs=(build-essential cmake pkg-config
  libtbb-dev libeigen3-dev nlohmann-json3-dev libtomlplusplus-dev libcli11-dev
  libfast-float-dev libzstd-dev libsnappy-dev zlib1g-dev libxxhash-dev libpq-dev libcurl4-openssl-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev pybind11-dev python3-dev)
test_pkgs=(python3 python3-sklearn python3-xgboost python3-scipy python3-pandas python3-dask python3-distributed
  postgresql nodejs npm chromium clang-14 libclang-rt-14-dev time gzip zstd python3-boto3)

want=("${build_pkgs[@]}")
[[ "${1:-}" == "--test" ]] && want+=("${test_pkgs[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm ships with Debian's nodejs on some images; don't insist on the package when the tool exists
if command -v npm >/dev/null 2>&1; then
  filtered=(); for p in "${missing[@]}"; do [[ $p == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
