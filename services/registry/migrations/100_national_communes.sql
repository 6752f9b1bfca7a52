-- The national list of communes after 1 July 2025 (xã, phường, đặc khu, with their five-digit codes)
-- is reference data: the migrate step loads it after the migrations (services.registry.service.
-- national_list), in production as in the demo. A commune of the list belongs to the organiser of
-- its province once the province's People's Committee is one, and to no organiser until then (the
-- ministry's units are the provinces); nothing else may be without an organiser.

ALTER TABLE units ALTER COLUMN organiser_code DROP NOT NULL;
ALTER TABLE units ADD CONSTRAINT units_organiser_unless_listed
    CHECK (organiser_code IS NOT NULL OR kind = 'commune');

-- The version of the national list that last carried the unit (NULL: not a unit of the list, such
-- as a commune an office recorded as history, before 2025-07-01).
ALTER TABLE units ADD COLUMN national_list text
    CHECK (national_list IS NULL OR kind = 'commune');
CREATE INDEX units_national_communes ON units (province_code, code) WHERE national_list IS NOT NULL;

-- Each version of the list loaded, with what it changed (append-only: a later version that renames
-- a commune records the rename in unit_changes, and its load here).
CREATE TABLE national_list_loads (
    version       text PRIMARY KEY,
    data_version  text,
    communes      integer NOT NULL CHECK (communes >= 0),
    provinces     integer NOT NULL CHECK (provinces >= 0),
    created       integer NOT NULL CHECK (created >= 0),
    renamed       integer NOT NULL CHECK (renamed >= 0),
    adopted       integer NOT NULL CHECK (adopted >= 0),
    not_listed    integer NOT NULL CHECK (not_listed >= 0),
    loaded_at     timestamptz NOT NULL DEFAULT now()
);
