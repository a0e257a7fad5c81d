#!/usr/bin/env bash
# Builds (or reuses) the benchmark image on the local Engine.
#
#   strata-bench/base:bookworm  debootstrap --variant=minbase bookworm, imported with `docker import`
#   strata-bench/app:1          bench/Dockerfile FROM that base (legacy builder, DOCKER_BUILDKIT=0)
#
# Idempotent: an image that already exists is reused, never rebuilt. Pass --force to rebuild both.
# Needs root (debootstrap), the Engine socket and Debian's package mirror; no registry.
set -euo pipefail

BASE=strata-bench/base:bookworm
APP=strata-bench/app:1
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

# The Debian mirror this machine already uses: first deb822 "URIs:" or one-line "deb" entry whose
# suites include bookworm (security and -updates live on other paths/suites, so skip those).
find_mirror() {
  local f uri
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
    [[ -r "$f" ]] || continue
    if [[ "$f" == *.sources ]]; then
      # deb822: blank-line separated stanzas
      uri=$(awk 'BEGIN{RS=""} /Suites:[^\n]*(^|[ \t])bookworm([ \t]|\n|$)/ && !/debian-security/ {
                 if (match($0, /URIs:[ \t]*[^ \t\n]+/)) { s=substr($0,RSTART,RLENGTH); sub(/URIs:[ \t]*/,"",s); print s; exit } }' "$f")
    else
      uri=$(awk '$1=="deb" && $0 !~ /debian-security/ { for(i=2;i<=NF;i++) if ($i=="bookworm") { u=$2; if (u ~ /^\[/) u=$3; print u; exit } }' "$f")
    fi
    if [[ -n "$uri" ]]; then echo "$uri"; return 0; fi
  done
  echo "http://deb.debian.org/debian"
}

if [[ $FORCE == 1 ]]; then
  docker image rm -f "$APP" "$BASE" >/dev/null 2>&1 || true
fi

if have_image "$BASE"; then
  echo "build-image: reusing $BASE"
else
  command -v debootstrap >/dev/null || { echo "build-image: debootstrap is missing (apt-get install debootstrap)" >&2; exit 1; }
  MIRROR=$(find_mirror)
  ROOT=$(mktemp -d /var/tmp/strata-bench-root.XXXXXX)
  trap 'rm -rf "$ROOT"' EXIT
  echo "build-image: debootstrap --variant=minbase bookworm from $MIRROR"
  debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR" >/var/tmp/strata-bench-debootstrap.log 2>&1 \
    || { echo "build-image: debootstrap failed, see /var/tmp/strata-bench-debootstrap.log" >&2; exit 1; }
  # debootstrap leaves its downloaded .debs out of the target by default; nothing else to prune.
  tar -C "$ROOT" -c . | docker import --change 'CMD ["bash"]' - "$BASE" >/dev/null
  rm -rf "$ROOT"; trap - EXIT
  echo "build-image: imported $BASE"
fi

if have_image "$APP"; then
  echo "build-image: reusing $APP"
else
  echo "build-image: building $APP (legacy builder)"
  # The context is bench/ with a .dockerignore that admits only the generator script, so the
  # archives under bench/out/ are never sent to the daemon.
  DOCKER_BUILDKIT=0 docker build --network host -t "$APP" -f "$HERE/Dockerfile" "$HERE"
fi
docker image inspect -f '{{.Id}} {{.Size}} bytes, {{len .RootFS.Layers}} layers' "$APP"
