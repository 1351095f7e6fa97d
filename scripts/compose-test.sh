#!/usr/bin/env bash
# End-to-end test of the images and docker-compose.yml, all traffic on
# loopback. Needs root (it starts its own dockerd).
#
#   scripts/compose-test.sh           build the images, run the stack with the
#                                     emulator, check echoes, /health, a
#                                     worker restart under load; tear down
#   scripts/compose-test.sh --config  only validate docker-compose.yml offline
#
# Environment: COMPOSE_TEST_MESSAGES (default 200) messages in the restart
# test; TELEGATE_DOCKER_ROOT (default /var/tmp/telegate-docker) keeps the
# private dockerd's images between runs (base image and build cache), so
# only the first run debootstraps and builds from scratch.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

log() { printf '[compose-test %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
fail() { printf '[compose-test] FAIL: %s\n' "$*" >&2; exit 1; }

# A sample .env: .env.example with the required values filled in.
write_sample_env() {
  sed -e 's/^TELEGRAM_BOT_TOKEN=$/TELEGRAM_BOT_TOKEN=123456789:compose-test-token/' \
      -e "s/^TELEGATE_WEBHOOK_SECRET=\$/TELEGATE_WEBHOOK_SECRET=$2/" \
      -e "s/^TELEGATE_ADMIN_TOKEN=\$/TELEGATE_ADMIN_TOKEN=$3/" \
      .env.example >"$1"
}

check_config() {
  local env
  env="$(mktemp)"
  write_sample_env "$env" sample-secret sample-admin-token
  docker-compose --env-file "$env" -f docker-compose.yml config -q
  docker-compose --env-file "$env" -f docker-compose.yml -f docker-compose.override.yml \
    --profile emulator config -q
  docker-compose --env-file "$env" -f docker-compose.yml -f docker-compose.hostnet.yml \
    --profile emulator config -q
  # The example bot behind the pair (README "Run your existing bot").
  docker-compose --env-file "$env" -f docker-compose.yml -f docker-compose.override.yml \
    --profile emulator --profile bot-python config -q
  rm -f "$env"
  # Without the required values it must refuse to start.
  if docker-compose --env-file .env.example -f docker-compose.yml config -q 2>/dev/null; then
    fail "docker-compose.yml accepted an .env without TELEGRAM_BOT_TOKEN/TELEGATE_ADMIN_TOKEN"
  fi
  log "docker-compose config: OK"
}

if [ "${1:-}" = "--config" ]; then
  check_config
  exit 0
fi

[ "$(id -u)" -eq 0 ] || fail "run as root: it starts its own dockerd"
need=()
for cmd in dockerd:docker.io docker-compose:docker-compose debootstrap:debootstrap \
           curl:curl python3:python3; do
  command -v "${cmd%%:*}" >/dev/null || need+=("${cmd#*:}")
done
if [ "${#need[@]}" -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

check_config

DOCKERD_PID=""
STACK_UP=0
WORK=""
SENDER=""
cleanup() {
  local rc=$?
  set +e
  if [ -n "$SENDER" ]; then
    pkill -P "$SENDER" 2>/dev/null
    kill "$SENDER" 2>/dev/null
  fi
  if [ "$STACK_UP" = 1 ]; then
    if [ "$rc" -ne 0 ]; then
      "${DC[@]}" logs --no-color --tail=40 >"$WORK/compose.log" 2>&1
      echo "---- last container logs ----" >&2
      tail -n 120 "$WORK/compose.log" >&2
    fi
    "${DC[@]}" down -v --remove-orphans >/dev/null 2>&1
    log "compose down -v: done"
  fi
  if [ -n "$DOCKERD_PID" ]; then
    if [ "$rc" -ne 0 ]; then tail -n 20 "$WORK/dockerd.log" >&2; fi
    kill -TERM "$DOCKERD_PID" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$DOCKERD_PID" 2>/dev/null
    log "dockerd stopped"
  fi
  if [ -n "$WORK" ] && [ -d "$WORK" ]; then
    # dockerd leaves its default network namespace mounted under the exec root.
    awk -v w="$WORK/" 'index($2, w) == 1 {print $2}' /proc/mounts | sort -r |
      xargs -r -n1 umount -l 2>/dev/null
    rm -rf "$WORK"
  fi
  if [ "$rc" -eq 0 ]; then log "PASS"; else echo "[compose-test] FAILED (exit $rc)" >&2; fi
  exit "$rc"
}
trap 'exit 130' INT TERM

# ---- a private dockerd: state in WORK, images in DOCKER_ROOT ----------------
WORK="$(mktemp -d /tmp/telegate-compose.XXXXXX)"
trap cleanup EXIT
DOCKER_ROOT="${TELEGATE_DOCKER_ROOT:-/var/tmp/telegate-docker}"
mkdir -p "$DOCKER_ROOT"
exec 9>"$DOCKER_ROOT.lock"
flock -n 9 || fail "another compose-test is using $DOCKER_ROOT"
export DOCKER_HOST="unix://$WORK/docker.sock"
export DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0
PROJECT="telegate-compose-test"
ENV_FILE="$WORK/test.env"
# A snapshot of the tree, so that the three images are built from the same
# sources even while files are being edited.
SRC="$WORK/src"
mkdir -p "$SRC"
tar -C "$ROOT" --exclude='./build*' --exclude=./.git --exclude=./.env --exclude='node_modules' -cf - . | tar -C "$SRC" -xf -
DC=(docker-compose -p "$PROJECT" --env-file "$ENV_FILE"
    -f "$SRC/docker-compose.yml" -f "$SRC/docker-compose.hostnet.yml" --profile emulator)

echo '{}' >"$WORK/daemon.json"
dockerd --config-file "$WORK/daemon.json" --data-root "$DOCKER_ROOT" \
  --exec-root "$WORK/exec" --pidfile "$WORK/dockerd.pid" -H "$DOCKER_HOST" \
  --bridge=none --iptables=false >"$WORK/dockerd.log" 2>&1 &
DOCKERD_PID=$!
for _ in $(seq 1 150); do
  docker version >/dev/null 2>&1 && break
  kill -0 "$DOCKERD_PID" 2>/dev/null || fail "dockerd exited; see its log above"
  sleep 0.2
done
docker version >/dev/null 2>&1 || fail "dockerd did not answer on $DOCKER_HOST"
log "dockerd $(docker version -f '{{.Server.Version}}') up (data root $DOCKER_ROOT)"

"$ROOT/scripts/make-base-image.sh"

# ---- settings: fresh secrets, free loopback ports -----------------------------
read -r P_WEBHOOK P_ADMIN P_GRPC P_WADMIN P_EMU < <(python3 - <<'PY'
import socket
socks = []
for _ in range(5):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
)
SECRET="$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
ADMIN_TOKEN="$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
write_sample_env "$ENV_FILE" "$SECRET" "$ADMIN_TOKEN"
cat >>"$ENV_FILE" <<EOF
TELEGATE_ENVIRONMENT=compose-test
TELEGATE_HOSTNET_WEBHOOK_PORT=$P_WEBHOOK
TELEGATE_HOSTNET_ADMIN_PORT=$P_ADMIN
TELEGATE_HOSTNET_GRPC_PORT=$P_GRPC
TELEGATE_HOSTNET_WORKER_ADMIN_PORT=$P_WADMIN
TELEGATE_HOSTNET_EMULATOR_PORT=$P_EMU
EOF
EMU="http://127.0.0.1:$P_EMU"
ADMIN="http://127.0.0.1:$P_ADMIN"
AUTH=(-H "Authorization: Bearer $ADMIN_TOKEN")
log "ports: webhook $P_WEBHOOK, admin $P_ADMIN, grpc $P_GRPC, worker admin $P_WADMIN, emulator $P_EMU"

# ---- build ----------------------------------------------------------------------
log "building images (legacy builder)"
start=$SECONDS
"${DC[@]}" build >"$WORK/build.log" 2>&1 || { tail -n 60 "$WORK/build.log" >&2; fail "image build failed"; }
log "images built in $((SECONDS - start)) s ($(grep -c 'Using cache' "$WORK/build.log") of $(grep -c '^Step ' "$WORK/build.log") steps cached)"
# Untagged images are the build cache (the -dev packages layer above all):
# keep the recent ones, drop what no build used for three days.
docker image prune -f --filter until=72h >/dev/null
docker images --format '  {{.Repository}}:{{.Tag}}  {{.Size}}' | grep -E 'telegate|debian'

# ---- up -----------------------------------------------------------------------------
# Waits until every named service's container reports healthy.
wait_healthy() {
  local deadline=$((SECONDS + 90)) svc id status
  for svc in "$@"; do
    while :; do
      id="$("${DC[@]}" ps -q "$svc" 2>/dev/null || true)"
      status="$( [ -n "$id" ] && docker inspect -f '{{.State.Health.Status}}' "$id" 2>/dev/null || echo missing)"
      [ "$status" = healthy ] && break
      [ $SECONDS -lt $deadline ] || fail "$svc is not healthy (status: $status)"
      sleep 0.5
    done
  done
}
STACK_UP=1
# The emulator first: the worker checks its token (getMe) once at start.
"${DC[@]}" up -d --no-build telegram-emulator 2>&1 | sed 's/^/  /'
wait_healthy telegram-emulator
"${DC[@]}" up -d --no-build 2>&1 | sed 's/^/  /'
wait_healthy worker gateway telegram-emulator
log "all services healthy"
"${DC[@]}" ps | sed 's/^/  /'

# ---- checks -----------------------------------------------------------------------------
# json FILE EXPR: prints a Python expression over the JSON document `d`.
json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
get() { curl -sS -o "$WORK/body" -w '%{http_code}' "$@"; }

code=$(get "$EMU/_emulator/webhook")
[ "$code" = 200 ] || fail "GET /_emulator/webhook: HTTP $code"
url=$(json "$WORK/body" 'd.get("url", "")')
[ "$url" = "http://127.0.0.1:$P_WEBHOOK/webhook" ] || fail "emulator webhook is '$url'"
log "emulator posts to $url"

code=$(get "$ADMIN/health")
[ "$code" = 401 ] || fail "/health without the admin token: HTTP $code, want 401"
code=$(get "${AUTH[@]}" "$ADMIN/health")
[ "$code" = 200 ] || fail "/health: HTTP $code $(cat "$WORK/body")"
[ "$(json "$WORK/body" 'd["status"]')" = healthy ] || fail "/health: $(cat "$WORK/body")"
log "gateway /health: $(cat "$WORK/body")"
code=$(get "${AUTH[@]}" "http://127.0.0.1:$P_WADMIN/metrics")
[ "$code" = 200 ] || fail "worker /metrics: HTTP $code"
log "worker /metrics: $(grep -c '^telegate_worker_' "$WORK/body") samples"

# Sends one update through the emulator, resending the same update_id until
# the webhook answers 200, like Telegram. Prints the statuses seen.
send_update() {
  local id=$1 chat=$2 text=$3 tries=0 status body
  body=$(printf '{"update_id":%d,"message":{"message_id":%d,"date":%d,"chat":{"id":%d,"type":"private"},"from":{"id":%d,"is_bot":false,"first_name":"T"},"text":"%s"}}' \
    "$id" "$id" "$(date +%s)" "$chat" "$chat" "$text")
  while :; do
    status=$(curl -sS --max-time 30 "$EMU/_emulator/updates" -H 'Content-Type: application/json' \
      -d "$body" 2>/dev/null | sed -n 's/.*"status":\([0-9]*\).*/\1/p' || true)
    status=${status:-0}
    printf '%s %s %s\n' "$id" "$status" "$(date +%s%3N)"
    [ "$status" = 200 ] && return 0
    tries=$((tries + 1))
    [ "$tries" -lt 120 ] || return 1
    sleep 0.25
  done
}

# Waits until every "text" in the list has been sent with sendMessage.
# Prints "missing duplicates".
check_echoes() {
  local want=$1 deadline=$((SECONDS + 60)) result
  while :; do
    curl -sS "$EMU/_emulator/calls?method=sendMessage" -o "$WORK/calls.json"
    result=$(python3 - "$WORK/calls.json" "$want" <<'PY'
import collections, json, sys
calls = json.load(open(sys.argv[1]))["calls"]
want = [l.split(" ", 1) for l in open(sys.argv[2]).read().splitlines()]
seen = collections.Counter((str(c["params"].get("chat_id")), c["params"].get("text"))
                           for c in calls if c.get("http_status") == 200)
missing = sum(1 for chat, text in want if seen[(chat, text)] == 0)
dups = sum(seen[(chat, text)] - 1 for chat, text in want if seen[(chat, text)] > 1)
print(missing, dups)
PY
)
    [ "${result%% *}" = 0 ] && break
    [ $SECONDS -lt $deadline ] || break
    sleep 0.5
  done
  echo "$result"
}

BASE_ID=$(( ($(date +%s) % 100000) * 1000 ))
: >"$WORK/smoke.want"
for i in 1 2 3 4 5; do
  send_update $((BASE_ID + i)) $((100 + i)) "smoke-$i" >/dev/null || fail "smoke update $i not accepted"
  echo "$((100 + i)) smoke-$i" >>"$WORK/smoke.want"
done
read -r missing dups < <(check_echoes "$WORK/smoke.want")
[ "$missing" = 0 ] || fail "smoke: $missing of 5 messages not echoed"
log "smoke: 5 webhooks through the emulator, 5 echoes (duplicates: $dups)"

# ---- worker restart under load ----------------------------------------------------------------
N="${COMPOSE_TEST_MESSAGES:-200}"
: >"$WORK/load.want"
for i in $(seq 1 "$N"); do echo "$((1000 + i % 10)) load-$i" >>"$WORK/load.want"; done
log "restart test: $N messages to 10 chats while 'docker-compose restart worker' runs"
: >"$WORK/load.status"
load_start=$SECONDS
(
  for i in $(seq 1 "$N"); do
    send_update $((BASE_ID + 100 + i)) $((1000 + i % 10)) "load-$i" || echo "GAVE_UP $i"
    sleep 0.02
  done
) >"$WORK/load.status" 2>&1 &
SENDER=$!
for _ in $(seq 1 200); do
  [ "$(wc -l <"$WORK/load.status")" -ge $((N / 5)) ] && break
  sleep 0.05
done
start_ms=$(date +%s%3N)
"${DC[@]}" restart worker 2>&1 | sed 's/^/  /'
log "worker restarted in $(( $(date +%s%3N) - start_ms )) ms, after $(wc -l <"$WORK/load.status") webhook answers"
wait "$SENDER" || true
SENDER=""
log "sender done in $((SECONDS - load_start)) s"
grep -q GAVE_UP "$WORK/load.status" && fail "some updates were never accepted: $(grep GAVE_UP "$WORK/load.status" | head -3)"
accepted=$(awk '$2 == 200' "$WORK/load.status" | wc -l)
refused=$(awk '$2 != 200' "$WORK/load.status" | wc -l)
log "webhook answers: $accepted x 200, $refused refused and resent ($(awk '$2 != 200 {print $2}' "$WORK/load.status" | sort | uniq -c | awk '{printf "%s%s x HTTP %s", (NR > 1 ? ", " : ""), $1, $2}'))"
[ "$accepted" = "$N" ] || fail "$accepted of $N updates accepted"
if [ "$refused" -gt 0 ]; then
  window=$(awk -v t0="$start_ms" '$2 != 200 {if (!f) f = $3; l = $3} END {printf "%d ms to %d ms", f - t0, l - t0}' "$WORK/load.status")
  log "503s from $window after 'restart' began"
fi
read -r missing dups < <(check_echoes "$WORK/load.want")
[ "$missing" = 0 ] || fail "$missing of $N accepted messages were never echoed"
log "all $N accepted messages echoed (duplicates: $dups)"
[ "$dups" = 0 ] || log "WARNING: $dups messages echoed more than once"
wait_healthy worker gateway
code=$(get "${AUTH[@]}" "$ADMIN/health")
[ "$code" = 200 ] || fail "/health after the restart: HTTP $code $(cat "$WORK/body")"
log "gateway /health after the restart: $(cat "$WORK/body")"
