-- A paper ballot leaves its member a real window to dispute it. A lead could enter a paper ballot
-- for an absent member and close the round milliseconds later: the member's notice came after the
-- close, its dispute was refused, and the paper ballot met the quorum. Now disputes are taken until
-- the round is certified, and certification waits (the service's setting) after the member's notice
-- left the service, unless the member confirmed the ballot.

-- One row per paper ballot: the event that told the member (its outbox row says when it left the
-- service, published_at), and the member's confirmation, if it gave one. It points at the round,
-- not at participation: the ballot tables are referenced by nothing new (test_rounds_secrecy).
CREATE TABLE paper_ballot_notices (
    round_id         uuid NOT NULL REFERENCES rounds (id),
    province_code    text NOT NULL CHECK (province_code ~ '^[0-9]{2}$'),
    notice_event_id  uuid NOT NULL,
    confirmed_at     timestamptz,
    confirmed_by     text,
    PRIMARY KEY (round_id, province_code),
    CHECK ((confirmed_at IS NULL) = (confirmed_by IS NULL))
);

-- Disputes are taken until certification, not only while the round is open.
CREATE OR REPLACE FUNCTION nominations.check_dispute() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT 1 FROM nominations.participation p JOIN nominations.rounds r ON r.id = p.round_id
                        WHERE p.round_id = NEW.round_id AND p.province_code = NEW.province_code
                          AND p.channel = 'paper' AND r.state IN ('open', 'closed')) THEN
            RAISE EXCEPTION 'only a paper ballot of a round not yet certified can be disputed'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'dispute_paper_ballot_uncertified_round';
        END IF;
    ELSIF OLD.ruling IS NOT NULL THEN
        RAISE EXCEPTION 'a ruling is final' USING ERRCODE = 'check_violation', CONSTRAINT = 'dispute_ruling_final';
    END IF;
    RETURN NEW;
END
$$;
