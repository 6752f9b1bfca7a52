-- Registry schema: provinces with their validity periods, clusters, per-year membership and
-- leadership, accounts. Constraints here are the last line of defence for every invariant.
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;

-- A unit's identity is (code, validity period): codes were reused by a different unit in 2025.
CREATE TABLE provinces (
    id            serial PRIMARY KEY,
    code          char(2) NOT NULL CHECK (code ~ '^[0-9]{2}$'),
    name          text NOT NULL CHECK (length(name) > 0 AND name = normalize(name, NFC)),
    kind          text NOT NULL CHECK (kind IN ('province', 'city')),
    valid_from    date,   -- NULL: in force before any date this system cares about
    valid_to      date,   -- NULL: still in force
    successor_id  integer REFERENCES provinces (id),
    validity      daterange GENERATED ALWAYS AS (daterange(valid_from, valid_to, '[]')) STORED,
    CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to),
    CHECK (successor_id IS NULL OR valid_to IS NOT NULL),
    -- Two units may share a code, never on the same day.
    CONSTRAINT provinces_code_not_overlapping EXCLUDE USING gist (code WITH =, validity WITH &&)
);
CREATE INDEX provinces_successor ON provinces (successor_id);

CREATE TABLE clusters (
    code        text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
    name        text NOT NULL CHECK (length(name) > 0 AND name = normalize(name, NFC)),
    organizer   text NOT NULL CHECK (length(organizer) > 0 AND organizer = normalize(organizer, NFC)),
    kind        text NOT NULL CHECK (kind IN ('cum', 'khoi')),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cluster_periods (
    cluster_code    text NOT NULL REFERENCES clusters (code),
    year            integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    reference_date  date NOT NULL,
    copied_from     integer,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cluster_code, year)
);

-- Membership is per period; rotation_position is the member's place in the rotation order.
CREATE TABLE period_members (
    cluster_code       text NOT NULL,
    year               integer NOT NULL,
    province_id        integer NOT NULL REFERENCES provinces (id),
    rotation_position  integer NOT NULL CHECK (rotation_position >= 1),
    PRIMARY KEY (cluster_code, year, province_id),
    CONSTRAINT period_members_position_unique UNIQUE (cluster_code, year, rotation_position)
        DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (cluster_code, year) REFERENCES cluster_periods (cluster_code, year) ON DELETE CASCADE
);

-- One lead and one deputy per period (the primary key), both members, never the same unit.
CREATE TABLE leaderships (
    cluster_code  text NOT NULL,
    year          integer NOT NULL,
    lead_id       integer NOT NULL,
    deputy_id     integer NOT NULL,
    method        text NOT NULL CHECK (method IN ('rotation', 'election')),
    decided_by    text NOT NULL,
    decided_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cluster_code, year),
    CHECK (lead_id <> deputy_id),
    FOREIGN KEY (cluster_code, year, lead_id)
        REFERENCES period_members (cluster_code, year, province_id) DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (cluster_code, year, deputy_id)
        REFERENCES period_members (cluster_code, year, province_id) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE accounts (
    id             serial PRIMARY KEY,
    username       text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
    password_hash  text NOT NULL,
    role           text NOT NULL CHECK (role IN ('ministry', 'province', 'service')),
    province_code  char(2) CHECK (province_code ~ '^[0-9]{2}$'),
    display_name   text,
    active         boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    -- A province account acts for exactly one province code; other roles for none.
    CHECK ((role = 'province') = (province_code IS NOT NULL))
);
