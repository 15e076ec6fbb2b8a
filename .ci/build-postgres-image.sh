#!/usr/bin/env bash
# CI helper: builds a PostgreSQL image for the testcontainers provider out of
# this machine's own PostgreSQL (Debian's package), for machines that reach no
# container registry. The image is FROM scratch: the server binaries, the
# shared libraries `ldd` says they load, bash, the time zones and an
# entrypoint that honours POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB as
# the official image does (.ci/postgres-image/docker-entrypoint.sh).
#
#   .ci/build-postgres-image.sh [TAG]     TAG: ctoprojects/postgres:<major>-local by default
#
# It does nothing when the image exists already; FORCE=1 rebuilds it.
# PG_BIN_DIR picks the binaries (default: the newest /usr/lib/postgresql/*/bin).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

bin_dir="${PG_BIN_DIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
if [ -z "$bin_dir" ] || [ ! -x "$bin_dir/postgres" ]; then
  echo "No PostgreSQL server binaries (looked in ${PG_BIN_DIR:-/usr/lib/postgresql/*/bin}): apt-get install postgresql, or set PG_BIN_DIR." >&2
  exit 1
fi
pg_home="$(dirname "$bin_dir")"                         # /usr/lib/postgresql/15
major="$(basename "$pg_home")"
share_dir="$("$bin_dir/pg_config" --sharedir 2>/dev/null || echo "/usr/share/postgresql/$major")"
tag="${1:-ctoprojects/postgres:${major}-local}"

if [ "${FORCE:-0}" != 1 ] && docker image inspect "$tag" >/dev/null 2>&1; then
  echo "Image $tag exists already (FORCE=1 rebuilds it)."
  exit 0
fi

started=$(date +%s)
context="$(mktemp -d "${TMPDIR:-/tmp}/postgres-image.XXXXXX")"
trap 'rm -rf "$context"' EXIT
root="$context/rootfs"
mkdir -p "$root" "$context/home"

# Copies a path to the same place under the root, keeping symlinks as symlinks.
copy() { tar -C / -cf - "${1#/}" | tar -C "$root" -xf -; }
# Copies a shared library to where its directory really is (Debian merges /lib into /usr/lib).
copy_library() {
  local real_dir
  real_dir="$(realpath "$(dirname "$1")")"
  mkdir -p "$root$real_dir"
  cp -L "$1" "$root$real_dir/$(basename "$1")"
}

# Debian's merged /usr: /bin, /lib and /lib64 are links into /usr.
for link in bin lib lib64 sbin; do
  if [ -L "/$link" ]; then ln -s "$(readlink "/$link")" "$root/$link"; fi
done

# The server and its tools; the JIT provider is left out (it pulls in 100 MB of LLVM, and
# PostgreSQL runs without JIT when it is missing).
mkdir -p "$root$pg_home"
cp -a "$bin_dir" "$root$pg_home/"
mkdir -p "$root$pg_home/lib"
find "$pg_home/lib" -maxdepth 1 -name '*.so' ! -name 'llvmjit*' -exec cp -a {} "$root$pg_home/lib/" \;
copy "$share_dir"
copy /usr/share/zoneinfo
mkdir -p "$root/etc"
ln -s /usr/share/zoneinfo/Etc/UTC "$root/etc/localtime"
if [ -d /usr/lib/locale/C.utf8 ]; then copy /usr/lib/locale/C.utf8; fi

# bash: the entrypoint's shell, /bin/sh for Docker health checks, and what testcontainers'
# port check runs (`bash -c '</dev/tcp/localhost/5432'`).
mkdir -p "$root/usr/bin"
cp -L /bin/bash "$root/usr/bin/bash"
ln -s bash "$root/usr/bin/sh"
# initdb asks `locale -a` which collations to create.
cp -L /usr/bin/locale "$root/usr/bin/locale"

# Every shared library the binaries and the server's modules load, and the dynamic loader.
find "$root/usr/bin" "$root$pg_home" -type f \( -perm -u+x -o -name '*.so' \) -print0 |
  xargs -0 ldd 2>/dev/null |
  awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $2 ~ /^\(0x/ { print $1 }' |
  sort -u |
  while read -r library; do copy_library "$library"; done

mkdir -p "$root/tmp"
chmod 1777 "$root/tmp"
printf 'root:x:0:0:root:/root:/bin/sh\npostgres:x:999:999:PostgreSQL administrator:/var/lib/postgresql:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\npostgres:x:999:\n' >"$root/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"

cp "$here/postgres-image/Dockerfile" "$here/postgres-image/docker-entrypoint.sh" "$context/"
version="$("$bin_dir/postgres" --version | awk '{ print $3 }')"
echo "Building $tag from PostgreSQL $version in $bin_dir ($(du -sh "$root" | cut -f1))…"
docker build --quiet --build-arg "PG_MAJOR=$major" \
  --label "org.opencontainers.image.title=PostgreSQL $version (built from $bin_dir)" \
  --label "org.opencontainers.image.version=$version" \
  --label "com.ctoprojects.fixtures.image=true" \
  --tag "$tag" "$context" >/dev/null
# A rebuild leaves the previous image untagged: remove it.
docker image prune --force --filter dangling=true --filter label=com.ctoprojects.fixtures.image=true >/dev/null
echo "Built $tag in $(($(date +%s) - started)) s."
