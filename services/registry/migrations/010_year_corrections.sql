-- Corrections during the year: a cluster renamed or given another organizer, members joining or
-- leaving a period on an effective date (kept as history, with the reason), a decided leadership
-- corrected by the ministry, and mergers that can be undone while nothing refers to the new unit.

-- A province may sit in two clusters of the same kind in one year only where the ministry allows
-- it for the cluster (a member of a cụm may always also be in a khối).
ALTER TABLE clusters
    ADD COLUMN allow_shared_members boolean NOT NULL DEFAULT false,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- Membership on a day: a member belongs to the period from joined_on (NULL: from the start) until
-- the day before left_on (NULL: to the end). A member that left keeps its row, so its past stays.
ALTER TABLE period_members
    ADD COLUMN joined_on date,
    ADD COLUMN left_on date,
    ADD CONSTRAINT period_members_span CHECK (joined_on IS NULL OR left_on IS NULL OR joined_on < left_on);

-- Every change of a period's members, append-only: what changed, from when, why, and who did it.
CREATE TABLE period_member_changes (
    id              bigserial PRIMARY KEY,
    cluster_code    text NOT NULL,
    year            integer NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('set', 'change')),
    effective_date  date NOT NULL,
    added           jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(added) = 'array'),    -- [{code, name}]
    removed         jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(removed) = 'array'),  -- [{code, name}]
    reason          text CHECK (reason IS NULL OR (length(btrim(reason)) > 0 AND reason = normalize(reason, NFC))),
    changed_by      text NOT NULL,
    changed_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (cluster_code, year) REFERENCES cluster_periods (cluster_code, year) ON DELETE CASCADE,
    CHECK (kind = 'set' OR reason IS NOT NULL),
    CHECK (EXTRACT(year FROM effective_date) = year)
);
CREATE INDEX period_member_changes_period ON period_member_changes (cluster_code, year, id);

CREATE FUNCTION period_member_changes_append_only() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    RAISE EXCEPTION 'the membership history is append-only'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'period_member_changes_append_only';
END $$;
CREATE TRIGGER period_member_changes_append_only BEFORE UPDATE ON period_member_changes
    FOR EACH ROW EXECUTE FUNCTION period_member_changes_append_only();

-- A corrected leadership keeps how it was first decided; the correction says why and who.
ALTER TABLE leaderships
    ADD COLUMN corrected_at timestamptz,
    ADD COLUMN corrected_by text,
    ADD COLUMN correction_reason text CHECK (correction_reason IS NULL
        OR (length(btrim(correction_reason)) > 0 AND correction_reason = normalize(correction_reason, NFC))),
    ADD CONSTRAINT leaderships_correction_complete CHECK (
        (corrected_at IS NULL) = (corrected_by IS NULL) AND (corrected_at IS NULL) = (correction_reason IS NULL));

-- Mergers made through the API, so a wrong one can be undone: the sources' validity before it.
CREATE TABLE mergers (
    id              bigserial PRIMARY KEY,
    successor_id    integer NOT NULL REFERENCES provinces (id) ON DELETE CASCADE,
    effective_date  date NOT NULL,
    sources         jsonb NOT NULL CHECK (jsonb_typeof(sources) = 'array'),  -- [{id, code, name, valid_to}]
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (successor_id)
);
