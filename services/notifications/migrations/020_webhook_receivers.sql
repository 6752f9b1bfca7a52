-- Webhook receivers (one per delivery target URL): consecutive failed attempts, and the pause
-- that stops deliveries to a receiver that keeps failing until its owner saves the subscription
-- again. Deliveries to a paused receiver wait (retrying, no attempt counted); none is dropped.
CREATE TABLE webhook_receivers (
    target                text PRIMARY KEY,
    recipient             text NOT NULL,            -- the owner's address, told when it is paused
    consecutive_failures  integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    last_failure          text,
    paused_at             timestamptz,
    updated_at            timestamptz NOT NULL DEFAULT now()
);
