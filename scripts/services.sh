#!/usr/bin/env bash
# Sourced by scripts/test.sh: start the servers the test suite uses, on loopback only, in
# throw-away directories, and stop them on exit. Each service exports the variable the tests read.
#
# PostgreSQL: a private server (initdb + pg_ctl from /usr/lib/postgresql/*/bin, Debian package
# `postgresql`) in a temp dir, listening on 127.0.0.1 on a free port, password auth, one database;
# exports NARRASCOPE_TEST_POSTGRES_URL. Run as the `postgres` user when we are root (the server
# refuses to run as root). Skipped when the variable is already set or PostgreSQL is not installed.
# Usage outside test.sh:  source scripts/services.sh; ...; narrascope_services_stop

_narrascope_pg_dir=""
_narrascope_pg_bin=""

_narrascope_pg_as() {  # run a command as the server's user
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

narrascope_pg_start() {
  if [ -n "${NARRASCOPE_TEST_POSTGRES_URL:-}" ]; then
    echo "services: using the PostgreSQL server in NARRASCOPE_TEST_POSTGRES_URL" >&2
    return 0
  fi
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "services: PostgreSQL is not installed (apt-get install postgresql); PostgreSQL tests will skip" >&2
    return 0
  fi
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "services: running as root and there is no 'postgres' user to run the server as" >&2
    return 1
  fi
  local dir port password
  dir=$(mktemp -d "${TMPDIR:-/tmp}/narrascope-pg.XXXXXX") || return 1
  _narrascope_pg_dir="$dir"
  _narrascope_pg_bin="$bin"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') || return 1
  password=$(python3 -c 'import secrets; print(secrets.token_hex(16))') || return 1
  printf '%s\n' "$password" > "$dir/pwfile"
  chmod 600 "$dir/pwfile"
  if [ "$(id -u)" = 0 ]; then chown -R postgres "$dir"; fi
  _narrascope_pg_as "$bin/initdb" -D "$dir/data" -U narrascope --pwfile="$dir/pwfile" --auth=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { echo "services: initdb failed:" >&2; cat "$dir/initdb.log" >&2; return 1; }
  rm -f "$dir/pwfile"
  _narrascope_pg_as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null \
    || { echo "services: PostgreSQL did not start:" >&2; cat "$dir/server.log" >&2; return 1; }
  PGPASSWORD="$password" "$bin/createdb" -h 127.0.0.1 -p "$port" -U narrascope narrascope_test \
    || { echo "services: createdb failed" >&2; return 1; }
  export NARRASCOPE_TEST_POSTGRES_URL="postgresql://narrascope:${password}@127.0.0.1:${port}/narrascope_test"
  echo "services: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
}

narrascope_pg_stop() {
  if [ -n "$_narrascope_pg_dir" ] && [ -d "$_narrascope_pg_dir" ]; then
    if [ -f "$_narrascope_pg_dir/data/postmaster.pid" ]; then
      _narrascope_pg_as "$_narrascope_pg_bin/pg_ctl" -D "$_narrascope_pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$_narrascope_pg_dir"
    unset NARRASCOPE_TEST_POSTGRES_URL
  fi
  _narrascope_pg_dir=""
}

narrascope_services_stop() {
  narrascope_pg_stop
}

narrascope_pg_start || echo "services: PostgreSQL could not be started; PostgreSQL tests will skip (or fail under CI)" >&2
