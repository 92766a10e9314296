#!/usr/bin/env bash
# Start (or stop) a private PostgreSQL and Redis on 127.0.0.1 for the test suite and benchmarks.
#   scripts/services.sh start DIR   -> prints the environment to export
#   scripts/services.sh stop DIR
# Servers run as an unprivileged user: `postgres`/`redis` when started as root, else the caller.
set -euo pipefail

action=${1:?start|stop}
dir=${2:?service directory}
pg_port=${TALLY_TEST_PG_PORT:-55432}
redis_port=${TALLY_TEST_REDIS_PORT:-56379}

pg_bin() {
  local candidate
  candidate=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$candidate" ] || { echo "PostgreSQL server binaries not found" >&2; exit 1; }
  echo "$candidate"
}

as_user() {  # as_user USER CMD... : drop root privileges when we have them
  local user=$1; shift
  if [ "$(id -u)" = 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

case "$action" in
start)
  mkdir -p "$dir/pg/sock" "$dir/redis"
  chmod 755 "$dir"
  pg_user=postgres; redis_user=redis
  if [ "$(id -u)" = 0 ]; then
    chown -R postgres:postgres "$dir/pg"
    id redis >/dev/null 2>&1 || redis_user=nobody
    chown -R "$redis_user" "$dir/redis"
  fi
  bin=$(pg_bin)
  if [ ! -f "$dir/pg/data/PG_VERSION" ]; then
    as_user "$pg_user" "$bin/initdb" -D "$dir/pg/data" -U postgres -A trust -E UTF8 \
      --locale=C.UTF-8 >"$dir/pg/initdb.log" 2>&1
  fi
  # Durability off: these servers hold throw-away test data, and fsync would dominate the suite.
  # TALLY_PG_DURABLE=1 keeps PostgreSQL's defaults (benchmarks measure what production runs).
  durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${TALLY_PG_DURABLE:-0}" = 1 ] && durability=""
  as_user "$pg_user" "$bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -o \
    "-c listen_addresses=127.0.0.1 -p $pg_port -k $dir/pg/sock $durability \
     -c max_connections=200" start >/dev/null
  as_user "$redis_user" redis-server --bind 127.0.0.1 --port "$redis_port" --daemonize yes \
    --save '' --appendonly no --dir "$dir/redis" --pidfile "$dir/redis/redis.pid" \
    --logfile "$dir/redis/redis.log"
  for _ in $(seq 50); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "export TALLY_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:$pg_port/postgres"
  echo "export TALLY_TEST_REDIS_URL=redis://127.0.0.1:$redis_port/0"
  echo "export TALLY_TEST_SERVICE_DIR=$dir"
  ;;
stop)
  # By PID file, never by process name: other PostgreSQL or Redis servers may be running.
  if [ -f "$dir/pg/data/postmaster.pid" ]; then
    as_user postgres "$(pg_bin)/pg_ctl" -D "$dir/pg/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [ -f "$dir/redis/redis.pid" ]; then
    kill "$(cat "$dir/redis/redis.pid")" 2>/dev/null || true
  fi
  ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
