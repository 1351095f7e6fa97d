#!/usr/bin/env bash
# Browser test of the admin panel: headless Debian Chromium, driven by npm
# playwright-core, against the real telegate binaries.
#   TELEGATE_BIN_DIR         telegate-{emulator,worker,gateway} (default: <repo>/build/bin)
#   TELEGATE_SCREENSHOT_DIR  where panel.png goes (default: the OS temp dir)
set -euo pipefail
cd "$(dirname "$0")"

../../testing/install-debian-packages.sh chromium:chromium fonts-liberation \
  nodejs:node npm:npm

# playwright-core only: no browser download. --prefer-offline reuses npm's cache.
npm ci --no-audit --no-fund --prefer-offline --loglevel=error

exec node --test "$@"
