#!/usr/bin/env bash
# Makes the base image debian:bookworm-slim locally with debootstrap, for
# machines that reach Debian's package archive but no container registry.
# Cached: does nothing when the image exists (FORCE=1 rebuilds it).
#
# The Debian mirror is taken from this machine's APT sources (or $DEBIAN_MIRROR),
# so no archive host is written into the repository. Needs root.
# Uses DOCKER_HOST like any docker client.
set -euo pipefail
IMAGE="${BASE_IMAGE:-debian:bookworm-slim}"
SUITE=bookworm

if [ "${FORCE:-0}" != 1 ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "make-base-image: $IMAGE exists"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "make-base-image: debootstrap needs root" >&2
  exit 1
fi
if ! command -v debootstrap >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap
fi

# The first Debian archive URI this machine uses for the main suite
# (deb822 .sources files or one-line sources.list entries), skipping security.
find_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '
      /^[[:space:]]*$/ { if (uri != "" && suites ~ /(^| )'"$SUITE"'( |$)/) { print uri; exit } uri=""; suites=""; next }
      tolower($1) == "uris:" { uri = $2 }
      tolower($1) == "suites:" { $1 = ""; suites = $0 " " }
      END { if (uri != "" && suites ~ /(^| )'"$SUITE"'( |$)/) print uri }
    ' "$f"
  done
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk '$1 == "deb" { u = ($2 ~ /^\[/) ? $3 : $2; s = ($2 ~ /^\[/) ? $4 : $3; if (s == "'"$SUITE"'") print u }'
}
MIRROR="${DEBIAN_MIRROR:-$(find_mirror 2>/dev/null | grep -v -- -security | head -1 || true)}"
if [ -z "$MIRROR" ]; then
  echo "make-base-image: no Debian $SUITE mirror in /etc/apt/sources.list*; set DEBIAN_MIRROR" >&2
  exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/telegate-rootfs.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
ROOTFS="$WORK/rootfs"
echo "make-base-image: debootstrap $SUITE from $MIRROR"
start=$SECONDS
debootstrap --variant=minbase "$SUITE" "$ROOTFS" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 || {
  tail -20 "$WORK/debootstrap.log" >&2
  echo "make-base-image: debootstrap failed" >&2
  exit 1
}

# Like the official slim image: the same APT sources as this machine's
# Debian entries (updates and security included when it has them), no docs,
# man pages or locales from later installs, and no package lists.
if ls /etc/apt/sources.list.d/debian.sources >/dev/null 2>&1; then
  cp /etc/apt/sources.list.d/debian.sources "$ROOTFS/etc/apt/sources.list.d/debian.sources"
  rm -f "$ROOTFS/etc/apt/sources.list"
fi
cat >"$ROOTFS/etc/dpkg/dpkg.cfg.d/docker-slim" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
CFG
cat >"$ROOTFS/etc/apt/apt.conf.d/docker-clean" <<'CFG'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CFG
echo 'Acquire::Languages "none";' >"$ROOTFS/etc/apt/apt.conf.d/docker-no-languages"
find "$ROOTFS/usr/share/doc" -mindepth 2 ! -name copyright -delete 2>/dev/null || true
rm -rf "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* "$ROOTFS"/usr/share/locale/* \
  "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/*.bin "$ROOTFS"/var/cache/apt/archives/*.deb \
  "$ROOTFS"/var/log/*.log "$ROOTFS"/var/log/apt/* "$ROOTFS"/tmp/*
: >"$ROOTFS/etc/hostname"
: >"$ROOTFS/etc/resolv.conf"

tar --numeric-owner -C "$ROOTFS" -c . |
  docker import --change 'CMD ["bash"]' - "$IMAGE" >/dev/null
echo "make-base-image: $IMAGE imported ($((SECONDS - start)) s, $(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
