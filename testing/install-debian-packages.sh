#!/usr/bin/env bash
# Installs the Debian packages named as arguments that are not installed yet
# (the test scripts' node, npm, chromium), with sudo when not root. Each
# argument is "package" or "package:command" (installed when `command` is
# missing from PATH, e.g. nodejs:node).
#   testing/install-debian-packages.sh nodejs:node npm:npm chromium
set -euo pipefail
missing=()
for spec in "$@"; do
  package="${spec%%:*}"
  command_name="${spec#*:}"
  if [[ "$spec" == *:* ]]; then
    command -v "$command_name" >/dev/null || missing+=("$package")
  else
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null |
      grep -q "install ok installed" || missing+=("$package")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
echo "installing Debian's ${missing[*]}" >&2
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
  --no-install-recommends "${missing[@]}" >/dev/null
