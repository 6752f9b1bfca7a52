-- The commendation state machine, enforced by the database like the vote rounds':
--
--   draft → submitted → accepted | returned;  returned → submitted;  accepted → returned | sent;
--   sent → approved | rejected;  approved → awarded
--
-- (the same pairs for a proposal and for each nominee: commendations/domain/states.py TRANSITIONS).
-- A proposal carried in by an approved flag vote, and its nominees, start as accepted.
CREATE FUNCTION nominations.commendation_transition_allowed(old_state text, new_state text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT (old_state, new_state) IN (
        ('draft', 'submitted'),
        ('submitted', 'accepted'), ('submitted', 'returned'),
        ('returned', 'submitted'),
        ('accepted', 'returned'), ('accepted', 'sent'),
        ('sent', 'approved'), ('sent', 'rejected'),
        ('approved', 'awarded'))
$$;

CREATE FUNCTION nominations.guard_proposal() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT (NEW.state = 'draft' OR (NEW.state = 'accepted' AND NEW.origin = 'vote')) THEN
            RAISE EXCEPTION 'a proposal starts as draft (one carried in by a vote as accepted), not %', NEW.state
                USING ERRCODE = 'check_violation', CONSTRAINT = 'proposals_state_transition';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.state IS DISTINCT FROM OLD.state
       AND NOT nominations.commendation_transition_allowed(OLD.state, NEW.state) THEN
        RAISE EXCEPTION 'proposal % cannot go from % to %', OLD.id, OLD.state, NEW.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'proposals_state_transition';
    END IF;
    IF NEW.cluster_code IS DISTINCT FROM OLD.cluster_code OR NEW.year IS DISTINCT FROM OLD.year
       OR NEW.province_code IS DISTINCT FROM OLD.province_code OR NEW.form_code IS DISTINCT FROM OLD.form_code
       OR NEW.origin IS DISTINCT FROM OLD.origin OR NEW.round_id IS DISTINCT FROM OLD.round_id THEN
        RAISE EXCEPTION 'proposal %: its cluster, year, province, form and origin never change', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'proposals_frozen';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER proposals_guard BEFORE INSERT OR UPDATE ON proposals
    FOR EACH ROW EXECUTE FUNCTION nominations.guard_proposal();
CREATE TRIGGER proposals_no_delete BEFORE DELETE ON proposals
    FOR EACH ROW EXECUTE FUNCTION nominations.vote_rows_never_deleted();

CREATE FUNCTION nominations.guard_nominee() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    origin_of text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        -- A province withdraws a nominee while it is still its own to edit; nothing later is ever removed.
        IF OLD.state NOT IN ('draft', 'returned') THEN
            RAISE EXCEPTION 'nominee % is %: only a draft or returned nominee is withdrawn', OLD.id, OLD.state
                USING ERRCODE = 'check_violation', CONSTRAINT = 'nominees_state_transition';
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT origin INTO origin_of FROM nominations.proposals WHERE id = NEW.proposal_id;
        IF NOT (NEW.state = 'draft' OR (NEW.state = 'accepted' AND origin_of = 'vote')) THEN
            RAISE EXCEPTION 'a nominee starts as draft (one carried in by a vote as accepted), not %', NEW.state
                USING ERRCODE = 'check_violation', CONSTRAINT = 'nominees_state_transition';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.state IS DISTINCT FROM OLD.state
       AND NOT nominations.commendation_transition_allowed(OLD.state, NEW.state) THEN
        RAISE EXCEPTION 'nominee % cannot go from % to %', OLD.id, OLD.state, NEW.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'nominees_state_transition';
    END IF;
    IF NEW.proposal_id IS DISTINCT FROM OLD.proposal_id OR NEW.kind IS DISTINCT FROM OLD.kind THEN
        RAISE EXCEPTION 'nominee %: its proposal and kind never change', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'nominees_frozen';
    END IF;
    -- What the province wrote is its own to change only while draft or returned.
    IF OLD.state NOT IN ('draft', 'returned') AND (
           NEW.name IS DISTINCT FROM OLD.name OR NEW.position IS DISTINCT FROM OLD.position
        OR NEW.unit IS DISTINCT FROM OLD.unit OR NEW.birth_date IS DISTINCT FROM OLD.birth_date
        OR NEW.gender IS DISTINCT FROM OLD.gender OR NEW.fields IS DISTINCT FROM OLD.fields
        OR NEW.summary IS DISTINCT FROM OLD.summary OR NEW.identity_key IS DISTINCT FROM OLD.identity_key) THEN
        RAISE EXCEPTION 'nominee % is %: its particulars are frozen', OLD.id, OLD.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'nominees_frozen';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER nominees_guard BEFORE INSERT OR UPDATE OR DELETE ON nominees
    FOR EACH ROW EXECUTE FUNCTION nominations.guard_nominee();

-- An issued decision is frozen: nothing of it, its list or the register rows it published changes.
CREATE FUNCTION nominations.guard_decision() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.state = 'issued' THEN
            RAISE EXCEPTION 'decision % is issued: it is never deleted', OLD.number
                USING ERRCODE = 'check_violation', CONSTRAINT = 'decisions_frozen';
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.state <> 'draft' THEN
            RAISE EXCEPTION 'a decision starts as draft' USING ERRCODE = 'check_violation',
                CONSTRAINT = 'decisions_frozen';
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.state = 'issued' THEN
        RAISE EXCEPTION 'decision % is issued: it is frozen', OLD.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'decisions_frozen';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER decisions_guard BEFORE INSERT OR UPDATE OR DELETE ON decisions
    FOR EACH ROW EXECUTE FUNCTION nominations.guard_decision();

CREATE FUNCTION nominations.guard_decision_entry() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    decision_state text;
BEGIN
    SELECT state INTO decision_state FROM nominations.decisions
     WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.decision_id ELSE NEW.decision_id END;
    IF decision_state = 'issued' OR (TG_OP = 'UPDATE' AND
            (SELECT state FROM nominations.decisions WHERE id = OLD.decision_id) = 'issued') THEN
        RAISE EXCEPTION 'the list of an issued decision is frozen'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'decisions_frozen';
    END IF;
    IF TG_OP = 'INSERT' AND (SELECT state FROM nominations.nominees WHERE id = NEW.nominee_id) <> 'approved' THEN
        RAISE EXCEPTION 'only a nominee the ministry approved is put in a decision'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'decision_entries_approved';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER decision_entries_guard BEFORE INSERT OR UPDATE OR DELETE ON decision_entries
    FOR EACH ROW EXECUTE FUNCTION nominations.guard_decision_entry();

-- The register is written once, by issuing a decision, and never changes.
CREATE FUNCTION nominations.guard_award() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF (SELECT state FROM nominations.decisions WHERE id = NEW.decision_id) <> 'issued' THEN
            RAISE EXCEPTION 'the register holds only what an issued decision published'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'awards_published';
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the award register is never rewritten'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'awards_frozen';
END
$$;
CREATE TRIGGER awards_guard BEFORE INSERT OR UPDATE OR DELETE ON awards
    FOR EACH ROW EXECUTE FUNCTION nominations.guard_award();

-- A file is added or removed only while its proposal is the province's to edit, and never rewritten:
-- the checksum the lead and the ministry saw is the file they get.
CREATE FUNCTION nominations.guard_attachment() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'attachments are never rewritten'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'attachments_frozen';
    END IF;
    IF (SELECT state FROM nominations.proposals
         WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.proposal_id ELSE NEW.proposal_id END)
       NOT IN ('draft', 'returned') THEN
        RAISE EXCEPTION 'files are added or removed only while the proposal is draft or returned'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'attachments_frozen';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER attachments_guard BEFORE INSERT OR UPDATE OR DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION nominations.guard_attachment();
