#!/usr/bin/env bash
# Measures how many Bot API calls per second telegate-emulator answers when
# every call waits LATENCY ms (default 80): wrk posts sendMessage over
# CONNECTIONS keep-alive connections (default 400; each has one call in
# flight, so the ceiling is CONNECTIONS / latency) for SECONDS (default 10).
# A thread-per-call server would top out at threads / latency instead.
# Usage: bench/emulator_capacity.sh [LATENCY_MS [CONNECTIONS [SECONDS]]]
# Needs wrk (Debian package). Builds telegate-emulator in build-release/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TELEGATE_BENCH_BUILD_DIR:-$root/build-release}"
latency="${1:-80}"
connections="${2:-400}"
seconds="${3:-10}"

if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DTELEGATE_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target telegate-emulator \
  -j"${TELEGATE_BUILD_JOBS:-$(nproc)}" >/dev/null

work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
EMULATOR_LISTEN=127.0.0.1:0 EMULATOR_LATENCY_MS="$latency" \
  TELEGRAM_BOT_TOKEN=1:capacity TELEGATE_LOG_LEVEL=info \
  "$build/bin/telegate-emulator" 2>"$work/emulator.log" &
pid=$!
address=""
for _ in $(seq 100); do
  address="$(grep -o '"address":"[^"]*"' "$work/emulator.log" | head -1 |
    cut -d'"' -f4 || true)"
  [[ -n "$address" ]] && break
  sleep 0.1
done
[[ -n "$address" ]] || { cat "$work/emulator.log" >&2; exit 1; }

cat >"$work/send.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil,
    '{"chat_id":' .. (n % 2000 + 1) .. ',"text":"capacity"}')
end
LUA
start_cpu="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$work/send.lua" \
  "http://$address/bot1:capacity/sendMessage"
end_cpu="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
ticks="$(getconf CLK_TCK)"
echo "emulator CPU: $(( (end_cpu - start_cpu) * 1000 / ticks )) ms over ${seconds} s;" \
  "peak RSS $(awk '/VmHWM/ {print $2, $3}' "/proc/$pid/status");" \
  "threads $(ls "/proc/$pid/task" | wc -l)"
