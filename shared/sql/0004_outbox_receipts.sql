-- Receipts: a consumer confirms each event it has committed (or kept for replay), through Redis; the
-- relay records the confirmations here and publishes again an event still unconfirmed long after it
-- was published (its message lost between Redis and a worker). `confirmed` once every configured
-- consumer has confirmed. Events published before receipts existed count as confirmed.
ALTER TABLE outbox
    ADD COLUMN receipts    text[] NOT NULL DEFAULT '{}',
    ADD COLUMN confirmed   boolean NOT NULL DEFAULT false,
    ADD COLUMN republished integer NOT NULL DEFAULT 0 CHECK (republished >= 0);
UPDATE outbox SET confirmed = true WHERE published_at IS NOT NULL;
CREATE INDEX outbox_unconfirmed ON outbox (published_at) WHERE published_at IS NOT NULL AND NOT confirmed;
