#!/bin/sh
# The `backup` service of docker-compose: once PostgreSQL answers, create the stanza (idempotent)
# and check that WAL reaches the repository; then a base backup every BACKUP_INTERVAL_SECONDS
# (default 86400), full every BACKUP_FULL_EVERY (default 7) backups and differential in between
# (pgBackRest makes the first one full, as a differential needs a full one to refer to).
set -eu
STANZA="${PGBACKREST_STANZA:-thidua}"
INTERVAL="${BACKUP_INTERVAL_SECONDS:-86400}"
FULL_EVERY="${BACKUP_FULL_EVERY:-7}"

until pg_isready -h /var/run/postgresql -q; do sleep 2; done
pgbackrest --stanza="$STANZA" stanza-create
pgbackrest --stanza="$STANZA" check
taken=0
while true; do
    if [ $(( taken % FULL_EVERY )) -eq 0 ] && [ "$taken" -gt 0 ]; then
        pgbackrest --stanza="$STANZA" --type=full backup
    else
        pgbackrest --stanza="$STANZA" --type=diff backup
    fi
    taken=$(( taken + 1 ))
    pgbackrest --stanza="$STANZA" info
    sleep "$INTERVAL"
done
