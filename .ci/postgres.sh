#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on 127.0.0.1 for the tests that need one
# (the job engine on riverpgxv5; later the PostgreSQL store) and prints the
# URL to export as LIAISON_TEST_POSTGRES_URL. Prints nothing and exits 0 when
# PostgreSQL cannot be had: those tests then skip, and say so.
set -uo pipefail
log=/tmp/liaison-ci-postgres.log
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >>"$log" 2>&1 || exit 0
fi
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
data=/tmp/liaison-ci-pgdata
port=55432
[ -d "$data" ] && su postgres -c "$bindir/pg_ctl -D $data -m immediate stop" >>"$log" 2>&1
rm -rf "$data"; mkdir -p "$data"; chown postgres:postgres "$data"
su postgres -c "$bindir/initdb -D $data -U postgres --auth=trust" >>"$log" 2>&1 || exit 0
su postgres -c "$bindir/pg_ctl -D $data -l $data/server.log -o '-p $port -k /tmp -c listen_addresses=127.0.0.1' -w start" >>"$log" 2>&1 || exit 0
su postgres -c "$bindir/createdb -h 127.0.0.1 -p $port liaison_test" >>"$log" 2>&1 || exit 0
echo "postgres://postgres@127.0.0.1:$port/liaison_test?sslmode=disable"
