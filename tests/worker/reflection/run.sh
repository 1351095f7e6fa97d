#!/usr/bin/env bash
# Server reflection must describe every service the worker serves: runs the
# real telegate-worker (its Bot API unreachable: /health unhealthy is fine)
# and drives it with `buf curl` (npm @bufbuild/buf, pinned in package-lock.json).
#   TELEGATE_BIN_DIR    telegate-worker (default: <repo>/build/bin)
#   TELEGATE_NPM_CACHE  where buf is installed (default: <repo>/build/npm/reflection)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
cache="${TELEGATE_NPM_CACHE:-$repo/build/npm/reflection}"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  echo "installing Debian's nodejs npm" >&2
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends nodejs npm >/dev/null
fi

# Install (again) only when the pinned lock file changed or buf is missing.
mkdir -p "$cache"
if [[ ! -x "$cache/node_modules/.bin/buf" ]] ||
   ! cmp -s "$here/package-lock.json" "$cache/package-lock.json"; then
  cp "$here/package.json" "$here/package-lock.json" "$cache/"
  (cd "$cache" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error)
fi

export TELEGATE_BUF="$cache/node_modules/.bin/buf"
export TELEGATE_BIN_DIR="${TELEGATE_BIN_DIR:-$repo/build/bin}"
exec node --test "$here/reflection.test.mjs"
