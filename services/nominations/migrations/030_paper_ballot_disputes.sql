-- A member can dispute a paper ballot the lead entered for it, while the round is open; the
-- ministry rules. A round with a dispute not yet ruled on, or with a paper ballot ruled void,
-- cannot be certified (ballots are unlinkable from voters, so a void paper ballot voids the
-- round's count: the lead holds a new vote).
CREATE TABLE paper_ballot_disputes (
    round_id       uuid NOT NULL REFERENCES rounds (id),
    province_code  text NOT NULL CHECK (province_code ~ '^[0-9]{2}$'),
    reason         text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    disputed_by    text NOT NULL,
    disputed_at    timestamptz NOT NULL DEFAULT now(),
    ruling         text CHECK (ruling IN ('ballot_stands', 'ballot_void')),
    ruling_note    text CHECK (length(ruling_note) BETWEEN 1 AND 2000),
    ruled_by       text,
    ruled_at       timestamptz,
    PRIMARY KEY (round_id, province_code),
    -- Only a paper ballot can be disputed, and only by the member it was entered for.
    FOREIGN KEY (round_id, province_code) REFERENCES participation (round_id, province_code),
    CHECK ((ruling IS NULL) = (ruled_by IS NULL) AND (ruling IS NULL) = (ruled_at IS NULL)
           AND (ruling IS NULL) = (ruling_note IS NULL))
);

CREATE FUNCTION nominations.check_dispute() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT 1 FROM nominations.participation p JOIN nominations.rounds r ON r.id = p.round_id
                        WHERE p.round_id = NEW.round_id AND p.province_code = NEW.province_code
                          AND p.channel = 'paper' AND r.state = 'open') THEN
            RAISE EXCEPTION 'only a paper ballot of an open round can be disputed'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'dispute_paper_ballot_open_round';
        END IF;
    ELSIF OLD.ruling IS NOT NULL THEN
        RAISE EXCEPTION 'a ruling is final' USING ERRCODE = 'check_violation', CONSTRAINT = 'dispute_ruling_final';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER paper_ballot_disputes_checked BEFORE INSERT OR UPDATE ON paper_ballot_disputes
    FOR EACH ROW EXECUTE FUNCTION nominations.check_dispute();

-- The last line of defence for "no certification over an open or upheld dispute".
CREATE FUNCTION nominations.certify_only_undisputed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state = 'certified' AND OLD.state IS DISTINCT FROM 'certified' AND EXISTS (
        SELECT 1 FROM nominations.paper_ballot_disputes d
         WHERE d.round_id = NEW.id AND (d.ruling IS NULL OR d.ruling = 'ballot_void')) THEN
        RAISE EXCEPTION 'round % has a paper ballot dispute that is pending or upheld', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rounds_certified_undisputed';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER rounds_certified_undisputed BEFORE UPDATE OF state ON rounds
    FOR EACH ROW EXECUTE FUNCTION nominations.certify_only_undisputed();
