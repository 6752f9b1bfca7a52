-- Responses remembered per (scope, Idempotency-Key). The row is inserted in the same transaction
-- as the write it protects, so a concurrent retry with the same key waits on the unique index
-- and then replays the committed answer.
CREATE TABLE idempotency_keys (
    scope         text NOT NULL,
    key           text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    request_hash  text NOT NULL,
    status_code   integer,
    response      jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
