#!/usr/bin/env bash
# Builds telegate with AddressSanitizer + UBSan and runs every test (unit,
# gRPC, integration with the real binaries on loopback). Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh --test
BUILD="${TELEGATE_TEST_BUILD_DIR:-build-test}"
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Debug -DTELEGATE_SANITIZE=ON >/dev/null
cmake --build "$BUILD" -j"$(nproc)"
# A small quarantine keeps memory measurements in tests meaningful.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:quarantine_size_mb=16}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
ctest --test-dir "$BUILD" --output-on-failure --timeout 300 -j2
