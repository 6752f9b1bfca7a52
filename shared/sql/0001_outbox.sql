-- Transactional outbox: a service writes its events here in the same transaction as the change.
-- The relay publishes rows in seq order and stamps published_at; delivery is at-least-once.
CREATE TABLE outbox (
    id            uuid PRIMARY KEY,
    seq           bigserial NOT NULL UNIQUE,
    type          text NOT NULL CHECK (type ~ '^[a-z_]+(\.[a-z_]+)+$'),
    version       integer NOT NULL DEFAULT 1 CHECK (version > 0),
    occurred_at   timestamptz NOT NULL DEFAULT now(),
    producer      text NOT NULL,
    aggregate_id  text NOT NULL,
    payload       jsonb NOT NULL,
    published_at  timestamptz,
    attempts      integer NOT NULL DEFAULT 0,
    last_error    text
);
CREATE INDEX outbox_pending ON outbox (seq) WHERE published_at IS NULL;
