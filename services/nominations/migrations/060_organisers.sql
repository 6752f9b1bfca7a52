-- Organisers: the ministry's clusters are no longer the only ones. Every cluster-year's work (rounds,
-- covenants, commendation lists, decisions) carries the organiser whose cluster it is (the
-- registry's organiser code, 'BNV' for the Ministry of Home Affairs: everything before this
-- migration was the ministry's), so its emulation office acts on it and another's is refused.
-- Members are units of any kind: a unit's code is the registry's (two digits for a province, five
-- for a commune, an office's code starting with a letter for the others).

-- Every check that held a member to a province's two digits takes any unit's code.
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT c.conname, c.conrelid::regclass AS tbl, pg_get_constraintdef(c.oid) AS def
               FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
              WHERE n.nspname = current_schema() AND c.contype = 'c'
                AND pg_get_constraintdef(c.oid) LIKE '%^[0-9]{2}$%'
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', r.tbl, r.conname,
                       replace(r.def, '^[0-9]{2}$', '^[0-9A-Z][0-9A-Z-]{1,15}$'));
    END LOOP;
END $$;

ALTER TABLE rounds ADD COLUMN organiser text NOT NULL DEFAULT 'BNV' CHECK (organiser ~ '^[A-Z][A-Z0-9-]{1,15}$');
-- The scoring context's copy of a cluster period (covenants, sheets and rankings hang on it).
ALTER TABLE cluster_years
    ADD COLUMN organiser text NOT NULL DEFAULT 'BNV' CHECK (organiser ~ '^[A-Z][A-Z0-9-]{1,15}$');
ALTER TABLE commendation_lists
    ADD COLUMN organiser text NOT NULL DEFAULT 'BNV' CHECK (organiser ~ '^[A-Z][A-Z0-9-]{1,15}$');
CREATE INDEX rounds_organiser ON rounds (organiser, year);
CREATE INDEX commendation_lists_organiser ON commendation_lists (organiser, year);

-- Each organiser has its own award forms: one form per round award per organiser.
ALTER TABLE award_forms
    ADD COLUMN organiser text NOT NULL DEFAULT 'BNV' CHECK (organiser ~ '^[A-Z][A-Z0-9-]{1,15}$');
ALTER TABLE award_forms DROP CONSTRAINT award_forms_round_award_key;
ALTER TABLE award_forms ADD CONSTRAINT award_forms_round_award_per_organiser UNIQUE (organiser, round_award);

-- Decisions are numbered by their organiser (…/QĐ-BNV, …/QĐ-UBND): two provinces may both issue
-- 15/QĐ-UBND, one organiser never twice.
ALTER TABLE decisions
    ADD COLUMN organiser text NOT NULL DEFAULT 'BNV' CHECK (organiser ~ '^[A-Z][A-Z0-9-]{1,15}$');
ALTER TABLE decisions DROP CONSTRAINT decisions_number_key;
ALTER TABLE decisions ADD CONSTRAINT decisions_number_per_organiser UNIQUE (organiser, number);
ALTER TABLE awards
    ADD COLUMN organiser text NOT NULL DEFAULT 'BNV' CHECK (organiser ~ '^[A-Z][A-Z0-9-]{1,15}$');
CREATE INDEX awards_organiser ON awards (organiser, year);

-- The rules that differ between organisers, versioned: a version holds from its year on, until a
-- later version's year. The ministry has none stored: its rules are the service's settings (as
-- before); an organiser without a version takes its level's defaults (domain: organiser_rules).
CREATE TABLE organiser_rules (
    organiser              text NOT NULL CHECK (organiser ~ '^[A-Z][A-Z0-9-]{1,15}$'),
    version                integer NOT NULL CHECK (version >= 1),
    valid_from_year        integer NOT NULL CHECK (valid_from_year BETWEEN 2000 AND 2100),
    issuer                 text NOT NULL CHECK (length(issuer) BETWEEN 1 AND 200 AND issuer = normalize(issuer, NFC)),
    decision_suffix        text NOT NULL CHECK (decision_suffix ~ '^Q[ĐD]-[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*$'),
    signer_title           text NOT NULL CHECK (length(signer_title) BETWEEN 1 AND 200
                                                AND signer_title = normalize(signer_title, NFC)),
    government_flag_share  text NOT NULL CHECK (government_flag_share ~ '^[0-9]+/[1-9][0-9]*$'),
    flags_per_cluster      integer NOT NULL CHECK (flags_per_cluster BETWEEN 0 AND 10),
    created_by             text NOT NULL,
    created_at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organiser, version),
    UNIQUE (organiser, valid_from_year)
);
