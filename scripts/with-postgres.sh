#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL 15 cluster.
#
#   scripts/with-postgres.sh .venv/bin/python -m pytest -q
#
# Creates a temporary cluster listening only on 127.0.0.1 (random free port,
# trust auth, unix socket inside the temp dir), a superuser role `mentorship`
# and a database `mentorship_test` owned by it, then runs the command with
#
#   TEST_DATABASE_URL=postgresql+psycopg://mentorship@127.0.0.1:PORT/mentorship_test
#
# The cluster is stopped and its temp dir removed when the command ends, fails,
# or the script is interrupted (INT/TERM). Exits with the command's exit code.
#
# Environment:
#   PG_BIN  directory with the PostgreSQL server binaries
#           (default /usr/lib/postgresql/15/bin)
set -euo pipefail

SCRIPT_START=$(date +%s.%N)
log() { echo "[with-postgres] $*" >&2; }
die() { echo "[with-postgres] ERROR: $*" >&2; exit 1; }

if [ "$#" -eq 0 ]; then
    die "usage: $0 COMMAND [ARGS...]"
fi

DEFAULT_PG_BIN=/usr/lib/postgresql/15/bin
PG_BIN_FROM_ENV=${PG_BIN:+1}
PG_BIN=${PG_BIN:-$DEFAULT_PG_BIN}
REQUIRED_BINS=(initdb pg_ctl pg_isready psql createdb)

IS_ROOT=0
[ "$(id -u)" -eq 0 ] && IS_ROOT=1

have_bins() {
    local b
    for b in "${REQUIRED_BINS[@]}"; do
        [ -x "$PG_BIN/$b" ] || return 1
    done
}

install_postgres() {
    export DEBIAN_FRONTEND=noninteractive
    command -v apt-get >/dev/null 2>&1 \
        || die "PostgreSQL binaries not found in $PG_BIN and apt-get is not available to install them"
    log "PostgreSQL binaries not found in $PG_BIN; installing them with apt-get (this takes a while)"
    apt-get update -qq \
        || die "apt-get update failed; cannot install PostgreSQL"
    # Install postgresql-common first and tell it not to create (and start) the
    # default 'main' cluster: we only want the binaries.
    if apt-get install -y -qq --no-install-recommends postgresql-common >/dev/null; then
        local conf=/etc/postgresql-common/createcluster.conf
        if [ -f "$conf" ]; then
            sed -ri 's/^#?[[:space:]]*create_main_cluster[[:space:]]*=.*$/create_main_cluster = false/' "$conf" || true
        fi
    fi
    local pkg=postgresql-15
    if ! apt-cache policy postgresql-15 2>/dev/null | grep -q 'Candidate: [0-9]'; then
        log "package postgresql-15 is not available; falling back to package 'postgresql'"
        pkg=postgresql
    fi
    apt-get install -y -qq "$pkg" >/dev/null \
        || die "apt-get install -y $pkg failed; cannot provide a PostgreSQL server"
}

if ! have_bins; then
    if [ "$IS_ROOT" -eq 1 ]; then
        install_postgres
        if ! have_bins && [ -z "$PG_BIN_FROM_ENV" ]; then
            # 'postgresql' fallback may have brought another major version.
            candidate=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
            if [ -n "$candidate" ]; then
                log "WARNING: PostgreSQL 15 not available, using $candidate"
                PG_BIN=$candidate
            fi
        fi
        have_bins || die "PostgreSQL server binaries still missing in $PG_BIN after installing (need: ${REQUIRED_BINS[*]})"
    else
        die "PostgreSQL server binaries not found in $PG_BIN (need: ${REQUIRED_BINS[*]}).
Install them (e.g. 'sudo apt-get install postgresql-15') or set PG_BIN to their directory."
    fi
fi

if [ "$IS_ROOT" -eq 1 ]; then
    id -u postgres >/dev/null 2>&1 \
        || die "running as root but there is no 'postgres' user to run the server as (initdb refuses to run as root)"
    command -v runuser >/dev/null 2>&1 || die "running as root but 'runuser' is not available"
fi

# Run a PostgreSQL binary as the cluster owner, from a directory it can read.
as_pg() {
    if [ "$IS_ROOT" -eq 1 ]; then
        (cd "$TMP_ROOT" && runuser -u postgres -- "$@")
    else
        (cd "$TMP_ROOT" && "$@")
    fi
}

command -v python3 >/dev/null 2>&1 || die "python3 is needed to pick a free port"

# --- temp dir and cleanup -------------------------------------------------
if [ "$IS_ROOT" -eq 1 ]; then
    # postgres must be able to reach it, so do not follow root's TMPDIR.
    TMP_ROOT=$(mktemp -d /tmp/with-postgres.XXXXXX)
    chown postgres: "$TMP_ROOT"
else
    TMP_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/with-postgres.XXXXXX")
fi
chmod 700 "$TMP_ROOT"
PGDATA_DIR=$TMP_ROOT/data
SOCKET_DIR=$TMP_ROOT/socket
SERVER_LOG=$TMP_ROOT/postgres.log
CHILD_PID=

