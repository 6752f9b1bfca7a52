-- What the yearly statistics forms count of a person (statistics/README.md): whether a leader and at
-- what level, whether a direct worker (công nhân, nông dân, người lao động trực tiếp), whether of an
-- ethnic minority. Sex is the existing `gender`. Nullable: NULL is "not stated" (nominees from before,
-- and a province that leaves them out); a collective has none of them. Personal data: the proposing
-- unit, its organiser's office and the ministry read them (commendations/domain/policy.py
-- may_read_personal); the award register never copies them.
ALTER TABLE nominees
    ADD COLUMN leader_level text CONSTRAINT nominees_leader_level_known
        CHECK (leader_level IN ('none', 'senior', 'department', 'division')),
    ADD COLUMN direct_worker boolean,
    ADD COLUMN ethnic_minority boolean,
    ADD CONSTRAINT nominees_personal_of_individuals CHECK (
        kind = 'individual' OR (leader_level IS NULL AND direct_worker IS NULL AND ethnic_minority IS NULL)),
    -- A leader is not counted as a direct worker (form 0602's rows (a)–(e) are exclusive).
    ADD CONSTRAINT nominees_leader_not_direct_worker CHECK (
        NOT (direct_worker AND leader_level IS NOT NULL AND leader_level <> 'none'));

-- The particulars freeze with the rest once submitted (051_commendation_guards.sql, same function
-- with the three columns added).
CREATE OR REPLACE FUNCTION nominations.guard_nominee() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    origin_of text;
BEGIN
    IF TG_OP = 'DELETE' THEN
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
    IF OLD.state NOT IN ('draft', 'returned') AND (
           NEW.name IS DISTINCT FROM OLD.name OR NEW.position IS DISTINCT FROM OLD.position
        OR NEW.unit IS DISTINCT FROM OLD.unit OR NEW.birth_date IS DISTINCT FROM OLD.birth_date
        OR NEW.gender IS DISTINCT FROM OLD.gender OR NEW.fields IS DISTINCT FROM OLD.fields
        OR NEW.summary IS DISTINCT FROM OLD.summary OR NEW.identity_key IS DISTINCT FROM OLD.identity_key
        OR NEW.leader_level IS DISTINCT FROM OLD.leader_level OR NEW.direct_worker IS DISTINCT FROM OLD.direct_worker
        OR NEW.ethnic_minority IS DISTINCT FROM OLD.ethnic_minority) THEN
        RAISE EXCEPTION 'nominee % is %: its particulars are frozen', OLD.id, OLD.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'nominees_frozen';
    END IF;
    RETURN NEW;
END
$$;

-- The statistics forms count a year's register by organiser (awards_organiser covers it) and join
-- each award to its nominee by primary key: no other index is needed.
