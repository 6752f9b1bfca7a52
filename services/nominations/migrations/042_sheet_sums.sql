-- Each sheet's effective sums by kind (the cross-checked value wins over the self score), kept by
-- the database after every statement that writes score rows. The ranking job reads one row per
-- sheet here instead of every score row of the year (50 per sheet).
--
-- A column is exactly the job's former per-sheet aggregate: NULL when the sheet has no score row of
-- that kind (ranked as 0), else the sum with its numeric scale. A sheet without score rows has a
-- row of NULLs or none. A separate table, not columns of score_sheets: a locked sheet never
-- changes (score_sheet_transition), and its sums need no writes anyway.
CREATE TABLE sheet_sums (
    sheet_id  bigint PRIMARY KEY REFERENCES score_sheets (id),
    regular   numeric,
    bonus     numeric,
    penalty   numeric
);

-- Recomputed from the score rows of every sheet the statement touched (never adjusted
-- incrementally, so it cannot drift). The touched sheets are locked first: the INSERT below then
-- runs on a snapshot taken after every earlier writer of those sheets committed, so the last
-- writer to commit always leaves the sums of everything committed. (The service locks the sheet
-- before writing its scores anyway; this covers any other writer.)
CREATE FUNCTION sheet_sums_refresh() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    touched bigint[];
BEGIN
    -- Separate statements: each transition table exists only in its own trigger.
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT sheet_id) INTO touched FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT sheet_id) INTO touched FROM old_rows;
    ELSE
        SELECT array_agg(sheet_id) INTO touched
          FROM (SELECT sheet_id FROM new_rows UNION SELECT sheet_id FROM old_rows) t;
    END IF;
    IF touched IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM score_sheets WHERE id = ANY (touched) ORDER BY id FOR NO KEY UPDATE;
    INSERT INTO sheet_sums (sheet_id, regular, bonus, penalty)
    SELECT t.id,
           sum(coalesce(r.checked_points, r.self_points)) FILTER (WHERE r.kind = 'regular'),
           sum(coalesce(r.checked_points, r.self_points)) FILTER (WHERE r.kind = 'bonus'),
           sum(coalesce(r.checked_points, r.self_points)) FILTER (WHERE r.kind = 'penalty')
      FROM unnest(touched) AS t(id)
      LEFT JOIN sheet_scores r ON r.sheet_id = t.id
     GROUP BY t.id
    ON CONFLICT (sheet_id) DO UPDATE
       SET regular = excluded.regular, bonus = excluded.bonus, penalty = excluded.penalty;
    RETURN NULL;
END $$;
CREATE TRIGGER sheet_sums_insert AFTER INSERT ON sheet_scores REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sheet_sums_refresh();
CREATE TRIGGER sheet_sums_update AFTER UPDATE ON sheet_scores REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sheet_sums_refresh();
CREATE TRIGGER sheet_sums_delete AFTER DELETE ON sheet_scores REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sheet_sums_refresh();

INSERT INTO sheet_sums (sheet_id, regular, bonus, penalty)
SELECT sheet_id,
       sum(coalesce(checked_points, self_points)) FILTER (WHERE kind = 'regular'),
       sum(coalesce(checked_points, self_points)) FILTER (WHERE kind = 'bonus'),
       sum(coalesce(checked_points, self_points)) FILTER (WHERE kind = 'penalty')
  FROM sheet_scores GROUP BY sheet_id;
