-- Score sheets: each member scores itself against the covenant version in force, submits, the lead
-- cross-checks (adjustments with reasons, never erased), and the lead locks the cluster-year.
--
--   draft ──submit──▶ submitted ──lock──▶ locked
--   (a new covenant version copies every sheet: a submitted one comes back as `reopened`, which is
--    edited and submitted like a draft; the old sheets stay as the record of the old version)

CREATE TABLE score_sheets (
    id             bigserial PRIMARY KEY,
    cluster_code   text NOT NULL,
    year           integer NOT NULL,
    covenant_id    bigint NOT NULL,
    province_code  text NOT NULL CHECK (province_code ~ '^[0-9]{2}$'),
    state          text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'submitted', 'reopened', 'locked')),
    notes          jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(notes) = 'object'),
    previous_sheet_id bigint REFERENCES score_sheets (id),  -- the same unit's sheet of the version before
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    updated_by     text NOT NULL,
    submitted_at   timestamptz,
    submitted_by   text,
    FOREIGN KEY (covenant_id, cluster_code, year) REFERENCES covenants (id, cluster_code, year),
    UNIQUE (covenant_id, province_code),
    UNIQUE (id, covenant_id),
    CHECK ((state IN ('submitted', 'locked')) = (submitted_at IS NOT NULL)),
    CHECK ((submitted_at IS NULL) = (submitted_by IS NULL)),
    CHECK (state <> 'reopened' OR previous_sheet_id IS NOT NULL)
);
CREATE INDEX score_sheets_cluster_year ON score_sheets (cluster_code, year);

-- One row per criterion the unit scored. kind and max_points come with the criterion through the
-- foreign key, so the bounds are a plain CHECK: regular and bonus in [0, max], penalty in [-max, 0].
CREATE TABLE sheet_scores (
    sheet_id        bigint NOT NULL,
    covenant_id     bigint NOT NULL,
    criterion_code  text NOT NULL,
    kind            text NOT NULL,
    max_points      numeric(12, 2) NOT NULL,
    self_points     numeric(12, 2) NOT NULL,
    checked_points  numeric(12, 2),  -- the latest cross-checked value; wins over self_points
    PRIMARY KEY (sheet_id, criterion_code),
    FOREIGN KEY (sheet_id, covenant_id) REFERENCES score_sheets (id, covenant_id),
    FOREIGN KEY (covenant_id, criterion_code, kind, max_points)
        REFERENCES covenant_criteria (covenant_id, code, kind, max_points),
    CONSTRAINT sheet_scores_self_in_bounds CHECK (
        CASE WHEN kind = 'penalty' THEN self_points BETWEEN -max_points AND 0
             ELSE self_points BETWEEN 0 AND max_points END),
    CONSTRAINT sheet_scores_checked_in_bounds CHECK (checked_points IS NULL OR
        CASE WHEN kind = 'penalty' THEN checked_points BETWEEN -max_points AND 0
             ELSE checked_points BETWEEN 0 AND max_points END)
);

-- Every cross-check, append-only: the member sees each one, who made it and why.
CREATE TABLE score_adjustments (
    id                bigserial PRIMARY KEY,
    sheet_id          bigint NOT NULL,
    criterion_code    text NOT NULL,
    points            numeric(12, 2) NOT NULL,
    previous_points   numeric(12, 2) NOT NULL,  -- the value it replaced
    reason            text NOT NULL CHECK (length(btrim(reason)) > 0 AND reason = normalize(reason, NFC)),
    adjusted_by       text NOT NULL,            -- the account
    adjusted_for      text CHECK (adjusted_for ~ '^[0-9]{2}$'),  -- the province it acted as (lead or deputy)
    adjusted_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (sheet_id, criterion_code) REFERENCES sheet_scores (sheet_id, criterion_code)
);
CREATE INDEX score_adjustments_sheet ON score_adjustments (sheet_id, id);

