#!/usr/bin/env bash
# Starts the machine's own PostgreSQL (Debian's packages) on loopback for the
# test suite, as the unprivileged `postgres` user because PostgreSQL refuses to
# run as root. Idempotent: a server already answering on the port is left alone.
#
#   .ci/start-postgres.sh [PORT] [DATA_DIR]
#
# Prints nothing on success but the URL of the superuser connection.
set -euo pipefail

port="${1:-5432}"
data_dir="${2:-/tmp/ctoprojects-ci-pg-$port}"
password="${CI_POSTGRES_PASSWORD:-postgres}"

bin_dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin_dir" ]; then
  apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
  bin_dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

if "$bin_dir/pg_isready" -q -h 127.0.0.1 -p "$port"; then
  echo "postgresql://postgres:***@127.0.0.1:$port/postgres (already running)" >&2
  exit 0
fi

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ ! -s "$data_dir/PG_VERSION" ]; then
  mkdir -p "$data_dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$data_dir"
  pwfile=$(mktemp)
  printf '%s\n' "$password" >"$pwfile"
  [ "$(id -u)" = 0 ] && chown postgres "$pwfile"
  as_postgres "$bin_dir/initdb" -D "$data_dir" -U postgres --pwfile="$pwfile" \
    --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
fi

# Durability is worthless for a throwaway test server; speed is not.
as_postgres "$bin_dir/pg_ctl" -D "$data_dir" -l "$data_dir/server.log" -w -t 60 start \
  -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=/tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null

echo "postgresql://postgres:***@127.0.0.1:$port/postgres"
