-- A leadership elected at the conference comes from the nominations service's event
-- (nominations.leadership.elected): it records which certified rounds it came from, and every
-- event the registry consumes is recorded by its id, so a repeat does nothing (at-least-once delivery).
ALTER TABLE leaderships
    ADD COLUMN source text CHECK (source IS NULL OR source ~ '^round:[0-9a-f-]{36}$');

CREATE TABLE consumed_events (
    event_id     uuid PRIMARY KEY,
    type         text NOT NULL,
    -- What the event did: recorded, or why it changed nothing (already decided the same way, or otherwise).
    outcome      text NOT NULL CHECK (outcome IN ('recorded', 'unchanged', 'conflict', 'ignored')),
    handled_at   timestamptz NOT NULL DEFAULT now()
);