cleanup() {
    local rc=$?
    trap '' INT TERM
    set +e
    if [ -f "$PGDATA_DIR/postmaster.pid" ]; then
        log "stopping cluster"
        local pm_pid
        pm_pid=$(head -n 1 "$PGDATA_DIR/postmaster.pid" 2>/dev/null)
        as_pg "$PG_BIN/pg_ctl" stop -D "$PGDATA_DIR" -m immediate -s -w -t 15 >/dev/null 2>&1
        if [ -n "$pm_pid" ] && kill -0 "$pm_pid" 2>/dev/null; then
            kill -KILL "$pm_pid" 2>/dev/null
            sleep 0.2
        fi
    fi
    rm -rf "$TMP_ROOT"
    exit "$rc"
}

on_signal() {
    local sig=$1 code=$2
    trap '' INT TERM
    if [ -n "$CHILD_PID" ] && kill -0 "$CHILD_PID" 2>/dev/null; then
        log "got SIG$sig, stopping the command"
        local i
        if [ "$sig" = INT ]; then
            # A terminal Ctrl-C already reached the command (same process
            # group): give it a moment to finish on its own before sending a
            # second SIGINT (needed when only this script was signalled).
            for i in $(seq 1 30); do
                kill -0 "$CHILD_PID" 2>/dev/null || break
                sleep 0.1
            done
        fi
        kill -s "$sig" "$CHILD_PID" 2>/dev/null || true
        for i in $(seq 1 100); do
            kill -0 "$CHILD_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$CHILD_PID" 2>/dev/null || true
        wait "$CHILD_PID" 2>/dev/null || true
    else
        log "got SIG$sig"
    fi
    exit "$code"
}

trap cleanup EXIT
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM

# --- create and start the cluster ----------------------------------------
as_pg mkdir -p "$SOCKET_DIR"

if ! as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust \
        -E UTF8 --locale=C --no-sync >"$TMP_ROOT/initdb.log" 2>&1; then
    cat "$TMP_ROOT/initdb.log" >&2
    die "initdb failed"
fi

pick_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

cat >>"$PGDATA_DIR/postgresql.conf" <<EOF

# --- with-postgres.sh: throwaway test cluster (port is given on the command line) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCKET_DIR'
max_connections = 50
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

PG_VERSION_STR=$("$PG_BIN/postgres" --version 2>/dev/null || echo "postgres in $PG_BIN")
started=0
for attempt in 1 2 3; do
    # The port is free when picked but could be taken before the server binds
    # it; retry with another port in that (rare) case.
    PORT=$(pick_port)
    log "starting $PG_VERSION_STR on 127.0.0.1:$PORT, data dir $PGDATA_DIR"
    if [ -f "$SERVER_LOG" ]; then : >"$SERVER_LOG"; fi
    # -w: pg_ctl waits (up to 30 s) and notices if the postmaster dies.
    if as_pg "$PG_BIN/pg_ctl" start -D "$PGDATA_DIR" -l "$SERVER_LOG" -o "-p $PORT" -s -w -t 30 \
            >"$TMP_ROOT/pg_ctl.log" 2>&1; then
        started=1
        break
    fi
    if [ "$attempt" -lt 3 ] && grep -qiE 'could not bind|could not create any TCP/IP sockets' "$SERVER_LOG" 2>/dev/null \
       && [ ! -f "$PGDATA_DIR/postmaster.pid" ]; then
        log "port $PORT was taken, retrying with another port"
        continue
    fi
    break
done
if [ "$started" -ne 1 ]; then
    cat "$TMP_ROOT/pg_ctl.log" >&2 2>/dev/null || true
    log "server log ($SERVER_LOG):"
    cat "$SERVER_LOG" >&2 2>/dev/null || true
    die "PostgreSQL failed to start"
fi

ready=0
for _ in $(seq 1 300); do   # ~30 s
    if "$PG_BIN/pg_isready" -q -h "$SOCKET_DIR" -p "$PORT" -U postgres -d postgres 2>/dev/null \
       && "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres 2>/dev/null; then
        ready=1
        break
    fi
    sleep 0.1
done
if [ "$ready" -ne 1 ]; then
    log "server log ($SERVER_LOG):"
    cat "$SERVER_LOG" >&2 2>/dev/null || true
    die "PostgreSQL did not accept connections on 127.0.0.1:$PORT within 30 s"
fi

if ! as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKET_DIR" -p "$PORT" -U postgres -d postgres \
        -c "CREATE ROLE mentorship LOGIN SUPERUSER" >/dev/null \
   || ! as_pg "$PG_BIN/createdb" -h "$SOCKET_DIR" -p "$PORT" -U postgres -O mentorship mentorship_test; then
    cat "$SERVER_LOG" >&2 2>/dev/null || true
    die "could not create role/database"
fi

export TEST_DATABASE_URL="postgresql+psycopg://mentorship@127.0.0.1:$PORT/mentorship_test"
log "ready after $(python3 -c "import time; print(f'{time.time() - $SCRIPT_START:.1f}')")s: TEST_DATABASE_URL=$TEST_DATABASE_URL"
log "running: $*"

# Run the command in the background and wait for it, so that INT/TERM sent to
# this script are handled (and forwarded) at once instead of after the command
# ends. Restore default INT/QUIT handling (bash ignores them in background jobs)
# and keep stdin attached.
set +e
( trap - INT QUIT TERM; exec "$@" ) <&0 &
CHILD_PID=$!
wait "$CHILD_PID"
rc=$?
CHILD_PID=
set -e
log "command exited with status $rc"
exit "$rc"
