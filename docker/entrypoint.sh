#!/bin/sh
# Wait for the database, apply migrations, optionally load the demo data, then run the command.
set -eu

log() { echo "entrypoint: $*"; }

# gunicorn reads WEB_CONCURRENCY itself and fails on an empty value.
if [ -z "${WEB_CONCURRENCY:-}" ]; then unset WEB_CONCURRENCY; fi

python /app/docker/wait_for_db.py

if [ "${RUN_MIGRATIONS:-1}" = "1" ]; then
  log "applying migrations"
  python manage.py migrate --no-input
fi

if [ "${SEED_DEMO:-0}" = "1" ]; then
  log "loading the demo data (SEED_DEMO=1; existing rows are kept)"
  python manage.py seed_demo
fi

log "starting: $*"
exec "$@"
