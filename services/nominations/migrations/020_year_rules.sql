-- The year as its users live it.
--
-- A cross-check that finds nothing to adjust is recorded too, so a sheet reads reviewed (nothing
-- changed) or adjusted (at least one adjustment) once the reviewer has been through it.
ALTER TABLE score_sheets
    ADD COLUMN reviewed_at timestamptz,
    ADD COLUMN reviewed_by text,
    ADD CONSTRAINT score_sheets_review_complete CHECK ((reviewed_at IS NULL) = (reviewed_by IS NULL));

-- A round's threshold as councils write it: a share of the valid ballots (today's rule) or of the
-- whole electorate, reached "strictly more than" (today's) or "at least".
ALTER TABLE rounds
    ADD COLUMN threshold_base text NOT NULL DEFAULT 'valid_ballots'
        CHECK (threshold_base IN ('valid_ballots', 'electorate')),
    ADD COLUMN threshold_comparison text NOT NULL DEFAULT 'more_than'
        CHECK (threshold_comparison IN ('more_than', 'at_least'));

-- Units that left the cluster-year during the year (the registry's former members): their sheets
-- are kept and shown, marked, and never ranked.
ALTER TABLE cluster_years
    ADD COLUMN former_members jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(former_members) = 'array');
