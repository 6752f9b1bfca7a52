-- Vote rounds gain a kind (voting/domain/kinds.py): `nomination` (the flag rounds, as before),
-- `election` (next year's lead or deputy among member units) and `motion` (yes / no / abstain with
-- its threshold and denominator). Ballots, participation, receipts and the bulletin are the same
-- tables for every kind: who voted and what was voted stay apart exactly as for the flags.
ALTER TABLE rounds
    ADD COLUMN kind text NOT NULL DEFAULT 'nomination'
        CONSTRAINT rounds_kind_known CHECK (kind IN ('nomination', 'election', 'motion')),
    -- An election's post: next year's lead or deputy.
    ADD COLUMN post text CHECK (post IN ('lead', 'deputy')),
    -- The rotation starting after this year's lead: the default candidates and the tie rule's order.
    ADD COLUMN rotation_order text[],
    ADD COLUMN tie_rule text CHECK (tie_rule IN ('rotation_order')),
    -- A motion's question ("Thông qua Báo cáo tổng kết năm 2023") and what its threshold is a share of.
    ADD COLUMN title text CHECK (title IS NULL OR (length(title) BETWEEN 1 AND 500 AND title = normalize(title, NFC))),
    ADD COLUMN denominator text CHECK (denominator IN ('present', 'members')),
    -- The member units present at the conference when the vote opened (a motion's `present`).
    ADD COLUMN present_at_open integer CHECK (present_at_open >= 0);

ALTER TABLE rounds ALTER COLUMN award DROP NOT NULL;
ALTER TABLE rounds ADD CONSTRAINT rounds_kind_fields CHECK (
    (kind = 'nomination' AND award IS NOT NULL AND post IS NULL AND title IS NULL AND denominator IS NULL
        AND rotation_order IS NULL AND tie_rule IS NULL)
    OR (kind = 'election' AND award IS NULL AND post IS NOT NULL AND title IS NULL AND denominator IS NULL
        AND rotation_order IS NOT NULL AND tie_rule IS NOT NULL AND seats = 1 AND max_choices = 1)
    OR (kind = 'motion' AND award IS NULL AND post IS NULL AND title IS NOT NULL AND denominator IS NOT NULL
        AND rotation_order IS NULL AND tie_rule IS NULL AND max_choices = 1
        AND candidates = ARRAY['abstain', 'no', 'yes']::text[]));

-- One elected unit per post and cluster-year (certification is final for an election).
CREATE UNIQUE INDEX rounds_one_elected_post ON rounds (cluster_code, year, post)
    WHERE kind = 'election' AND state = 'certified' AND jsonb_array_length(result -> 'proposed') = 1;
CREATE INDEX rounds_kind ON rounds (cluster_code, year, kind) WHERE kind <> 'nomination';

-- What the voters were asked is fixed once the vote opens (as 002 holds the other rules), the
-- units present are recorded at the opening only, and an election's or a motion's certified result
-- is final: the ministry approves or returns flag proposals only.
CREATE FUNCTION nominations.guard_round_kind() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state <> 'draft' AND (
           NEW.kind IS DISTINCT FROM OLD.kind OR NEW.post IS DISTINCT FROM OLD.post
        OR NEW.title IS DISTINCT FROM OLD.title OR NEW.denominator IS DISTINCT FROM OLD.denominator
        OR NEW.rotation_order IS DISTINCT FROM OLD.rotation_order OR NEW.tie_rule IS DISTINCT FROM OLD.tie_rule
        OR NEW.present_at_open IS DISTINCT FROM OLD.present_at_open) THEN
        RAISE EXCEPTION 'round % is %: its kind and question are frozen', OLD.id, OLD.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rounds_frozen';
    END IF;
    IF NEW.kind <> 'nomination' AND NEW.state IN ('approved', 'returned') THEN
        RAISE EXCEPTION 'round % is a %: its certified result is final', OLD.id, NEW.kind
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rounds_kind_final';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER rounds_kind_guard BEFORE UPDATE ON rounds
    FOR EACH ROW EXECUTE FUNCTION nominations.guard_round_kind();
