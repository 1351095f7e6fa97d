#!/bin/sh
# HEALTHCHECK helper: telegate-healthcheck VARIABLE DEFAULT_ADDRESS PATH
# GETs PATH on the host:port held in the environment variable VARIABLE
# (DEFAULT_ADDRESS when unset); a wildcard host (0.0.0.0, [::]) means loopback.
set -eu
addr=$(printenv "$1" || true)
[ -n "$addr" ] || addr=$2
host=${addr%:*}
port=${addr##*:}
case "$host" in
  "" | 0.0.0.0) host=127.0.0.1 ;;
  "[::]") host="[::1]" ;;
esac
# The gateway's public listener speaks TLS only when it has a certificate
# (self-signed ones included: this checks liveness, not identity).
if [ "$1" = TELEGATE_LISTEN ] && [ -n "${TELEGATE_TLS_CERT_FILE:-}" ]; then
  exec curl -fsSk -o /dev/null --max-time 2 "https://$host:$port$3"
fi
exec curl -fsS -o /dev/null --max-time 2 "http://$host:$port$3"
