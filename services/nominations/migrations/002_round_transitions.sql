-- The round state machine, enforced by the database itself so that no code path (and no hand-typed
-- UPDATE) can skip a state or rewrite a frozen snapshot:
--
--   draft → open → closed → certified → approved | returned
--                         ↘ failed_quorum | runoff_required
--
-- (the same table as services/nominations/domain/rounds.py TRANSITIONS; a test keeps them equal).
-- A count that misses the quorum or ties goes open → closed → failed_quorum/runoff_required
-- inside the closing transaction, so nobody ever sees the intermediate state.
-- A round is created as draft, except a runoff, which is created open with its parent's electorate.
CREATE FUNCTION nominations.round_transition_allowed(old_state text, new_state text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT (old_state, new_state) IN (
        ('draft', 'open'),
        ('open', 'closed'),
        ('closed', 'certified'), ('closed', 'failed_quorum'), ('closed', 'runoff_required'),
        ('certified', 'approved'), ('certified', 'returned'))
$$;

CREATE FUNCTION nominations.guard_round() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT (NEW.state = 'draft' OR (NEW.state = 'open' AND NEW.parent_round_id IS NOT NULL)) THEN
            RAISE EXCEPTION 'a round starts as draft (a runoff as open), not %', NEW.state
                USING ERRCODE = 'check_violation', CONSTRAINT = 'rounds_state_transition';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.state IS DISTINCT FROM OLD.state
       AND NOT nominations.round_transition_allowed(OLD.state, NEW.state) THEN
        RAISE EXCEPTION 'round % cannot go from % to %', OLD.id, OLD.state, NEW.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rounds_state_transition';
    END IF;
    -- What the voters were asked is fixed once the vote opens.
    IF OLD.state <> 'draft' AND (
           NEW.electorate IS DISTINCT FROM OLD.electorate OR NEW.candidates IS DISTINCT FROM OLD.candidates
        OR NEW.seats IS DISTINCT FROM OLD.seats OR NEW.max_choices IS DISTINCT FROM OLD.max_choices
        OR NEW.threshold_num IS DISTINCT FROM OLD.threshold_num OR NEW.threshold_den IS DISTINCT FROM OLD.threshold_den
        OR NEW.quorum_num IS DISTINCT FROM OLD.quorum_num OR NEW.quorum_den IS DISTINCT FROM OLD.quorum_den
        OR NEW.self_vote IS DISTINCT FROM OLD.self_vote OR NEW.carried_over IS DISTINCT FROM OLD.carried_over
        OR NEW.cluster_code IS DISTINCT FROM OLD.cluster_code OR NEW.year IS DISTINCT FROM OLD.year
        OR NEW.award IS DISTINCT FROM OLD.award OR NEW.lead_code IS DISTINCT FROM OLD.lead_code
        OR NEW.unit_names IS DISTINCT FROM OLD.unit_names OR NEW.closes_at IS DISTINCT FROM OLD.closes_at) THEN
        RAISE EXCEPTION 'round % is %: its electorate and rules are frozen', OLD.id, OLD.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rounds_frozen';
    END IF;
    -- The count is fixed once stored.
    IF OLD.result IS NOT NULL AND NEW.result IS DISTINCT FROM OLD.result THEN
        RAISE EXCEPTION 'round %: its result is frozen', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rounds_frozen';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER rounds_guard BEFORE INSERT OR UPDATE ON rounds
    FOR EACH ROW EXECUTE FUNCTION nominations.guard_round();

-- Rounds are records of a vote: they are never deleted.
CREATE FUNCTION nominations.vote_rows_never_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never deleted', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;

CREATE TRIGGER rounds_no_delete BEFORE DELETE ON rounds
    FOR EACH ROW EXECUTE FUNCTION nominations.vote_rows_never_deleted();
