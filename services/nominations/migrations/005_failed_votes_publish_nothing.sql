-- A vote that misses its quorum publishes how many voted, never what (services/nominations/README.md,
-- "Ballot secrecy"). Otherwise a lead watching the turnout could close the vote the moment a single
-- province has voted and read that province's ballot off the failed count or the bulletin.
--
-- * The close of such a vote deletes the round's ballots while the round is still open (so the
--   guard of 003, which lets no ballot of a counted round be removed, still holds: besides the
--   shuffle, this is the only other removal) and stores a result without the fields derived from the
--   ballots' content. Here the database refuses a failed count that keeps either.
-- * A new round needs a quorum of at least 1/2: a lower one would publish the count of a handful of
--   ballots. Only rounds created from now on; a runoff inherits its parent's rules, and rounds stored
--   before keep theirs.
CREATE FUNCTION nominations.guard_round_publication() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.parent_round_id IS NULL AND 2 * NEW.quorum_num::bigint < NEW.quorum_den::bigint THEN
            RAISE EXCEPTION 'a round needs a quorum of at least 1/2, not %/%', NEW.quorum_num, NEW.quorum_den
                USING ERRCODE = 'check_violation', CONSTRAINT = 'rounds_quorum_floor';
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.result IS NULL AND NEW.result IS NOT NULL AND NEW.result -> 'quorum_met' = 'false'::jsonb THEN
        IF EXISTS (SELECT 1 FROM jsonb_each(NEW.result) AS f
                    WHERE f.key IN ('votes', 'ranking', 'blank_ballots', 'valid_ballots') AND f.value <> 'null'::jsonb) THEN
            RAISE EXCEPTION 'round %: a count that missed its quorum publishes no votes', NEW.id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'rounds_failed_vote_publishes_nothing';
        END IF;
        IF EXISTS (SELECT 1 FROM nominations.ballots WHERE round_id = NEW.id) THEN
            RAISE EXCEPTION 'round %: a count that missed its quorum keeps no ballots', NEW.id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'rounds_failed_vote_publishes_nothing';
        END IF;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER rounds_publication_guard BEFORE INSERT OR UPDATE ON rounds
    FOR EACH ROW EXECUTE FUNCTION nominations.guard_round_publication();
