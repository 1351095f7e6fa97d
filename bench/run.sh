#!/usr/bin/env bash
# Builds telegate-bench, telegate-worker and telegate-gateway (Release, in
# build-release/ or $TELEGATE_BENCH_BUILD_DIR) and runs the benchmark.
#
# No arguments: the scenarios of the README table, 15 s each (BENCH_SECONDS
# overrides): Bot API latency 0 ms / 200 chats, 0 ms / 2000 chats and
# 80 ms / 2000 chats, then 0 ms / 200 chats through the Python example bot
# and through the built-in echo bot; prints each run's report, then one
# Markdown table of all of them (also left in $build/bench-table.md).
# With arguments: one run with them, e.g.
#   bench/run.sh --latency_ms 80 --chats 2000 --seconds 15 --json out.json
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TELEGATE_BENCH_BUILD_DIR:-$root/build-release}"

if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DTELEGATE_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target telegate-bench telegate-worker \
  telegate-gateway -j"${TELEGATE_BUILD_JOBS:-$(nproc)}" >/dev/null
bench="$build/bin/telegate-bench"

if [[ $# -gt 0 ]]; then
  exec "$bench" --connections 40 "$@"
fi

seconds="${BENCH_SECONDS:-15}"
table="$build/bench-table.md"
: >"$table"
status=0
# The last two: the same load through examples/python-echo/bot.py behind the
# pair (TELEGATE_UPSTREAM_URL + the worker's Bot API endpoint) and through
# the built-in echo bot, one after the other in this run.
python_bot="$root/examples/python-echo/bot.py"
for scenario in "0 200 -" "0 2000 -" "80 2000 -" "0 200 python" "0 200 builtin"; do
  read -r latency chats bot <<<"$scenario"
  extra=()
  if [[ "$bot" == python ]]; then extra=(--upstream_bot "$python_bot"); fi
  echo "== Bot API latency $latency ms, $chats chats, $seconds s, bot $bot" >&2
  "$bench" --connections 40 --seconds "$seconds" --latency_ms "$latency" \
    --chats "$chats" --markdown "$table" "${extra[@]}" >&2 || status=$?
done
cat "$table"
exit "$status"
