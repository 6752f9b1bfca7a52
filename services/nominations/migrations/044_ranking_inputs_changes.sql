-- What the ranking job last looked at, so that a run whose inputs cannot have changed reads two
-- small rows per scope and nothing else.
--
-- cluster_years.input_changes counts the writes that can change what a cluster-year ranks on: its
-- members, which covenant version is in force (its criteria are frozen once published), which of
-- its sheets count (submitted or locked), and the sums of those sheets. Triggers keep it, each once
-- per statement: no write path can forget it. The service writes a cluster-year's covenant or sheets
-- holding its row already (refresh_cluster_year), so counting there adds no waiting.
ALTER TABLE cluster_years ADD COLUMN input_changes bigint NOT NULL DEFAULT 0 CHECK (input_changes >= 0);

-- Per scope (a cluster, or '*' for the national view) of a year: the count of changes (for '*', the
-- year's total) and the ranking config the job last digested it under. The job rewrites a row only
-- when it digests the scope again; a scope whose row matches is skipped without reading its sheets.
CREATE TABLE ranking_inputs (
    scope          text NOT NULL,
    year           integer NOT NULL,
    input_changes  bigint NOT NULL,
    config         text NOT NULL,
    checked_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (year, scope)
);

CREATE FUNCTION cluster_year_members_changed() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF NEW.members IS DISTINCT FROM OLD.members THEN
        NEW.input_changes := OLD.input_changes + 1;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER cluster_year_members_changed BEFORE UPDATE OF members ON cluster_years
    FOR EACH ROW EXECUTE FUNCTION cluster_year_members_changed();

-- A covenant version put in force or superseded (a published one inserted as such, too).
CREATE FUNCTION covenant_inputs_changed() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    -- Separate statements: old_rows exists only in the UPDATE trigger.
    IF TG_OP = 'INSERT' THEN
        UPDATE cluster_years y SET input_changes = y.input_changes + 1
          FROM (SELECT DISTINCT cluster_code, year FROM new_rows WHERE state = 'published') c
         WHERE (y.cluster_code, y.year) = (c.cluster_code, c.year);
    ELSE
        UPDATE cluster_years y SET input_changes = y.input_changes + 1
          FROM (SELECT DISTINCT n.cluster_code, n.year FROM new_rows n JOIN old_rows o USING (id)
                 WHERE n.state IS DISTINCT FROM o.state) c
         WHERE (y.cluster_code, y.year) = (c.cluster_code, c.year);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER covenant_inputs_inserted AFTER INSERT ON covenants REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION covenant_inputs_changed();
CREATE TRIGGER covenant_inputs_updated AFTER UPDATE ON covenants REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION covenant_inputs_changed();

-- A sheet that starts or stops counting (submitted); draft edits change nothing ranked.
CREATE FUNCTION score_sheet_inputs_changed() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE cluster_years y SET input_changes = y.input_changes + 1
      FROM (SELECT DISTINCT n.cluster_code, n.year FROM new_rows n JOIN old_rows o USING (id)
             WHERE (n.state IN ('submitted', 'locked')) IS DISTINCT FROM (o.state IN ('submitted', 'locked'))) c
     WHERE (y.cluster_code, y.year) = (c.cluster_code, c.year);
    RETURN NULL;
END $$;
CREATE TRIGGER score_sheet_inputs_changed AFTER UPDATE ON score_sheets REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION score_sheet_inputs_changed();

-- The sums of a counted sheet changed (a cross-check; sheet_sums_refresh writes them).
CREATE FUNCTION sheet_sums_inputs_changed() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    -- Separate statements: old_rows exists only in the UPDATE trigger.
    IF TG_OP = 'INSERT' THEN
        UPDATE cluster_years y SET input_changes = y.input_changes + 1
          FROM (SELECT DISTINCT s.cluster_code, s.year FROM new_rows n JOIN score_sheets s ON s.id = n.sheet_id
                 WHERE s.state IN ('submitted', 'locked')) c
         WHERE (y.cluster_code, y.year) = (c.cluster_code, c.year);
    ELSE
        UPDATE cluster_years y SET input_changes = y.input_changes + 1
          FROM (SELECT DISTINCT s.cluster_code, s.year FROM new_rows n JOIN old_rows o USING (sheet_id)
                  JOIN score_sheets s ON s.id = n.sheet_id
                 WHERE s.state IN ('submitted', 'locked')
                   AND (n.regular::text, n.bonus::text, n.penalty::text)
                       IS DISTINCT FROM (o.regular::text, o.bonus::text, o.penalty::text)) c
         WHERE (y.cluster_code, y.year) = (c.cluster_code, c.year);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER sheet_sums_inputs_inserted AFTER INSERT ON sheet_sums REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sheet_sums_inputs_changed();
CREATE TRIGGER sheet_sums_inputs_updated AFTER UPDATE ON sheet_sums REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sheet_sums_inputs_changed();
