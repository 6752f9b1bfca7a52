-- Secrecy by construction: WHO voted (participation) and WHAT was voted (ballots) live in two
-- tables that share nothing but the round. No common id, no foreign key between them, no
-- timestamp on either (the round carries the times), random ballot ids, and choices stored in a
-- canonical (sorted) form so not even their order says anything about the voter.
-- System columns (xmin, ctid) would still pair the rows written by one cast transaction; the close
-- rewrites the round's ballots in random order in its own transaction to break that (README).

CREATE TABLE participation (
    round_id       uuid NOT NULL REFERENCES rounds (id),
    province_code  text NOT NULL CHECK (province_code ~ '^[0-9]{2}$'),
    channel        text NOT NULL CHECK (channel IN ('online', 'paper')),
    -- The written ballot's reference (a paper ballot only): who sent it, never what it says.
    document_ref   text CHECK (length(document_ref) BETWEEN 1 AND 200),
    PRIMARY KEY (round_id, province_code),
    CONSTRAINT participation_paper_has_document CHECK ((channel = 'paper') = (document_ref IS NOT NULL))
);

-- Sorted, distinct, in the byte order of "C": the one spelling of a set of choices.
CREATE FUNCTION nominations.canonical_choices(choices text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT coalesce(array_agg(DISTINCT c COLLATE "C" ORDER BY c COLLATE "C"), '{}'::text[]) FROM unnest(choices) AS c
$$;

CREATE TABLE ballots (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    round_id    uuid NOT NULL REFERENCES rounds (id),
    choices     text[] NOT NULL CONSTRAINT ballots_choices_canonical
                    CHECK (choices = nominations.canonical_choices(choices)),
    -- sha256 over (round id, choices, the voter's secret): the voter's receipt finds it on the bulletin.
    commitment  text NOT NULL UNIQUE CHECK (commitment ~ '^[0-9a-f]{64}$')
);
CREATE INDEX ballots_round ON ballots (round_id);

-- Statement-level checks (one query per statement, however many rows): a ballot or a
-- participation row enters only an open round, a voter must be in the electorate, a ballot names
-- only candidates and at most max_choices of them.
CREATE FUNCTION nominations.check_participation_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT n.round_id, n.province_code, r.state INTO bad
      FROM inserted n LEFT JOIN nominations.rounds r ON r.id = n.round_id
     WHERE r.state IS DISTINCT FROM 'open' OR NOT (n.province_code = ANY (r.electorate))
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'province % cannot vote in round % (state %, or not in its electorate)',
            bad.province_code, bad.round_id, bad.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'participation_round_open';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER participation_checked AFTER INSERT ON participation
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION nominations.check_participation_insert();

CREATE FUNCTION nominations.check_ballot_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT n.round_id, r.state INTO bad
      FROM inserted n LEFT JOIN nominations.rounds r ON r.id = n.round_id
     WHERE r.state IS DISTINCT FROM 'open'
        OR NOT (n.choices <@ r.candidates)
        OR cardinality(n.choices) > r.max_choices
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'a ballot for round % (state %) is not acceptable', bad.round_id, bad.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ballots_round_open';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER ballots_checked AFTER INSERT ON ballots
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION nominations.check_ballot_insert();

-- Ballots are only ever removed by the close's shuffle, while the round is still open; afterwards
-- the counted ballots are the record.
CREATE FUNCTION nominations.check_ballot_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM removed o JOIN nominations.rounds r ON r.id = o.round_id WHERE r.state <> 'open') THEN
        RAISE EXCEPTION 'ballots of a closed round are never removed'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER ballots_delete_checked AFTER DELETE ON ballots
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION nominations.check_ballot_delete();

CREATE FUNCTION nominations.vote_rows_never_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never changed', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END
$$;

CREATE TRIGGER ballots_no_update BEFORE UPDATE ON ballots
    FOR EACH ROW EXECUTE FUNCTION nominations.vote_rows_never_changed();
CREATE TRIGGER participation_no_update BEFORE UPDATE ON participation
    FOR EACH ROW EXECUTE FUNCTION nominations.vote_rows_never_changed();
CREATE TRIGGER participation_no_delete BEFORE DELETE ON participation
    FOR EACH ROW EXECUTE FUNCTION nominations.vote_rows_never_deleted();
