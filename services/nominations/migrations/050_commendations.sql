-- Commendations (khen thưởng): award forms, proposals of collectives and individuals, attachments,
-- the ministry's decisions and the award register. States are guarded here like the vote rounds
-- (002_round_transitions.sql): the pairs are commendations/domain/states.py TRANSITIONS (a test
-- compares them).

-- The forms the ministry configures (Cờ thi đua của Chính phủ, Cờ thi đua của Bộ, Bằng khen...).
CREATE TABLE award_forms (
    code            text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200 AND name = normalize(name, NFC)),
    -- Who may receive it: a flag goes to collectives only.
    recipients      text NOT NULL CHECK (recipients IN ('collective', 'individual', 'both')),
    -- Given only through a cluster's flag vote (an approved round carries its units in), never proposed by hand.
    from_vote_only  boolean NOT NULL DEFAULT false,
    -- The award of the vote rounds whose approval carries units into this form.
    round_award     text UNIQUE CHECK (round_award IN ('government_flag', 'ministry_flag', 'certificate_of_merit')),
    -- Counted against the Government-flag cap (NOMINATIONS_GOVERNMENT_FLAG_CAP_SHARE).
    capped          boolean NOT NULL DEFAULT false,
    -- Extra fields the ministry's form asks of an individual: [{"key", "label", "required"}].
    individual_fields jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(individual_fields) = 'array'),
    position        integer NOT NULL DEFAULT 100,
    active          boolean NOT NULL DEFAULT true,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

INSERT INTO award_forms (code, name, recipients, from_vote_only, round_award, capped, position) VALUES
    ('government_flag', 'Cờ thi đua của Chính phủ', 'collective', true, 'government_flag', true, 10),
    ('ministry_flag', 'Cờ thi đua của Bộ Nội vụ', 'collective', true, 'ministry_flag', false, 20),
    ('pm_certificate', 'Bằng khen của Thủ tướng Chính phủ', 'both', false, NULL, false, 30),
    ('minister_certificate', 'Bằng khen của Bộ trưởng Bộ Nội vụ', 'both', false, 'certificate_of_merit', false, 40),
    ('excellent_collective', 'Tập thể lao động xuất sắc', 'collective', false, NULL, false, 50),
    ('ministry_emulation_fighter', 'Chiến sĩ thi đua cấp Bộ', 'individual', false, NULL, false, 60);
UPDATE award_forms SET name = normalize(name, NFC);

-- One cluster-year's list: who leads it (from the registry, refreshed on every lead action).
CREATE TABLE commendation_lists (
    cluster_code  text NOT NULL CHECK (cluster_code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
    year          integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    cluster_name  text NOT NULL CHECK (length(cluster_name) > 0),
    lead_code     text CHECK (lead_code ~ '^[0-9]{2}$'),
    -- code → name of the cluster-year's members, from the registry.
    unit_names    jsonb NOT NULL DEFAULT '{}'::jsonb,
    sent_count    integer NOT NULL DEFAULT 0,
    last_sent_at  timestamptz,
    last_sent_by  text,
    PRIMARY KEY (cluster_code, year)
);

CREATE TABLE proposals (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    cluster_code   text NOT NULL,
    year           integer NOT NULL,
    province_code  text NOT NULL CHECK (province_code ~ '^[0-9]{2}$'),
    province_name  text NOT NULL CHECK (length(province_name) > 0),
    form_code      text NOT NULL REFERENCES award_forms (code),
    -- 'vote': carried in by an approved flag vote (round_id); 'province': drafted by the province.
    origin         text NOT NULL DEFAULT 'province' CHECK (origin IN ('province', 'vote')),
    round_id       uuid REFERENCES rounds (id),
    state          text NOT NULL DEFAULT 'draft' CONSTRAINT proposals_state_known CHECK (state IN (
                       'draft', 'submitted', 'accepted', 'returned', 'sent', 'approved', 'rejected', 'awarded')),
    created_by     text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    submitted_at   timestamptz,
    sent_at        timestamptz,
    FOREIGN KEY (cluster_code, year) REFERENCES commendation_lists (cluster_code, year),
    UNIQUE (id, year, form_code),
    CONSTRAINT proposals_vote_origin CHECK ((origin = 'vote') = (round_id IS NOT NULL))
);
-- One proposal per province, form and cluster-year drafted by hand, one per round carried in.
CREATE UNIQUE INDEX proposals_one_per_form ON proposals (cluster_code, year, province_code, form_code)
    WHERE origin = 'province';
CREATE UNIQUE INDEX proposals_one_per_round ON proposals (round_id, province_code) WHERE round_id IS NOT NULL;
CREATE INDEX proposals_listing ON proposals (created_at, id);
CREATE INDEX proposals_cluster_year ON proposals (cluster_code, year, state);

CREATE TABLE nominees (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    proposal_id    uuid NOT NULL,
    year           integer NOT NULL,
    form_code      text NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('collective', 'individual')),
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 300 AND name = normalize(name, NFC)),
    position       text CHECK (position = normalize(position, NFC)),
    unit           text CHECK (unit = normalize(unit, NFC)),
    birth_date     date,
    gender         text CHECK (gender IN ('nam', 'nữ')),
    fields         jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(fields) = 'object'),
    summary        text NOT NULL CHECK (length(summary) >= 1 AND summary = normalize(summary, NFC)),
    -- Who this is, whatever the spelling: kind, name without diacritics, birth date or province
    -- (commendations/domain/rules.py identity_key). The same nominee is proposed for a form once a year.
    identity_key   text NOT NULL,
    state          text NOT NULL DEFAULT 'draft' CONSTRAINT nominees_state_known CHECK (state IN (
                       'draft', 'submitted', 'accepted', 'returned', 'sent', 'approved', 'rejected', 'awarded')),
    return_reason  text,
    reject_reason  text,
    reviewed_by    text,
    decided_by     text,
    position_in_list integer NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (proposal_id, year, form_code) REFERENCES proposals (id, year, form_code),
    CONSTRAINT nominees_individual_fields CHECK (kind = 'collective' OR birth_date IS NOT NULL),
    CONSTRAINT nominees_return_reason CHECK (state <> 'returned' OR return_reason IS NOT NULL),
    CONSTRAINT nominees_reject_reason CHECK (state <> 'rejected' OR reject_reason IS NOT NULL)
);
CREATE INDEX nominees_proposal ON nominees (proposal_id, position_in_list, created_at);
CREATE INDEX nominees_review ON nominees (state, year);
-- The same nominee cannot receive the same award form twice in one year (a rejected proposal frees it).
CREATE UNIQUE INDEX nominees_once_per_form_year ON nominees (year, form_code, identity_key) WHERE state <> 'rejected';

