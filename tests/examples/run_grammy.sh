#!/usr/bin/env bash
# The grammY example against telegate-emulator: installs Debian's node and npm
# when missing (as tests/browser/run.sh does), installs the example's locked
# npm packages into a temporary copy, then runs echo_test.py on it.
#   run_grammy.sh <path to telegate-emulator>
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
example="$here/../../examples/grammy-echo"
emulator="${1:?usage: run_grammy.sh <telegate-emulator>}"

missing=()
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [[ ${#missing[@]} -gt 0 ]]; then
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  echo "installing Debian's ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi
# No npm is a failure, never a skip.
command -v npm >/dev/null || { echo "run_grammy.sh: npm is unavailable" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$example/package.json" "$example/package-lock.json" "$example/bot.js" "$work/"
# --prefer-offline reuses npm's cache.
(cd "$work" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error)

/usr/bin/python3 "$here/echo_test.py" --emulator "$emulator" \
  --bot-command "node $work/bot.js"
