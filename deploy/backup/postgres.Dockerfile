# PostgreSQL with pgBackRest, for docker-compose: the server runs archive-push for each WAL segment
# and the `backup` service (same image, same data volume) takes the base backups.
# The official image carries the PostgreSQL project's apt repository, whose pgBackRest follows its
# PostgreSQL releases. Pinned by digest: the manifest list github.com/docker-library/repo-info
# records in repos/postgres/remote/16.15-bookworm.md at commit 0b63eeca29bdd695a0db3d3249137b9929da650d
# (README, "On Kubernetes": updating a pin).
FROM postgres:16.15-bookworm@sha256:efedf3595f1d6f415c08568ba171029bf54052e754cc9f030e3f2412b21f3d67
RUN apt-get update \
    && apt-get install -y --no-install-recommends pgbackrest \
    && rm -rf /var/lib/apt/lists/* \
    && install -d -o postgres -g postgres -m 0750 /var/lib/pgbackrest /var/spool/pgbackrest /var/log/pgbackrest
COPY deploy/backup/pgbackrest.conf /etc/pgbackrest/pgbackrest.conf
COPY deploy/backup/backup-schedule.sh /usr/local/bin/backup-schedule
