#!/usr/bin/env bash
# Browser test of the admin panel: headless Debian Chromium, driven by npm
# playwright-core, against the real telegate binaries.
#   TELEGATE_BIN_DIR         telegate-{emulator,worker,gateway} (default: <repo>/build/bin)
#   TELEGATE_SCREENSHOT_DIR  where panel.png goes (default: the OS temp dir)
set -euo pipefail
cd "$(dirname "$0")"

missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium fonts-liberation)
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

# playwright-core only: no browser download. --prefer-offline reuses npm's cache.
npm ci --no-audit --no-fund --prefer-offline --loglevel=error

exec node --test "$@"
