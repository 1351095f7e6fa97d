#!/usr/bin/env bash
# Installs the grammY example with its locked npm packages into DIR (a copy:
# the source tree gets no node_modules): Debian's node and npm are installed
# first when missing, as tests/browser/run.sh does. No npm is a failure.
#   install_grammy.sh DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
example="$here/../../examples/grammy-echo"
dest="${1:?usage: install_grammy.sh DIR}"

"$here/../../testing/install-debian-packages.sh" nodejs:node npm:npm
command -v npm >/dev/null || { echo "install_grammy.sh: npm is unavailable" >&2; exit 1; }

mkdir -p "$dest"
cp "$example/package.json" "$example/package-lock.json" "$example/bot.js" "$dest/"
# --prefer-offline reuses npm's cache.
(cd "$dest" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error)
