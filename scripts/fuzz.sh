#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with clang in their own build dir
# (build-fuzz, TELEGATE_FUZZ=ON: ASan + UBSan + fuzzer coverage) and runs
# each for N seconds on a temporary copy of its seed corpus (fuzz/corpus is
# never written). Prints executions and coverage per target; exits non-zero
# on a crash, leak, timeout or OOM, naming the reproducer file, which stays
# under build-fuzz/fuzz-artifacts/. Reproduce with: build-fuzz/fuzz/<t>_fuzz FILE
#
# Usage: scripts/fuzz.sh [--seconds N] [--target update|webhook_request|source_filter|all]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
target=all
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --target) target="$2"; shift 2 ;;
    *) echo "fuzz: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
case "$seconds" in ''|*[!0-9]*) echo "fuzz: --seconds wants a number" >&2; exit 2 ;; esac
case "$target" in
  all) targets=(update webhook_request source_filter) ;;
  update|webhook_request|source_filter) targets=("$target") ;;
  *) echo "fuzz: unknown target '$target'" >&2; exit 2 ;;
esac
if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ not found; run scripts/install-deps.sh --test" >&2
  exit 2
fi

BUILD="${TELEGATE_FUZZ_BUILD_DIR:-build-fuzz}"
mkdir -p "$BUILD"
# One build at a time in $BUILD (a CTest smoke run and a manual run may meet).
(
  flock 9
  start=$(date +%s)
  cmake -S . -B "$BUILD" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTELEGATE_FUZZ=ON \
    -DTELEGATE_BUILD_TESTS=OFF >/dev/null
  cmake --build "$BUILD" -j2 --target "${targets[@]/%/_fuzz}" >"$BUILD/fuzz-build.log" 2>&1 ||
    { tail -40 "$BUILD/fuzz-build.log"; echo "fuzz: build failed" >&2; exit 3; }
  echo "fuzz: build took $(( $(date +%s) - start )) s"
) 9>"$BUILD/.fuzz-build.lock"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
artifacts="$BUILD/fuzz-artifacts/$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$artifacts"
artifacts=$(cd "$artifacts" && pwd)

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

failed=0
for t in "${targets[@]}"; do
  case "$t" in
    update) corpus=update; dict=json.dict; max_len=65536 ;;
    webhook_request) corpus=http; dict=http.dict; max_len=65536 ;;
    source_filter) corpus=source_filter; dict=ip.dict; max_len=4096 ;;
  esac
  mkdir -p "$work/$t"
  cp -r "fuzz/corpus/$corpus" "$work/$t/corpus"
  log="$work/$t/log"
  echo "fuzz: $t for ${seconds} s"
  status=0
  "$BUILD/fuzz/${t}_fuzz" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len="$max_len" -dict="fuzz/$dict" \
    -print_final_stats=1 -artifact_prefix="$artifacts/$t-" \
    "$work/$t/corpus" >"$log" 2>&1 || status=$?
  grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$log" | sed "s/^/  $t: /" || true
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' \
    "$log" | sed "s/^/  $t: /" || true
  if [ "$status" -ne 0 ]; then
    failed=1
    echo "fuzz: $t FAILED (exit $status); last lines of its log:"
    tail -60 "$log" | sed "s/^/  | /"
    grep -E 'Test unit written to|^artifact_prefix' "$log" | sed "s/^/  /" || true
    cp "$log" "$artifacts/$t.log"
    echo "fuzz: full log $artifacts/$t.log"
  fi
done
if [ "$failed" -ne 0 ]; then exit 1; fi
rmdir "$artifacts" 2>/dev/null || true
echo "fuzz: no crash"
