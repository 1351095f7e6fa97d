#!/usr/bin/env bash
# The grammY example against telegate-emulator: installs it with its locked
# npm packages into a temporary copy (install_grammy.sh), then runs
# echo_test.py on it.
#   run_grammy.sh <path to telegate-emulator>
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
emulator="${1:?usage: run_grammy.sh <telegate-emulator>}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$here/install_grammy.sh" "$work"
/usr/bin/python3 "$here/echo_test.py" --emulator "$emulator" \
  --bot-command "node $work/bot.js"
