#!/usr/bin/env bash
# Start a real streaming read replica of the local PostgreSQL on a second port, for the router's
# test and for trying the replica layout on one machine:
#
#   scripts/start-replica.sh          # pg_basebackup of 127.0.0.1:5432 into $REPLICA_DIR, start on :5433
#   scripts/start-replica.sh stop     # stop it (the copy stays until the next start)
#
# Then DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:5433/<same database name as DATABASE_URL>.
# Needs the PostgreSQL server binaries (Debian's postgresql package) and a primary that lets
# postgres connect from 127.0.0.1 (trust, as on a development or CI machine); the script adds the
# `replication` line to the primary's pg_hba.conf when it is missing. Run as root or postgres.
set -euo pipefail

PRIMARY_HOST=${PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
REPLICA_PORT=${REPLICA_PORT:-5433}
REPLICA_DIR=${REPLICA_DIR:-/var/lib/postgresql/replica-$REPLICA_PORT}
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
primary_sql() { psql -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -Atqc "$1"; }

if [ "${1:-start}" = "stop" ]; then
  if [ -f "$REPLICA_DIR/postmaster.pid" ]; then as_postgres "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -m fast stop; fi
  exit 0
fi

if pg_isready -h 127.0.0.1 -p "$REPLICA_PORT" -q 2>/dev/null; then
  if [ "$(psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -Atqc 'SELECT pg_is_in_recovery()')" = "t" ]; then
    echo "replica: already streaming on 127.0.0.1:$REPLICA_PORT"
    exit 0
  fi
  echo "replica: port $REPLICA_PORT answers but is not a standby" >&2
  exit 1
fi

# The primary must accept replication connections from this machine.
hba=$(primary_sql "SHOW hba_file")
if ! grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+(postgres|all)[[:space:]]+127\.0\.0\.1/32' "$hba"; then
  echo "replica: allowing replication from 127.0.0.1 in $hba"
  echo "host replication postgres 127.0.0.1/32 trust" >>"$hba"
  primary_sql "SELECT pg_reload_conf()" >/dev/null
fi

echo "replica: pg_basebackup from $PRIMARY_HOST:$PRIMARY_PORT into $REPLICA_DIR"
rm -rf "$REPLICA_DIR"
mkdir -p "$REPLICA_DIR"
chown postgres:postgres "$REPLICA_DIR" 2>/dev/null || true
chmod 700 "$REPLICA_DIR"
# -R writes standby.signal and primary_conninfo: the copy starts as a streaming standby.
as_postgres "$PG_BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -D "$REPLICA_DIR" \
  -R -X stream -c fast
# Debian keeps the configuration in /etc, outside the data folder: give the copy its own.
as_postgres sh -c "printf '%s\n' \"listen_addresses = '127.0.0.1'\" 'hot_standby = on' \
  'unix_socket_directories = '\''/tmp'\''' 'max_connections = 200' >'$REPLICA_DIR/postgresql.conf'; \
  printf '%s\n' 'local all all trust' 'host all all 127.0.0.1/32 trust' >'$REPLICA_DIR/pg_hba.conf'; \
  : >'$REPLICA_DIR/pg_ident.conf'"
as_postgres "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -o "-p $REPLICA_PORT" -l "$REPLICA_DIR/replica.log" -w start

for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p "$REPLICA_PORT" -q && break; sleep 1; done
state=$(psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -Atqc "SELECT pg_is_in_recovery()")
streaming=$(primary_sql "SELECT count(*) FROM pg_stat_replication")
if [ "$state" != "t" ]; then
  echo "replica: started but not in recovery" >&2
  exit 1
fi
echo "replica: streaming on 127.0.0.1:$REPLICA_PORT (primary has $streaming standby connection(s))"
