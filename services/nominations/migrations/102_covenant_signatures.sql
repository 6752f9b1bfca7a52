-- The covenant signed: each member unit signs the covenant version in force (an explicit act of its
-- own account, with the signer's name and position, and its time). A signature is of one version;
-- it is never changed or withdrawn, and only a published version is signed.
CREATE TABLE covenant_signatures (
    covenant_id      bigint NOT NULL REFERENCES covenants (id),
    unit_code        text NOT NULL CHECK (unit_code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
    unit_name        text NOT NULL CHECK (length(unit_name) > 0),
    signer_name      text NOT NULL CHECK (length(signer_name) BETWEEN 1 AND 200
                                          AND signer_name = normalize(signer_name, NFC)),
    signer_position  text NOT NULL CHECK (length(signer_position) BETWEEN 1 AND 300
                                          AND signer_position = normalize(signer_position, NFC)),
    signed_by        text NOT NULL,
    signed_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (covenant_id, unit_code)
);

CREATE FUNCTION nominations.covenant_signature_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'a signature is never changed or withdrawn'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'covenant_signatures_final';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM nominations.covenants WHERE id = NEW.covenant_id AND state = 'published') THEN
        RAISE EXCEPTION 'only the covenant in force is signed'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'covenant_signatures_published';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER covenant_signatures_guard BEFORE INSERT OR UPDATE OR DELETE ON covenant_signatures
    FOR EACH ROW EXECUTE FUNCTION nominations.covenant_signature_guard();
