#!/usr/bin/env bash
# Builds telegate-bench, telegate-worker and telegate-gateway (Release, in
# build-bench/) and runs the benchmark with the standard figures of issue 3.
# Extra arguments are passed to telegate-bench, e.g. --json bench.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TELEGATE_BENCH_BUILD_DIR:-$root/build-bench}"

if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DTELEGATE_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target telegate-bench telegate-worker \
  telegate-gateway -j"$(nproc)" >/dev/null

exec "$build/bin/telegate-bench" --chats 200 --messages 50 --connections 40 "$@"
