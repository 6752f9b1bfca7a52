-- The council minutes confirmed and frozen: the chair (from the member's own account) and the
-- secretary (the organiser's office) each confirm the minutes of a closed session once; when both
-- have, the minutes are frozen as confirmed (the JSON, the HTML and the PDF, byte for byte), and
-- every later read serves those. Confirmations and frozen minutes are never changed or removed.
CREATE TABLE council_minutes_confirmations (
    session_id    uuid NOT NULL REFERENCES council_sessions (id),
    role          text NOT NULL CHECK (role IN ('chair', 'secretary')),
    account       text NOT NULL CHECK (length(account) BETWEEN 1 AND 100),
    signer_name   text NOT NULL CHECK (length(signer_name) BETWEEN 1 AND 200
                                       AND signer_name = normalize(signer_name, NFC)),
    confirmed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, role)
);
CREATE TRIGGER council_minutes_confirmations_fixed BEFORE UPDATE OR DELETE ON council_minutes_confirmations
    FOR EACH ROW EXECUTE FUNCTION nominations.council_rows_fixed();

CREATE TABLE council_minutes_frozen (
    session_id  uuid PRIMARY KEY REFERENCES council_sessions (id),
    document    jsonb NOT NULL CHECK (jsonb_typeof(document) = 'object'),
    html        text NOT NULL,
    pdf         bytea NOT NULL,
    frozen_at   timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER council_minutes_frozen_fixed BEFORE UPDATE OR DELETE ON council_minutes_frozen
    FOR EACH ROW EXECUTE FUNCTION nominations.council_rows_fixed();

-- Only a closed session's minutes are confirmed; they freeze only once both have confirmed.
CREATE FUNCTION nominations.council_minutes_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT state FROM nominations.council_sessions WHERE id = NEW.session_id) IS DISTINCT FROM 'closed' THEN
        RAISE EXCEPTION 'the minutes of a session are confirmed once it is closed'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'council_minutes_after_close';
    END IF;
    IF TG_TABLE_NAME = 'council_minutes_frozen'
       AND (SELECT count(*) FROM nominations.council_minutes_confirmations WHERE session_id = NEW.session_id) < 2 THEN
        RAISE EXCEPTION 'the minutes freeze once the chair and the secretary have confirmed them'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'council_minutes_confirmed_by_both';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER council_minutes_confirmations_after_close BEFORE INSERT ON council_minutes_confirmations
    FOR EACH ROW EXECUTE FUNCTION nominations.council_minutes_guard();
CREATE TRIGGER council_minutes_frozen_confirmed BEFORE INSERT ON council_minutes_frozen
    FOR EACH ROW EXECUTE FUNCTION nominations.council_minutes_guard();
