-- The hand-over of the cluster's rotating flag at the conference (from, to, when), once per
-- conference, between two of its member units, while it is in session.
CREATE TABLE conference_hand_overs (
    conference_id  uuid PRIMARY KEY REFERENCES conferences (id),
    from_code      text NOT NULL,
    to_code        text NOT NULL,
    handed_at      timestamptz NOT NULL DEFAULT now(),
    recorded_by    text NOT NULL,
    CONSTRAINT conference_hand_overs_two_units CHECK (from_code <> to_code)
);

CREATE FUNCTION nominations.conference_hand_over_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'a hand-over is recorded once and kept'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'conference_hand_overs_final';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM nominations.conferences c WHERE c.id = NEW.conference_id AND c.state = 'in_session'
                    AND c.members @> jsonb_build_array(jsonb_build_object('code', NEW.from_code))
                    AND c.members @> jsonb_build_array(jsonb_build_object('code', NEW.to_code))) THEN
        RAISE EXCEPTION 'the flag passes between two member units while the conference is in session'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'conference_hand_overs_in_session';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER conference_hand_overs_guard BEFORE INSERT OR UPDATE OR DELETE ON conference_hand_overs
    FOR EACH ROW EXECUTE FUNCTION nominations.conference_hand_over_guard();