CREATE TABLE attachments (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    proposal_id   uuid NOT NULL REFERENCES proposals (id),
    nominee_id    uuid REFERENCES nominees (id) ON DELETE CASCADE,
    filename      text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type  text NOT NULL,
    size_bytes    bigint NOT NULL CHECK (size_bytes > 0),
    sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    -- 'db': the bytes are in content. An S3-compatible store would set storage = 's3' and a key.
    storage       text NOT NULL DEFAULT 'db' CHECK (storage IN ('db')),
    content       bytea NOT NULL,
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (octet_length(content) = size_bytes)
);
ALTER TABLE attachments ALTER COLUMN content SET STORAGE EXTERNAL;  -- already compressed formats: no TOAST compression
CREATE INDEX attachments_proposal ON attachments (proposal_id, created_at);

CREATE TABLE decisions (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Số, ký hiệu: 1234/QĐ-BNV (Decree 30/2020: number/type-issuer, no spaces).
    number        text NOT NULL UNIQUE CHECK (number ~ '^[0-9]{1,6}/Q[ĐD]-[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*$'),
    year          integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    summary       text NOT NULL CHECK (length(summary) BETWEEN 1 AND 500),
    signed_on     date NOT NULL,
    signer_name   text NOT NULL CHECK (length(signer_name) BETWEEN 1 AND 200),
    signer_title  text NOT NULL CHECK (length(signer_title) BETWEEN 1 AND 200),
    bases         text[] NOT NULL DEFAULT '{}',
    state         text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'issued')),
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    issued_at     timestamptz,
    issued_by     text,
    CONSTRAINT decisions_issued_fields CHECK ((state = 'issued') = (issued_at IS NOT NULL AND issued_by IS NOT NULL))
);
CREATE INDEX decisions_listing ON decisions (created_at, id);

CREATE TABLE decision_entries (
    decision_id   uuid NOT NULL REFERENCES decisions (id),
    nominee_id    uuid NOT NULL UNIQUE REFERENCES nominees (id),
    PRIMARY KEY (decision_id, nominee_id)
);

-- Who received awards across the years: an individual is one holder whatever the year or province.
CREATE TABLE award_holders (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    identity_key  text NOT NULL UNIQUE
);

-- The award register (sổ khen thưởng): what an issued decision published, nothing personal beyond it.
CREATE TABLE awards (
    id              bigserial PRIMARY KEY,
    decision_id     uuid NOT NULL REFERENCES decisions (id),
    nominee_id      uuid NOT NULL UNIQUE REFERENCES nominees (id),
    holder_id       uuid NOT NULL REFERENCES award_holders (id),
    year            integer NOT NULL,
    form_code       text NOT NULL REFERENCES award_forms (code),
    form_name       text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('collective', 'individual')),
    name            text NOT NULL,
    -- The name lower-cased, without diacritics, đ → d (commendations/domain/rules.py search_text):
    -- "Nguyen Van An" finds "Nguyễn Văn An" with no database extension.
    name_search     text NOT NULL,
    position        text,
    unit            text,
    province_code   text NOT NULL,
    province_name   text NOT NULL,
    cluster_code    text NOT NULL,
    decision_number text NOT NULL,
    decision_date   date NOT NULL,
    UNIQUE (year, form_code, holder_id)
);
CREATE INDEX awards_year ON awards (year, form_code, province_code, id);
CREATE INDEX awards_holder ON awards (holder_id, year);
