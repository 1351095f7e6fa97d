#!/usr/bin/env bash
# Installs the Debian packages telegate needs to build, run and test. Idempotent.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PKGS=(cmake g++ make pkg-config ccache
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libcpp-httplib-dev nlohmann-json3-dev libabsl-dev libsqlite3-dev libssl-dev
  libgtest-dev libgmock-dev libboost1.74-dev curl python3
  libcurl4-openssl-dev prometheus-cpp-dev libpq-dev)
# --test: also what the tests need beyond the build (compose validation;
# clang and its libFuzzer runtime for scripts/fuzz.sh; tests/browser/run.sh
# installs chromium and node itself; the PostgresJournal tests start their
# own PostgreSQL 15).
if [ "${1:-}" = "--test" ]; then
  PKGS+=(docker-compose clang libclang-rt-14-dev postgresql-15 libpq-dev)
fi
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all packages present"
fi
