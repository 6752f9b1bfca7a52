-- Idempotency for ballots, sealed. The shared idempotency_keys table keeps the caller's scope, a
-- plain hash of the body and the plain response: for a ballot that would be the voter's identity
-- next to (a guessable hash of) its choices and its receipt. Here nothing is readable without the
-- Idempotency-Key itself, which only the client holds:
--   key_hash     sha256 over (round, voter, key): finds the row, reveals neither;
--   request_mac  HMAC of the body under a key derived from the Idempotency-Key (a plain hash of a
--                ballot body could be reversed by trying the few possible choice sets);
--   sealed       the first answer, AES-GCM under another key derived from the Idempotency-Key.
-- No timestamp: the row is written in the cast transaction and must not date the ballot.
CREATE TABLE ballot_idempotency (
    key_hash     text PRIMARY KEY CHECK (key_hash ~ '^[0-9a-f]{64}$'),
    round_id     uuid NOT NULL REFERENCES rounds (id),
    request_mac  text NOT NULL CHECK (request_mac ~ '^[0-9a-f]{64}$'),
    -- Filled in the same transaction that claimed the key, so a committed row always has both.
    status_code  integer,
    sealed       bytea,
    CHECK ((status_code IS NULL) = (sealed IS NULL))
);
CREATE INDEX ballot_idempotency_round ON ballot_idempotency (round_id);
