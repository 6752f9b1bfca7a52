-- The ballot statement (migration 040) without its NOTIFY.
--
-- A transaction that NOTIFYs takes a database-wide lock at commit and holds it through its WAL
-- flush, so notifying commits go one at a time: every ballot waited for every other ballot's
-- flush, and the ballots of a busy vote committed at a fraction of the rate the server commits
-- plain writes (group commit never got a chance). The caller now wakes the outbox relays after
-- the statement has committed (shared.events.OutboxWaker): a NOTIFY in a transaction of its own
-- writes no WAL, so it needs no flush, and wakes that arrive while one is on its way are folded
-- into the next. The event row is still written by the ballot's own transaction; a wake that is
-- lost (the process dies between the commit and the NOTIFY) only leaves the row to the relays'
-- polling.
--
-- Same signature, same outcomes and writes; only the PERFORM pg_notify is gone.
CREATE OR REPLACE FUNCTION nominations.cast_ballot(
    p_round_id uuid,
    p_voter text,
    p_choices text[],
    p_commitment text,
    p_key_hash text,
    p_request_mac text,
    p_status_code integer,
    p_sealed bytea,
    p_event_id uuid,
    p_event_version integer,
    p_event_payload jsonb,
    p_actor text,
    p_actor_role text,
    p_audit_details jsonb,
    p_request_id text,
    OUT outcome text,
    OUT round_state text,
    OUT round_closes_at timestamptz,
    OUT request_mac text,
    OUT status_code integer,
    OUT sealed bytea)
LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    -- FOR SHARE: many ballots at once, never beside a close (which takes FOR UPDATE and so counts
    -- every ballot that commits before it and none after).
    SELECT state, closes_at INTO r FROM nominations.rounds WHERE id = p_round_id FOR SHARE;
    IF NOT FOUND THEN
        outcome := 'not-found';
        RETURN;
    END IF;
    round_state := r.state;
    round_closes_at := r.closes_at;
    IF p_key_hash IS NOT NULL THEN
        SELECT k.request_mac, k.status_code, k.sealed INTO request_mac, status_code, sealed
          FROM nominations.ballot_idempotency k WHERE k.key_hash = p_key_hash;
        IF FOUND THEN
            outcome := 'replay';
            RETURN;
        END IF;
    END IF;
    IF r.state <> 'open' THEN
        outcome := 'not-open';
        RETURN;
    END IF;
    -- The clock now, not the transaction's start: a ballot that waited for the lock past
    -- closes_at is late.
    IF r.closes_at IS NOT NULL AND clock_timestamp() >= r.closes_at THEN
        outcome := 'voting-closed';
        RETURN;
    END IF;
    IF p_choices IS NULL THEN
        outcome := 'rejected';
        RETURN;
    END IF;
    IF p_key_hash IS NOT NULL THEN
        -- Claimed first: a concurrent request with the same key waits here for this transaction,
        -- then replays its answer (or claims the key itself if this one failed).
        INSERT INTO nominations.ballot_idempotency (key_hash, round_id, request_mac, status_code, sealed)
        VALUES (p_key_hash, p_round_id, p_request_mac, p_status_code, p_sealed)
        ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
            SELECT k.request_mac, k.status_code, k.sealed INTO request_mac, status_code, sealed
              FROM nominations.ballot_idempotency k WHERE k.key_hash = p_key_hash;
            outcome := 'replay';
            RETURN;
        END IF;
    END IF;
    -- No ON CONFLICT: a second ballot of the same province fails the whole statement, undoing
    -- the key claimed above.
    INSERT INTO nominations.participation (round_id, province_code, channel) VALUES (p_round_id, p_voter, 'online');
    INSERT INTO nominations.ballots (round_id, choices, commitment) VALUES (p_round_id, p_choices, p_commitment);
    -- No NOTIFY here: the caller wakes the relays once this has committed (see the header).
    INSERT INTO nominations.outbox (id, type, version, producer, aggregate_id, payload)
    VALUES (p_event_id, 'nominations.round.ballot_cast', p_event_version, 'nominations', p_round_id::text, p_event_payload);
    INSERT INTO nominations.audit_log (actor, actor_role, action, target, details, request_id)
    VALUES (p_actor, p_actor_role, 'ballot.cast', 'round:' || p_round_id, p_audit_details, p_request_id);
    outcome := 'cast';
END
$$;
