#!/bin/sh
# What testcontainers' PostgresContainer expects of the image: a superuser, password and
# database from POSTGRES_USER/POSTGRES_PASSWORD/POSTGRES_DB, password authentication
# over TCP from anywhere (clients arrive through the bridge), trust on the local socket.
set -eu
user=${POSTGRES_USER:-postgres}
password=${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}
db=${POSTGRES_DB:-$user}
data=/var/lib/postgresql/data

mkdir -p "$data"
chown postgres:postgres "$data"
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }

pwfile=$(mktemp)
printf '%s\n' "$password" >"$pwfile"
chown postgres "$pwfile"
as_postgres initdb -D "$data" -U "$user" --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
rm -f "$pwfile"
echo "listen_addresses = '*'" >>"$data/postgresql.conf"
# A throwaway server: no durability, so that the tests' many CREATE/DROP DATABASE
# (each a checkpoint) and commits cost no disk flushes.
printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' >>"$data/postgresql.conf"
echo "host all all all scram-sha-256" >>"$data/pg_hba.conf"
if [ "$db" != postgres ]; then
    # Single-user mode: the database exists before the server listens, so the wait
    # strategy's first successful psql finds it.
    printf 'CREATE DATABASE "%s";\n' "$db" | as_postgres postgres --single -D "$data" postgres >/dev/null
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups -- postgres -D "$data"
