#!/usr/bin/env bash
# Builds the images the Docker runtime tests use, locally: no registry is reachable here, so nothing
# is pulled. Idempotent: an image that already exists is left alone (set SLIPWAY_REBUILD_IMAGES=1 to
# rebuild). Needs a running Docker engine and Debian's busybox-static.
set -euo pipefail

log() { printf '== %s\n' "$*"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# slipway-test/tiny: one statically linked busybox and its applets, nothing else (about 2 MB), so it
# imports in a second and, on the vfs storage driver, each container start copies almost nothing.
build_tiny() {
  local image=slipway-test/tiny
  if image_exists "$image" && [ -z "${SLIPWAY_REBUILD_IMAGES:-}" ]; then
    log "$image exists"
    return
  fi
  local busybox=/bin/busybox
  # A dynamically linked busybox would fail inside an image that has no libc.
  if ! "$busybox" --list >/dev/null 2>&1 || ldd "$busybox" >/dev/null 2>&1; then
    echo "need a static busybox at $busybox: apt-get install busybox-static" >&2
    exit 1
  fi
  log "building $image"
  local rootfs="$work/tiny"
  mkdir -p "$rootfs"/{bin,tmp,etc,opt/ml}
  chmod 1777 "$rootfs/tmp"
  cp "$busybox" "$rootfs/bin/busybox"
  # Every applet (sh with trap, cat, echo, sleep, env, ls, mkdir, kill, …) is a link to busybox.
  local applet
  for applet in $("$busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
  done
  # Some tools look users up by name; root is enough.
  echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
  echo 'root:x:0:' >"$rootfs/etc/group"
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/bin' \
    --change 'CMD ["/bin/sh"]' \
    - "$image" >/dev/null
  log "built $image"
}

build_tiny
