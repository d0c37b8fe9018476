#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the PostgreSQL integration's tests.
#
#   eval "$(Scripts/postgres-cluster.sh start)"   # prints export DVC_POSTGRES_URL=… and DVC_POSTGRES_DIR=…
#   Scripts/postgres-cluster.sh stop "$DVC_POSTGRES_DIR"
#
# The cluster lives in a temporary directory owned by the `postgres` user (initdb refuses root),
# listens only on a private Unix socket in that directory and a private port, trusts local
# connections, and is removed by `stop`. Installs postgresql and libpq-dev from Debian's packages
# when missing and run as root.
set -euo pipefail

command="${1:-}"
find_bin() {
  for candidate in "$(command -v "$1" 2>/dev/null || true)" /usr/lib/postgresql/*/bin/"$1"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command" in
  start)
    if ! find_bin initdb >/dev/null || ! pkg-config --exists libpq 2>/dev/null; then
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -q >/dev/null && apt-get install -y -q postgresql libpq-dev >/dev/null
      else
        echo "postgres-cluster: PostgreSQL (initdb) or libpq-dev is missing" >&2; exit 1
      fi
    fi
    initdb=$(find_bin initdb); pg_ctl=$(find_bin pg_ctl)
    dir=$(mktemp -d /tmp/dvc-postgres-XXXXXX)
    port=${DVC_POSTGRES_PORT:-$((50000 + RANDOM % 10000))}
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
    as_postgres "$initdb" -D "$dir/data" -A trust -U postgres >/dev/null
    as_postgres "$pg_ctl" -D "$dir/data" -l "$dir/log" -w \
      -o "-k $dir -p $port -c listen_addresses='' -c fsync=on" start >/dev/null
    as_postgres "$(dirname "$(readlink -f "$pg_ctl")")/createdb" -h "$dir" -p "$port" -U postgres dvckit
    echo "export DVC_POSTGRES_URL='host=$dir port=$port user=postgres dbname=dvckit'"
    echo "export DVC_POSTGRES_DIR='$dir'"
    ;;
  stop)
    dir="${2:?usage: postgres-cluster.sh stop DIR}"
    pg_ctl=$(find_bin pg_ctl)
    as_postgres "$pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: postgres-cluster.sh start | stop DIR" >&2; exit 2 ;;
esac
