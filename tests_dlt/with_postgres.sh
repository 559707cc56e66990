#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL server: `tests_dlt/with_postgres.sh CMD...`.
#
# Installs Debian's `postgresql` package (as root, with apt-get) when no server binaries are
# found, creates a cluster in a temporary folder, starts it on a free loopback port and passes
# its address to CMD in TALQUE_TEST_POSTGRES_DSN. The server is stopped and the folder removed
# when CMD ends, whether it passed or failed. PostgreSQL refuses to run as root, so under root
# the server runs as the `postgres` user (created if missing).
set -euo pipefail

find_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

pg_bin=$(find_bin || true)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "with_postgres.sh: PostgreSQL is not installed; run as root or install 'postgresql'" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    pg_bin=$(find_bin)
fi

as_server=()
if [ "$(id -u)" -eq 0 ]; then
    id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    as_server=(runuser -u postgres --)
fi

# Runs a server command from `/`: the caller's folder may be closed to the server's user.
server() {
    (cd / && "${as_server[@]}" "$@")
}

work=$(mktemp -d -t talque-postgres-XXXXXX)
# The server's user must reach its data folder inside ours.
chmod 711 "$work"
install -d -m 700 "$work/data"
[ ${#as_server[@]} -eq 0 ] || chown postgres "$work/data"

stop() {
    server "$pg_bin/pg_ctl" -D "$work/data" -m fast -s stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap stop EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
server "$pg_bin/initdb" -D "$work/data" -U talque --auth=trust -E UTF8 --no-sync >/dev/null
# `pg_ctl -w` returns once the server accepts connections: no sleeping for readiness.
server "$pg_bin/pg_ctl" -D "$work/data" -w -s -l "$work/data/server.log" \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$work/data -c fsync=off" start

# The server trusts loopback connections; the password is there because dlt requires one.
export TALQUE_TEST_POSTGRES_DSN="postgresql://talque:unused@127.0.0.1:$port/postgres"
"$@"
