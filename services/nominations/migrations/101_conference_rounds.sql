-- The votes of a conference: a vote round may belong to a conference of its cluster-year, and then
-- opens only while the conference is in session and its quorum holds. The link is the
-- conferences context's own table, so a round's row (and every answer about it) is unchanged.
CREATE TABLE conference_rounds (
    round_id       uuid PRIMARY KEY REFERENCES rounds (id),
    conference_id  uuid NOT NULL REFERENCES conferences (id),
    linked_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conference_rounds_of ON conference_rounds (conference_id, linked_at, round_id);

-- Whether the conference is in session with its quorum: its member units whose voting delegate has
-- checked in reach its share of all member units (conferences/domain/quorum.py says the same).
CREATE FUNCTION nominations.conference_quorum_holds(conference uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT c.state = 'in_session'
       AND (SELECT count(DISTINCT a.unit_code) FROM nominations.conference_attendees a
             WHERE a.conference_id = c.id AND a.votes AND a.checked_in_at IS NOT NULL
               AND a.unit_code IN (SELECT m ->> 'code' FROM jsonb_array_elements(c.members) m))
           * c.quorum_denominator >= jsonb_array_length(c.members) * c.quorum_numerator
      FROM nominations.conferences c WHERE c.id = conference
$$;

CREATE FUNCTION nominations.conference_round_opens_with_quorum() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    conference uuid;
BEGIN
    SELECT conference_id INTO conference FROM nominations.conference_rounds WHERE round_id = NEW.id;
    IF conference IS NOT NULL AND NOT nominations.conference_quorum_holds(conference) THEN
        RAISE EXCEPTION 'the round''s conference is not in session with its quorum'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'conference_rounds_quorum';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER rounds_open_with_conference_quorum BEFORE UPDATE OF state ON rounds
    FOR EACH ROW WHEN (OLD.state = 'draft' AND NEW.state = 'open')
    EXECUTE FUNCTION nominations.conference_round_opens_with_quorum();
