-- The minutes of the conference (biên bản hội nghị), frozen once its chair and its secretary have
-- both confirmed them: the document as it was then is kept and answered from here on. A motion may
-- say what it adopts (the year's report, next year's covenant), so the minutes link the covenant's
-- adoption to its signatures.
ALTER TABLE rounds ADD COLUMN subject text CHECK (subject IN ('year_report', 'covenant'));
ALTER TABLE rounds ADD CONSTRAINT rounds_subject_of_a_motion CHECK (subject IS NULL OR kind = 'motion');

CREATE OR REPLACE FUNCTION nominations.guard_round_kind() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state <> 'draft' AND (
           NEW.kind IS DISTINCT FROM OLD.kind OR NEW.post IS DISTINCT FROM OLD.post
        OR NEW.title IS DISTINCT FROM OLD.title OR NEW.denominator IS DISTINCT FROM OLD.denominator
        OR NEW.rotation_order IS DISTINCT FROM OLD.rotation_order OR NEW.tie_rule IS DISTINCT FROM OLD.tie_rule
        OR NEW.present_at_open IS DISTINCT FROM OLD.present_at_open OR NEW.subject IS DISTINCT FROM OLD.subject) THEN
        RAISE EXCEPTION 'round % is %: its kind and question are frozen', OLD.id, OLD.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rounds_frozen';
    END IF;
    IF NEW.kind <> 'nomination' AND NEW.state IN ('approved', 'returned') THEN
        RAISE EXCEPTION 'round % is a %: its certified result is final', OLD.id, NEW.kind
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rounds_kind_final';
    END IF;
    RETURN NEW;
END $$;

CREATE TABLE conference_minutes (
    conference_id           uuid PRIMARY KEY REFERENCES conferences (id),
    chair_confirmed_at      timestamptz,
    chair_confirmed_by      text,
    secretary_confirmed_at  timestamptz,
    secretary_confirmed_by  text,
    frozen_at               timestamptz,
    -- The minutes as they were when the second confirmation froze them.
    content                 jsonb CHECK (content IS NULL OR jsonb_typeof(content) = 'object'),
    CONSTRAINT conference_minutes_chair CHECK ((chair_confirmed_at IS NULL) = (chair_confirmed_by IS NULL)),
    CONSTRAINT conference_minutes_secretary CHECK (
        (secretary_confirmed_at IS NULL) = (secretary_confirmed_by IS NULL)),
    CONSTRAINT conference_minutes_frozen CHECK (
        (frozen_at IS NOT NULL) = (chair_confirmed_at IS NOT NULL AND secretary_confirmed_at IS NOT NULL)
        AND (frozen_at IS NULL) = (content IS NULL))
);

-- Confirmed once each, only after the adjournment; frozen minutes never change and are never removed.
CREATE FUNCTION nominations.conference_minutes_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.frozen_at IS NOT NULL) THEN
        RAISE EXCEPTION 'the conference''s minutes are frozen'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'conference_minutes_final';
    END IF;
    IF TG_OP = 'UPDATE' AND (
           (OLD.chair_confirmed_at IS NOT NULL AND NEW.chair_confirmed_at IS DISTINCT FROM OLD.chair_confirmed_at)
        OR (OLD.secretary_confirmed_at IS NOT NULL
            AND NEW.secretary_confirmed_at IS DISTINCT FROM OLD.secretary_confirmed_at)) THEN
        RAISE EXCEPTION 'a confirmation of the minutes is never undone'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'conference_minutes_final';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM nominations.conferences WHERE id = NEW.conference_id AND state = 'adjourned') THEN
        RAISE EXCEPTION 'the minutes are confirmed once the conference is adjourned'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'conference_minutes_adjourned';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER conference_minutes_guard BEFORE INSERT OR UPDATE OR DELETE ON conference_minutes
    FOR EACH ROW EXECUTE FUNCTION nominations.conference_minutes_guard();
