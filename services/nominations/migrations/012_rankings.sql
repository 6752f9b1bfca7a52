-- Ranking snapshots: what the ranking job wrote, immutable. scope is a cluster code, or '*' for the
-- national view of the year. inputs_digest identifies what the ranking was computed from.
--
-- The snapshots of one (scope, year) form a single chain: one starts it, each has at most one
-- successor, and a successor's inputs differ from its predecessor's. So a recompute whose inputs are
-- unchanged cannot write, two concurrent jobs cannot both append, and inputs that change back to an
-- earlier state (A → B → A) still give a new latest snapshot.
CREATE TABLE ranking_snapshots (
    id                bigserial PRIMARY KEY,
    scope             text NOT NULL CHECK (scope = '*' OR scope ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
    year              integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    computed_at       timestamptz NOT NULL DEFAULT now(),
    inputs_digest     text NOT NULL CHECK (inputs_digest ~ '^[0-9a-f]{64}$'),
    previous_id       bigint UNIQUE,
    previous_digest   text,
    config            jsonb NOT NULL,           -- tie-break order and bands used
    covenant_version  integer,                  -- cluster scope only
    max_total         numeric,                  -- cluster scope only
    unit_count        integer NOT NULL CHECK (unit_count >= 0),
    rows              jsonb NOT NULL CHECK (jsonb_typeof(rows) = 'array'),
    UNIQUE (id, scope, year, inputs_digest),
    FOREIGN KEY (previous_id, scope, year, previous_digest)
        REFERENCES ranking_snapshots (id, scope, year, inputs_digest),
    CHECK ((previous_id IS NULL) = (previous_digest IS NULL)),
    CONSTRAINT ranking_snapshots_inputs_changed CHECK (previous_digest <> inputs_digest),
    CHECK ((scope = '*') = (covenant_version IS NULL))
);
CREATE UNIQUE INDEX ranking_snapshots_one_first ON ranking_snapshots (scope, year) WHERE previous_id IS NULL;
CREATE INDEX ranking_snapshots_latest ON ranking_snapshots (year, scope, id DESC);

CREATE FUNCTION ranking_snapshots_immutable() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    RAISE EXCEPTION 'ranking snapshots are immutable'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'ranking_snapshots_immutable';
END $$;
CREATE TRIGGER ranking_snapshots_immutable BEFORE UPDATE OR DELETE ON ranking_snapshots
    FOR EACH ROW EXECUTE FUNCTION ranking_snapshots_immutable();
