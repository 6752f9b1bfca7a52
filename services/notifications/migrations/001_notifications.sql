-- Notifications schema: what was consumed, who wants what, the inbox, outbound deliveries, and the
-- little the reminder job needs to know about open vote rounds. Unique keys here are what makes a
-- redelivered event or task harmless.

-- Every consumed event id, written in the same transaction as the event's effects: a repeat finds
-- its id here and does nothing (repeats counts how often that happened).
CREATE TABLE processed_events (
    event_id      uuid PRIMARY KEY,
    type          text NOT NULL,
    producer      text NOT NULL,
    occurred_at   timestamptz NOT NULL,
    processed_at  timestamptz NOT NULL DEFAULT now(),
    recipients    integer NOT NULL DEFAULT 0,
    repeats       integer NOT NULL DEFAULT 0
);

-- One subscription per account (token subject); it applies to the account's address.
-- events = '{}' means every event type. channels: [{"type": "inbox"} | {"type": "email", "address"}
-- | {"type": "webhook", "url", "secret"}].
CREATE TABLE subscriptions (
    subject     text PRIMARY KEY,
    address     text NOT NULL CHECK (address = 'ministry' OR address ~ '^province:[0-9]{2}$'),
    channels    jsonb NOT NULL CHECK (jsonb_typeof(channels) = 'array'),
    events      text[] NOT NULL DEFAULT '{}',
    language    text NOT NULL DEFAULT 'vi' CHECK (language IN ('vi', 'en')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX subscriptions_address ON subscriptions (address);

-- The in-app inbox: one row per (event, recipient address). Reminders use a derived event id.
CREATE TABLE notifications (
    id            bigserial PRIMARY KEY,
    event_id      uuid NOT NULL,
    event_type    text NOT NULL,
    aggregate_id  text,
    recipient     text NOT NULL,
    language      text NOT NULL CHECK (language IN ('vi', 'en')),
    subject       text NOT NULL,
    body          text NOT NULL,
    action        text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    read_at       timestamptz,
    CONSTRAINT notifications_once UNIQUE (event_id, recipient)
);
CREATE INDEX notifications_inbox ON notifications (recipient, id DESC);
CREATE INDEX notifications_unread ON notifications (recipient) WHERE read_at IS NULL;

-- Outbound e-mail and webhook deliveries. channel names the destination ("email:<address>",
-- "webhook:<url>"); (event, recipient, channel) is the delivery key: a redelivered event or task
-- never sends twice. attempts counts every try; round_attempts those since the last manual retry.
CREATE TABLE deliveries (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    event_id         uuid NOT NULL,
    event_type       text NOT NULL,
    recipient        text NOT NULL,
    channel          text NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('email', 'webhook')),
    target           text NOT NULL,
    secret           text,
    subscriber       text NOT NULL,
    language         text NOT NULL CHECK (language IN ('vi', 'en')),
    message          jsonb NOT NULL,
    status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'retrying', 'delivered', 'dead')),
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    round_attempts   integer NOT NULL DEFAULT 0 CHECK (round_attempts >= 0),
    last_error       text,
    last_attempt_at  timestamptz,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT deliveries_key UNIQUE (event_id, recipient, channel),
    CHECK ((status = 'delivered') = (delivered_at IS NOT NULL)),
    CHECK (kind <> 'webhook' OR secret IS NOT NULL)
);
CREATE INDEX deliveries_by_status ON deliveries (status, created_at DESC, id);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('pending', 'retrying');

-- Every attempt, for operators (GET /v1/deliveries shows the count and the last error).
CREATE TABLE delivery_attempts (
    delivery_id  uuid NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    number       integer NOT NULL,
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz NOT NULL DEFAULT now(),
    outcome      text NOT NULL CHECK (outcome IN ('delivered', 'retry', 'permanent')),
    http_status  integer,
    error        text,
    PRIMARY KEY (delivery_id, number)
);

-- Vote rounds as the events describe them, for reminders. Events may arrive out of order (a
-- ballot_cast or closed before opened), so every column but the id may still be unknown.
CREATE TABLE rounds (
    round_id      text PRIMARY KEY,
    cluster_code  text,
    cluster_name  text,
    year          integer,
    award         text,
    closes_at     timestamptz,
    electorate    text[] NOT NULL DEFAULT '{}',
    status        text NOT NULL CHECK (status IN ('open', 'closed')),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rounds_open_closing ON rounds (closes_at) WHERE status = 'open';

-- Who has voted in a round (from ballot_cast events): never what they voted.
CREATE TABLE round_voters (
    round_id    text NOT NULL,
    voter_code  text NOT NULL,
    voted_at    timestamptz NOT NULL,
    PRIMARY KEY (round_id, voter_code)
);

-- One reminder per (round, voter, window): the reminder job may run any number of times.
CREATE TABLE reminders (
    round_id      text NOT NULL,
    voter_code    text NOT NULL,
    window_hours  numeric NOT NULL,
    event_id      uuid NOT NULL UNIQUE,
    sent_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (round_id, voter_code, window_hours)
);
