#!/bin/bash
# Starts PostgreSQL the way the official image's entrypoint does, as far as
# tests need it: on first start, initdb with
#   POSTGRES_USER (default postgres) as the superuser,
#   POSTGRES_PASSWORD (required unless POSTGRES_HOST_AUTH_METHOD=trust),
#   POSTGRES_HOST_AUTH_METHOD for connections from outside (default scram-sha-256),
#   POSTGRES_INITDB_ARGS appended to initdb's arguments,
# then creates POSTGRES_DB (default POSTGRES_USER) and listens on all addresses.
# Not supported: /docker-entrypoint-initdb.d, the *_FILE variables, --user root.
set -Eeuo pipefail

# `docker run image -c fsync=off` means `postgres -c fsync=off`.
if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi
if [ "$1" != postgres ]; then exec "$@"; fi

if [ "$EUID" = 0 ]; then
  echo 'Error: this image runs PostgreSQL as the postgres user (uid 999), and PostgreSQL refuses root: drop --user.' >&2
  exit 1
fi

POSTGRES_USER="${POSTGRES_USER:-postgres}"
POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"
auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != trust ]; then
    echo 'Error: POSTGRES_PASSWORD is not set: set it, or set POSTGRES_HOST_AUTH_METHOD=trust for a server without passwords.' >&2
    exit 1
  fi
  # shellcheck disable=SC2206 # POSTGRES_INITDB_ARGS is a list of arguments, as in the official image.
  initdb_args=(--username="$POSTGRES_USER" --auth-local=trust --auth-host="$auth" --encoding=UTF8 --locale=C
    ${POSTGRES_INITDB_ARGS:-})
  if [ -n "${POSTGRES_PASSWORD:-}" ]; then
    # A process substitution keeps the password out of the file system and of `ps`.
    initdb "${initdb_args[@]}" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD")
  else
    initdb "${initdb_args[@]}"
  fi
  printf '\nhost all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"
  printf "\nlisten_addresses = '*'\n" >>"$PGDATA/postgresql.conf"

  if [ "$POSTGRES_DB" != postgres ]; then
    # Single-user mode needs no server start and stop; its session is the bootstrap superuser, POSTGRES_USER.
    statement="CREATE DATABASE \"${POSTGRES_DB//\"/\"\"}\";"
    if ! output=$(printf '%s\n\n' "$statement" | postgres --single -j -D "$PGDATA" postgres 2>&1) ||
      [[ "$output" == *ERROR:* ]]; then
      printf 'Error: could not create POSTGRES_DB:\n%s\n' "$output" >&2
      exit 1
    fi
  fi
  echo 'PostgreSQL init process complete; ready for start up.'
fi

exec "$@"
