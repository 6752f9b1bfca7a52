-- Organisers and units. An organiser (cơ quan tổ chức: the Ministry of Home Affairs, a provincial
-- People's Committee, another ministry) runs its own clusters with its own emulation office staff.
-- A unit (đơn vị) is anything that takes part: a province, a department, a district, a commune,
-- a public service unit, an enterprise, a collective. Today's provinces become units of kind
-- 'province' without losing a row, an id or a date: every cluster period and leadership keeps
-- pointing at the same ids.

CREATE TABLE organisers (
    code           text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9-]{1,15}$'),
    name           text NOT NULL CHECK (length(btrim(name)) > 0 AND name = normalize(name, NFC)),
    kind           text NOT NULL CHECK (kind IN ('ministry', 'province', 'other')),
    -- A provincial People's Committee organises for one province; no one else names a province.
    province_code  char(2) UNIQUE CHECK (province_code ~ '^[0-9]{2}$'),
    -- The level of the awards it gives: a ministry's (Bằng khen của Bộ trưởng) or a province's.
    award_level    text NOT NULL CHECK (award_level IN ('ministry', 'province')),
    created_by     text NOT NULL DEFAULT 'migration',
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'province') = (province_code IS NOT NULL)),
    CHECK ((kind = 'province') = (award_level = 'province'))
);

-- The Ministry of Home Affairs organises every cluster thidua held before organisers existed.
INSERT INTO organisers (code, name, kind, province_code, award_level)
VALUES ('BNV', 'Bộ Nội vụ', 'ministry', NULL, 'ministry');

-- ---------------------------------------------------------------- provinces become units

ALTER TABLE provinces RENAME TO units;
ALTER SEQUENCE provinces_id_seq RENAME TO units_id_seq;
-- A province's 'province' or 'city' is its form; kind is now what the unit is.
ALTER TABLE units RENAME COLUMN kind TO form;
ALTER TABLE units DROP CONSTRAINT provinces_kind_check;
ALTER TABLE units ALTER COLUMN form DROP NOT NULL;
ALTER TABLE units DROP CONSTRAINT provinces_code_check;
ALTER TABLE units ALTER COLUMN code TYPE text;

ALTER TABLE units
    ADD COLUMN kind text NOT NULL DEFAULT 'province',
    ADD COLUMN organiser_code text NOT NULL DEFAULT 'BNV' REFERENCES organisers (code),
    -- The province a unit lies in (a commune, a district, a province's department); none for a province.
    ADD COLUMN province_code char(2) CHECK (province_code ~ '^[0-9]{2}$'),
    ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE units ALTER COLUMN kind DROP DEFAULT, ALTER COLUMN organiser_code DROP DEFAULT;

ALTER TABLE units
    ADD CONSTRAINT units_kind CHECK (kind IN ('province', 'department', 'district', 'commune', 'public_service',
                                              'enterprise', 'collective')),
    -- National codes for the national units (provinces: two digits, districts: three, communes:
    -- five, as in the national lists); every other code is one an office assigns, which starts with
    -- a letter, so the two can never collide. With the exclusion constraint (one unit per code on
    -- any day), an office's code is unique across every organiser.
    ADD CONSTRAINT units_code_by_kind CHECK (CASE kind
        WHEN 'province' THEN code ~ '^[0-9]{2}$'
        WHEN 'district' THEN code ~ '^[0-9]{3}$'
        WHEN 'commune' THEN code ~ '^[0-9]{5}$'
        ELSE code ~ '^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$' AND length(code) <= 16 END),
    ADD CONSTRAINT units_form_by_kind CHECK (CASE kind
        WHEN 'province' THEN form IN ('province', 'city')
        WHEN 'district' THEN form IN ('huyen', 'quan', 'thi_xa', 'thanh_pho')
        WHEN 'commune' THEN form IN ('xa', 'phuong', 'dac_khu', 'thi_tran')
        ELSE form IS NULL END),
    ADD CONSTRAINT units_province_by_kind CHECK (CASE kind
        WHEN 'province' THEN province_code IS NULL
        WHEN 'district' THEN province_code IS NOT NULL
        WHEN 'commune' THEN province_code IS NOT NULL
        ELSE true END);
CREATE INDEX units_organiser ON units (organiser_code, kind);

-- The provinces as the province routes have always read them.
CREATE VIEW provinces AS
SELECT id, code, name, form AS kind, valid_from, valid_to, successor_id, validity
  FROM units WHERE kind = 'province';

-- What happened to a unit, append-only: created, renamed (the old and the new name), merged into
-- a successor, dissolved; with the day it took effect, why, and who recorded it.
CREATE TABLE unit_changes (
    id              bigserial PRIMARY KEY,
    unit_id         integer NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('created', 'renamed', 'merged', 'absorbed', 'dissolved')),
    effective_date  date,
    details         jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(details) = 'object'),
    reason          text CHECK (reason IS NULL OR (length(btrim(reason)) > 0 AND reason = normalize(reason, NFC))),
    changed_by      text NOT NULL,
    changed_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX unit_changes_unit ON unit_changes (unit_id, id);

CREATE FUNCTION unit_changes_append_only() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    RAISE EXCEPTION 'a unit''s history is append-only'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'unit_changes_append_only';
END $$;
CREATE TRIGGER unit_changes_append_only BEFORE UPDATE ON unit_changes
    FOR EACH ROW EXECUTE FUNCTION unit_changes_append_only();

-- ---------------------------------------------------------------- clusters belong to an organiser

-- `organizer` stays the free-text name shown on documents; organiser_code says whose cluster it is.
ALTER TABLE clusters ADD COLUMN organiser_code text NOT NULL DEFAULT 'BNV' REFERENCES organisers (code);
CREATE INDEX clusters_organiser ON clusters (organiser_code, code);

-- ---------------------------------------------------------------- accounts

-- 'staff': an organiser's emulation office; 'unit': one unit of any kind (a 'province' account is
-- the unit account of a province, kept as it was).
ALTER TABLE accounts DROP CONSTRAINT accounts_role_check;
ALTER TABLE accounts
    ADD CONSTRAINT accounts_role_check CHECK (role IN ('ministry', 'province', 'service', 'staff', 'unit')),
    ADD COLUMN organiser_code text REFERENCES organisers (code),
    ADD COLUMN unit_code text CHECK (unit_code ~ '^[0-9A-Z][0-9A-Z-]{1,15}$'),
    ADD CONSTRAINT accounts_staff_organiser CHECK ((role = 'staff') = (organiser_code IS NOT NULL)),
    ADD CONSTRAINT accounts_unit_code CHECK ((role = 'unit') = (unit_code IS NOT NULL));
