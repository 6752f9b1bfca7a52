# PostgreSQL with pgBackRest, for docker-compose: the server runs archive-push for each WAL segment
# and the `backup` service (same image, same data volume) takes the base backups.
# The official image carries the PostgreSQL project's apt repository, whose pgBackRest follows its
# PostgreSQL releases.
FROM postgres:16-bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends pgbackrest \
    && rm -rf /var/lib/apt/lists/* \
    && install -d -o postgres -g postgres -m 0750 /var/lib/pgbackrest /var/spool/pgbackrest /var/log/pgbackrest
COPY deploy/backup/pgbackrest.conf /etc/pgbackrest/pgbackrest.conf
COPY deploy/backup/backup-schedule.sh /usr/local/bin/backup-schedule
