#!/usr/bin/env bash
# A throwaway PostgreSQL server for the store tests.
#
#   url=$(bash scripts/postgres.sh [DIR])   # start one; prints its URL, nothing else, on stdout
#   bash scripts/postgres.sh --stop DIR     # stop it and delete DIR
#
# Installs Debian's postgresql if it is missing (as root, or with sudo), initialises a cluster
# in DIR (default: a new temporary folder), owned by the postgres user when run as root,
# listening on 127.0.0.1 only, on a free port, with trust authentication (it is disposable:
# never use this for real data), and creates the database "commissioning_test".
set -euo pipefail

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

if [ "${1:-}" = "--stop" ]; then
  dir="${2:?usage: postgres.sh --stop DIR}"
  if [ -f "$dir/data/postmaster.pid" ] && bin=$(pg_bin); then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  exit 0
fi

if ! bin=$(pg_bin); then
  echo "Installing PostgreSQL (Debian package postgresql)" >&2
  # Only this script's clusters are wanted: do not create and start the default one.
  $SUDO mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" |
    $SUDO tee /etc/postgresql-common/createcluster.d/commissioning-tests.conf >/dev/null
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    postgresql >/dev/null
  bin=$(pg_bin) || { echo "PostgreSQL was installed but initdb was not found" >&2; exit 1; }
fi

dir="${1:-$(mktemp -d /tmp/commissioning-pg.XXXXXX)}"
mkdir -p "$dir"
if [ -n "$(ls -A "$dir")" ]; then
  echo "postgres.sh: $dir is not empty" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
chmod 700 "$dir"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >/dev/null
as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres commissioning_test
echo "postgresql+psycopg://postgres@127.0.0.1:$port/commissioning_test"
