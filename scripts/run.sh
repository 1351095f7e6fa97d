#!/usr/bin/env bash
# Builds telegate and runs it: worker + gateway, and — when TELEGRAM_BOT_TOKEN
# is unset — the built-in Telegram emulator as Bot API and webhook sender.
# Ctrl-C stops everything. Settings come from the environment (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
BUILD="${TELEGATE_BUILD_DIR:-build}"
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTELEGATE_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target telegate-gateway telegate-worker telegate-emulator
BIN="$BUILD/bin"
LOGS="${TELEGATE_LOG_DIR:-$BUILD/logs}"
mkdir -p "$LOGS"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

# Waits until a JSON log line with "event":"listening" and the name appears.
wait_listening() {
  local file=$1 name=$2
  for _ in $(seq 1 200); do
    if grep -q "\"event\":\"listening\".*\"name\":\"$name\"\|\"name\":\"$name\".*\"event\":\"listening\"" "$file" 2>/dev/null; then
      return 0
    fi
    sleep 0.05
  done
  echo "run.sh: $name did not start; see $file" >&2
  tail -5 "$file" >&2
  exit 1
}

export TELEGATE_LISTEN="${TELEGATE_LISTEN:-0.0.0.0:8080}"
export TELEGATE_ADMIN_LISTEN="${TELEGATE_ADMIN_LISTEN:-127.0.0.1:8081}"
export TELEGATE_GRPC_LISTEN="${TELEGATE_GRPC_LISTEN:-127.0.0.1:50051}"
export TELEGATE_WORKER_ADDRESS="${TELEGATE_WORKER_ADDRESS:-$TELEGATE_GRPC_LISTEN}"
export TELEGATE_DATA_DIR="${TELEGATE_DATA_DIR:-$BUILD/data}"
EMULATOR=0
if [ -z "${TELEGRAM_BOT_TOKEN:-}" ]; then
  EMULATOR=1
  export TELEGRAM_BOT_TOKEN="123456789:emulator-token"
  export EMULATOR_LISTEN="${EMULATOR_LISTEN:-127.0.0.1:8090}"
  export TELEGRAM_API_BASE_URL="http://${EMULATOR_LISTEN}"
  export TELEGATE_WEBHOOK_SECRET="${TELEGATE_WEBHOOK_SECRET:-local-dev-secret}"
  export TELEGATE_EMULATOR_URL="http://${EMULATOR_LISTEN}"
  "$BIN/telegate-emulator" 2>"$LOGS/emulator.log" & pids+=($!)
  wait_listening "$LOGS/emulator.log" bot_api
else
  if [ -z "${TELEGATE_WEBHOOK_SECRET:-}" ]; then
    TELEGATE_WEBHOOK_SECRET="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    export TELEGATE_WEBHOOK_SECRET
  fi
  # The gateway talks to the Bot API itself: it registers the webhook when
  # TELEGATE_PUBLIC_URL is set, and otherwise long-polls (no public URL).
  export TELEGATE_BOT_TOKEN="$TELEGRAM_BOT_TOKEN"
  export TELEGATE_BOT_API_URL="${TELEGRAM_API_BASE_URL:-https://api.telegram.org}"
  if [ -z "${TELEGATE_PUBLIC_URL:-}" ]; then
    export TELEGATE_MODE="${TELEGATE_MODE:-polling}"
  fi
fi

"$BIN/telegate-worker" 2>"$LOGS/worker.log" & pids+=($!)
wait_listening "$LOGS/worker.log" grpc
"$BIN/telegate-gateway" 2>"$LOGS/gateway.log" & pids+=($!)
wait_listening "$LOGS/gateway.log" admin

PUBLIC_PORT="${TELEGATE_LISTEN##*:}"
if [ "$EMULATOR" = 1 ]; then
  curl -fsS -o /dev/null "$TELEGRAM_API_BASE_URL/bot$TELEGRAM_BOT_TOKEN/setWebhook" \
    -H 'Content-Type: application/json' \
    -d "{\"url\":\"http://127.0.0.1:$PUBLIC_PORT/webhook\",\"secret_token\":\"$TELEGATE_WEBHOOK_SECRET\"}"
  cat <<MSG
telegate is running against the built-in Telegram emulator.
  webhook      http://127.0.0.1:$PUBLIC_PORT/webhook  (secret: $TELEGATE_WEBHOOK_SECRET)
  admin panel  http://$TELEGATE_ADMIN_LISTEN/
  health       http://$TELEGATE_ADMIN_LISTEN/health
  emulator     http://$EMULATOR_LISTEN/_emulator/calls   (what the bot sent)
  worker gRPC  $TELEGATE_GRPC_LISTEN
  logs         $LOGS/   journal $TELEGATE_DATA_DIR/
Say something to the bot:
  curl -s http://$EMULATOR_LISTEN/_emulator/updates -d '{"chat_id":42,"text":"hello"}'
Press Ctrl-C to stop.
MSG
else
  if [ "${TELEGATE_MODE:-webhook}" = polling ]; then
    how="polling getUpdates (no TELEGATE_PUBLIC_URL; the webhook was deleted)"
  else
    how="webhook $TELEGATE_PUBLIC_URL${TELEGATE_WEBHOOK_PATH:-/webhook}, registered by the gateway"
  fi
  cat <<MSG
telegate is running against the real Telegram Bot API.
  updates      $how
  listener     http://$TELEGATE_LISTEN/webhook  (HTTPS: TELEGATE_TLS_CERT_FILE/KEY_FILE or a proxy)
  admin panel  http://$TELEGATE_ADMIN_LISTEN/
  health       http://$TELEGATE_ADMIN_LISTEN/health
  logs         $LOGS/   journal $TELEGATE_DATA_DIR/
Press Ctrl-C to stop.
MSG
fi
wait -n "${pids[@]}"
echo "run.sh: a process exited; stopping the others (see $LOGS/)" >&2
