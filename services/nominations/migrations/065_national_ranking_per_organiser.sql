-- The national (organiser-wide) ranking is per organiser: '*' stays the ministry's (BNV), as before;
-- another organiser's is '*' followed by its code ('*UBND-QN'), ranking only its clusters' members.
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT c.conname FROM pg_constraint c
              WHERE c.conrelid = 'ranking_snapshots'::regclass AND c.contype = 'c'
                AND pg_get_constraintdef(c.oid) LIKE '%''*''::text%'
    LOOP
        EXECUTE format('ALTER TABLE ranking_snapshots DROP CONSTRAINT %I', r.conname);
    END LOOP;
END $$;
ALTER TABLE ranking_snapshots
    ADD CONSTRAINT ranking_snapshots_scope CHECK (scope ~ '^\*([A-Z][A-Z0-9-]{1,15})?$'
                                                  OR scope ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
    ADD CONSTRAINT ranking_snapshots_national_has_no_covenant CHECK ((scope LIKE '*%') = (covenant_version IS NULL));