-- The state machine, enforced here too: legal moves only, and a locked sheet never changes.
CREATE FUNCTION score_sheet_transition() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.state NOT IN ('draft', 'reopened') THEN
            RAISE EXCEPTION 'a new score sheet starts as draft or reopened'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'score_sheet_transition';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE'
       OR (NEW.cluster_code, NEW.year, NEW.covenant_id, NEW.province_code)
          IS DISTINCT FROM (OLD.cluster_code, OLD.year, OLD.covenant_id, OLD.province_code)
       OR NOT ((OLD.state IN ('draft', 'reopened') AND NEW.state IN (OLD.state, 'submitted'))
               OR (OLD.state = 'submitted' AND NEW.state IN ('submitted', 'locked'))) THEN
        RAISE EXCEPTION 'score sheet % cannot go from % to %', OLD.id, OLD.state,
                        CASE WHEN TG_OP = 'DELETE' THEN 'deleted' ELSE NEW.state END
            USING ERRCODE = 'check_violation', CONSTRAINT = 'score_sheet_transition';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER score_sheet_transition BEFORE INSERT OR UPDATE OR DELETE ON score_sheets
    FOR EACH ROW EXECUTE FUNCTION score_sheet_transition();

-- Self scores change only while the member edits (draft, reopened); cross-checks only on a
-- submitted sheet. Checked once per statement (transition tables), so bulk loads stay fast.
CREATE FUNCTION sheet_scores_writable() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    refused text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT s.state INTO refused FROM score_sheets s
         WHERE s.id IN (SELECT sheet_id FROM new_rows) AND s.state NOT IN ('draft', 'reopened') LIMIT 1;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT s.state INTO refused FROM score_sheets s
         WHERE s.id IN (SELECT sheet_id FROM old_rows) AND s.state NOT IN ('draft', 'reopened') LIMIT 1;
    ELSE
        -- A row whose self score (or identity) is unchanged is a cross-check; anything else an edit.
        SELECT s.state INTO refused
          FROM new_rows n
          LEFT JOIN old_rows o ON (o.sheet_id, o.criterion_code) = (n.sheet_id, n.criterion_code)
          JOIN score_sheets s ON s.id = n.sheet_id
         WHERE CASE WHEN (o.covenant_id, o.kind, o.max_points, o.self_points)
                         IS NOT DISTINCT FROM (n.covenant_id, n.kind, n.max_points, n.self_points)
                    THEN s.state <> 'submitted'
                    ELSE s.state NOT IN ('draft', 'reopened') END
         LIMIT 1;
    END IF;
    IF refused IS NOT NULL THEN
        RAISE EXCEPTION '% on sheet_scores refused: the sheet is %', TG_OP, refused
            USING ERRCODE = 'check_violation', CONSTRAINT = 'score_sheet_frozen';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER sheet_scores_insert AFTER INSERT ON sheet_scores REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sheet_scores_writable();
CREATE TRIGGER sheet_scores_update AFTER UPDATE ON sheet_scores REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sheet_scores_writable();
CREATE TRIGGER sheet_scores_delete AFTER DELETE ON sheet_scores REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sheet_scores_writable();

-- Adjustments are added to a submitted sheet and never rewritten.
CREATE FUNCTION score_adjustments_append_only() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    -- Separate statements: new_rows exists only in the INSERT trigger.
    IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION '% on score_adjustments refused: adjustments are never rewritten', TG_OP
            USING ERRCODE = 'check_violation', CONSTRAINT = 'score_adjustments_append_only';
    END IF;
    IF EXISTS (SELECT 1 FROM score_sheets s WHERE s.id IN (SELECT sheet_id FROM new_rows) AND s.state <> 'submitted') THEN
        RAISE EXCEPTION 'adjustments are added to submitted sheets only'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'score_adjustments_append_only';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER score_adjustments_insert AFTER INSERT ON score_adjustments REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION score_adjustments_append_only();
CREATE TRIGGER score_adjustments_rewrite BEFORE UPDATE OR DELETE ON score_adjustments
    FOR EACH STATEMENT EXECUTE FUNCTION score_adjustments_append_only();
