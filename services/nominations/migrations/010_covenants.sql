-- Covenants (giao ước thi đua): what the members of a cluster sign at the start of a year, in
-- versions. A draft may be edited; publishing freezes it; an amendment is a new version with a reason
-- and the old one becomes superseded. The rules of covenant.py are repeated here as constraints.

-- The service's copy of a registry cluster period, refreshed whenever the registry is asked (so the
-- ranking job never needs the registry), and the lock of its score sheets for the conference.
CREATE TABLE cluster_years (
    cluster_code  text NOT NULL CHECK (cluster_code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
    year          integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    cluster_name  text NOT NULL CHECK (length(cluster_name) > 0 AND cluster_name = normalize(cluster_name, NFC)),
    lead_code     text CHECK (lead_code ~ '^[0-9]{2}$'),
    deputy_code   text CHECK (deputy_code ~ '^[0-9]{2}$'),
    members       jsonb NOT NULL CHECK (jsonb_typeof(members) = 'array'),  -- [{code, name}], rotation order
    refreshed_at  timestamptz NOT NULL DEFAULT now(),
    locked_at     timestamptz,
    locked_by     text,
    PRIMARY KEY (cluster_code, year),
    CHECK ((locked_at IS NULL) = (locked_by IS NULL))
);

CREATE TABLE covenants (
    id             bigserial PRIMARY KEY,
    cluster_code   text NOT NULL,
    year           integer NOT NULL,
    version        integer NOT NULL CHECK (version >= 1),
    state          text NOT NULL CHECK (state IN ('draft', 'published', 'superseded')),
    digest         text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
    reason         text CHECK (reason IS NULL OR (length(btrim(reason)) > 0 AND reason = normalize(reason, NFC))),
    created_by     text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    published_at   timestamptz,
    published_by   text,
    superseded_at  timestamptz,
    FOREIGN KEY (cluster_code, year) REFERENCES cluster_years (cluster_code, year),
    UNIQUE (cluster_code, year, version),
    UNIQUE (id, cluster_code, year),  -- lets a sheet prove it belongs to its covenant's cluster-year
    CHECK ((state = 'draft') = (published_at IS NULL)),
    CHECK ((published_at IS NULL) = (published_by IS NULL)),
    CHECK ((state = 'superseded') = (superseded_at IS NOT NULL)),
    -- Version 1 is the signed covenant; every later version amends a published one and says why.
    CONSTRAINT covenants_amendment_has_reason CHECK (version = 1 OR reason IS NOT NULL)
);
-- At most one version in force and one being drafted per cluster-year.
CREATE UNIQUE INDEX covenants_one_published ON covenants (cluster_code, year) WHERE state = 'published';
CREATE UNIQUE INDEX covenants_one_draft ON covenants (cluster_code, year) WHERE state = 'draft';
CREATE INDEX covenants_year ON covenants (year) WHERE state = 'published';

CREATE TABLE covenant_criteria (
    covenant_id  bigint NOT NULL REFERENCES covenants (id),
    position     integer NOT NULL CHECK (position >= 1),
    code         text NOT NULL CHECK (code ~ '^[A-Za-z0-9._-]{1,20}$'),
    title        text NOT NULL CHECK (length(title) > 0 AND title = normalize(title, NFC)),
    group_name   text NOT NULL DEFAULT '' CHECK (group_name = normalize(group_name, NFC)),
    max_points   numeric(12, 2) NOT NULL CHECK (max_points > 0),
    kind         text NOT NULL CHECK (kind IN ('regular', 'bonus', 'penalty')),
    PRIMARY KEY (covenant_id, code),
    UNIQUE (covenant_id, position),
    -- The key score rows reference, so that a CHECK on each score row can enforce its bounds.
    UNIQUE (covenant_id, code, kind, max_points)
);
-- Codes differing only in case would be confused on paper.
CREATE UNIQUE INDEX covenant_criteria_code_ci ON covenant_criteria (covenant_id, lower(code));

-- (Trigger functions keep the migration's search_path, `SET search_path FROM CURRENT`, whoever fires them.)
-- A version's state only moves draft → published → superseded, and what was published never changes.
CREATE FUNCTION covenant_transition() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF (NEW.id, NEW.cluster_code, NEW.year, NEW.version) IS DISTINCT FROM (OLD.id, OLD.cluster_code, OLD.year, OLD.version)
       OR NOT (OLD.state = 'draft'
               OR (OLD.state = 'published' AND NEW.state = 'superseded'
                   AND (NEW.digest, NEW.reason, NEW.published_at) IS NOT DISTINCT FROM
                       (OLD.digest, OLD.reason, OLD.published_at))) THEN
        RAISE EXCEPTION 'covenant % v% cannot change from % to %', OLD.cluster_code, OLD.version, OLD.state, NEW.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'covenant_transition';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER covenant_transition BEFORE UPDATE ON covenants FOR EACH ROW EXECUTE FUNCTION covenant_transition();

-- Only a draft's criteria may be written.
CREATE FUNCTION covenant_criteria_frozen() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    covenant bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.covenant_id ELSE NEW.covenant_id END;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.covenant_id <> OLD.covenant_id
       OR (SELECT state FROM covenants WHERE id = covenant) <> 'draft' THEN
        RAISE EXCEPTION 'the criteria of a published covenant are frozen'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'covenant_frozen';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER covenant_criteria_frozen BEFORE INSERT OR UPDATE OR DELETE ON covenant_criteria
    FOR EACH ROW EXECUTE FUNCTION covenant_criteria_frozen();
