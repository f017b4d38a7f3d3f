#!/usr/bin/env bash
# `make run`: gunicorn and one job-queue worker as one command. Ctrl-C (SIGINT) or SIGTERM stops both; when either
# ends on its own, the other is stopped too, so nothing is left running. Usage: scripts/serve.sh BIN HOST PORT WORKERS
set -u
bin=$1 host=$2 port=$3 workers=$4

"$bin/flask" --app app worker --workers 1 &
worker=$!
"$bin/gunicorn" --config gunicorn.conf.py --workers "$workers" --bind "$host:$port" --access-logfile - 'app:create_app()' &
server=$!

stop() {
  trap - INT TERM
  kill -TERM "$server" "$worker" 2>/dev/null
  wait "$server" "$worker" 2>/dev/null
  exit 0
}
trap stop INT TERM
wait -n "$server" "$worker"
status=$?
kill -TERM "$server" "$worker" 2>/dev/null
wait "$server" "$worker" 2>/dev/null
exit "$status"
