-- Events handle_event could not process for a reason other than the infrastructure (a bug, or an
-- envelope this code cannot handle). Infrastructure errors are retried without a limit instead;
-- a failure of any other kind is written here, then the message is acknowledged: it is neither
-- dropped nor retried forever. GET /v1/events/failed lists them; POST /v1/events/failed/{id}/replay
-- (after the fix is deployed) sends the envelope back to the events queue, and the run that
-- processes it marks the row resolved in its own transaction.
CREATE TABLE failed_events (
    -- The event id; for an envelope without a valid id, a UUID derived from its content.
    id               uuid PRIMARY KEY,
    event_type       text,
    producer         text,
    -- json, not jsonb: it must keep whatever arrived (jsonb refuses \u0000, for one).
    envelope         json NOT NULL,
    error            text NOT NULL,
    traceback        text,
    -- failed: waiting for an operator; replayed: sent back to the queue, outcome not yet known
    -- (a new failure makes it failed again); resolved: processed (by a replay or a redelivery).
    status           text NOT NULL DEFAULT 'failed' CHECK (status IN ('failed', 'replayed', 'resolved')),
    failures         integer NOT NULL DEFAULT 1 CHECK (failures >= 1),
    replays          integer NOT NULL DEFAULT 0 CHECK (replays >= 0),
    first_failed_at  timestamptz NOT NULL DEFAULT now(),
    last_failed_at   timestamptz NOT NULL DEFAULT now(),
    replayed_at      timestamptz,
    resolved_at      timestamptz,
    CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
);
CREATE INDEX failed_events_by_status ON failed_events (status, last_failed_at DESC, id);
