-- Emulation movements (phong trào thi đua): a movement launched by an organiser over a scope of
-- units, in phases; units register their targets and titles, register models and examples, report
-- per phase; the organiser recognises models, reviews phases and selects models for a publication.
--
-- States are guarded here like the vote rounds (002_round_transitions.sql); the pairs are the ones
-- of movements/domain/states.py TRANSITIONS (a test compares them):
--   movement:      draft → launched → reviewing → closed
--   phase:         planned → open → ended → reviewed
--   registration:  registered ↔ withdrawn
--   model:         registered → under_assessment → recognised | not_recognised;
--                  not_recognised → under_assessment (reassessed on appeal)
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;

CREATE FUNCTION nominations.movement_transition_allowed(machine text, old_state text, new_state text)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT (machine, old_state, new_state) IN (
        ('movement', 'draft', 'launched'), ('movement', 'launched', 'reviewing'), ('movement', 'reviewing', 'closed'),
        ('phase', 'planned', 'open'), ('phase', 'open', 'ended'), ('phase', 'ended', 'reviewed'),
        ('registration', 'registered', 'withdrawn'), ('registration', 'withdrawn', 'registered'),
        ('model', 'registered', 'under_assessment'), ('model', 'under_assessment', 'recognised'),
        ('model', 'under_assessment', 'not_recognised'), ('model', 'not_recognised', 'under_assessment'))
$$;

-- Lower case without Vietnamese diacritics, đ → d: the models search matches "dan van kheo" and
-- "Dân vận khéo" alike with no extension (text is stored NFC, so precomposed letters suffice).
CREATE FUNCTION nominations.fold_vi(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT lower(translate(value,
        'àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ',
        'aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyydAAAAAAAAAAAAAAAAAEEEEEEEEEEEIIIIIOOOOOOOOOOOOOOOOOUUUUUUUUUUUYYYYYD'))
$$;

CREATE TABLE movements (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name                   text NOT NULL CHECK (length(name) BETWEEN 1 AND 300 AND name = normalize(name, NFC)),
    kind                   text NOT NULL CHECK (kind IN ('regular', 'thematic')),
    -- The organiser's code (the ministry BNV, a province's People's Committee UBND-22, a steering committee).
    organiser_code         text NOT NULL CHECK (organiser_code ~ '^[A-Z0-9][A-Z0-9._-]{0,39}$'),
    organiser_name         text NOT NULL CHECK (length(organiser_name) BETWEEN 1 AND 300),
    starts_on              date NOT NULL,
    ends_on                date NOT NULL,
    registration_deadline  date NOT NULL,
    -- [{"code", "text", "target"}], [{"code", "name"}] of titles and award forms it leads to, the model fields.
    criteria               jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(criteria) = 'array'),
    titles                 jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(titles) = 'array'),
    description            text,
    -- The launch document: number, date, signer.
    document_number        text,
    document_date          date,
    document_signer        text,
    state                  text NOT NULL DEFAULT 'draft'
                               CHECK (state IN ('draft', 'launched', 'reviewing', 'closed')),
    created_by             text NOT NULL,
    created_at             timestamptz NOT NULL DEFAULT now(),
    launched_at            timestamptz,
    updated_at             timestamptz NOT NULL DEFAULT now(),
    -- The day a reminder went out for the registration deadline (once per deadline).
    registration_reminded_for date,
    CONSTRAINT movements_period CHECK (ends_on >= starts_on),
    CONSTRAINT movements_deadline CHECK (registration_deadline <= ends_on),
    CONSTRAINT movements_launch_document CHECK (
        state = 'draft' OR (document_number IS NOT NULL AND document_date IS NOT NULL AND document_signer IS NOT NULL
                            AND launched_at IS NOT NULL))
);
CREATE INDEX movements_listing ON movements (created_at DESC, id);
CREATE INDEX movements_organiser ON movements (organiser_code, created_at DESC);

CREATE TABLE movement_phases (
    movement_id    uuid NOT NULL REFERENCES movements (id),
    number         integer NOT NULL CHECK (number BETWEEN 1 AND 20),
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    starts_on      date NOT NULL,
    ends_on        date NOT NULL,
    -- Units report their results for the phase up to this day (sơ kết).
    report_deadline date NOT NULL,
    state          text NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'open', 'ended', 'reviewed')),
    review_summary text,
    reviewed_at    timestamptz,
    reviewed_by    text,
    PRIMARY KEY (movement_id, number),
    CONSTRAINT movement_phases_dates CHECK (ends_on >= starts_on AND report_deadline >= ends_on),
    -- Phases never overlap.
    CONSTRAINT movement_phases_no_overlap EXCLUDE USING gist (
        movement_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&)
);

-- The units in scope (expected to register): a snapshot taken when the movement is written.
CREATE TABLE movement_units (
    movement_id    uuid NOT NULL REFERENCES movements (id),
    unit_code      text NOT NULL CHECK (unit_code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
    unit_name      text NOT NULL CHECK (length(unit_name) BETWEEN 1 AND 300),
    unit_kind      text NOT NULL CHECK (unit_kind IN ('ministry', 'province', 'commune', 'agency', 'other')),
    -- The parent level that sees the unit's registration and reminds it (a commune's province).
    parent_code    text CHECK (parent_code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
    PRIMARY KEY (movement_id, unit_code)
);
CREATE INDEX movement_units_parent ON movement_units (movement_id, parent_code, unit_code);

CREATE TABLE movement_registrations (
    movement_id    uuid NOT NULL,
    unit_code      text NOT NULL,
    state          text NOT NULL DEFAULT 'registered' CHECK (state IN ('registered', 'withdrawn')),
    -- [{"criterion", "target"}] and [{"title", "kind", "name"}] (the titles aimed for, đăng ký danh hiệu).
    targets        jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(targets) = 'array'),
    titles         jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(titles) = 'array'),
    note           text,
    registered_by  text NOT NULL,
    registered_at  timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (movement_id, unit_code),
    FOREIGN KEY (movement_id, unit_code) REFERENCES movement_units (movement_id, unit_code)
);

CREATE TABLE movement_models (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    movement_id        uuid NOT NULL REFERENCES movements (id),
    unit_code          text NOT NULL,
    phase_number       integer,
    title              text NOT NULL CHECK (length(title) BETWEEN 1 AND 300 AND title = normalize(title, NFC)),
    field              text NOT NULL CHECK (field ~ '^[a-z][a-z_]{1,39}$'),
    owner_kind         text NOT NULL CHECK (owner_kind IN ('unit', 'collective', 'individual')),
    owner_name         text NOT NULL CHECK (length(owner_name) BETWEEN 1 AND 300),
    description        text NOT NULL CHECK (length(description) BETWEEN 1 AND 20000),
    -- {"money_vnd": 120000000, "houses": 3, "households": 40}: non-negative counts and amounts.
    figures            jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(figures) = 'object'),
    state              text NOT NULL DEFAULT 'registered'
                           CHECK (state IN ('registered', 'under_assessment', 'recognised', 'not_recognised')),
    recognition_level  text CHECK (recognition_level IN ('commune', 'province', 'ministry', 'national')),
    decision_number    text,
    decision_date      date,
    assessment_note    text,
    -- How many evidence files it holds (kept by the file insert): a listing asks for files only then.
    file_count         integer NOT NULL DEFAULT 0 CHECK (file_count >= 0),
    registered_by      text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    -- What q= searches: title, owner and description, folded.
    search             text GENERATED ALWAYS AS (nominations.fold_vi(title || ' ' || owner_name || ' ' || description))
                           STORED,
    FOREIGN KEY (movement_id, unit_code) REFERENCES movement_units (movement_id, unit_code),
    FOREIGN KEY (movement_id, phase_number) REFERENCES movement_phases (movement_id, number),
    CONSTRAINT movement_models_recognition CHECK (
        (state = 'recognised') = (recognition_level IS NOT NULL AND decision_number IS NOT NULL
                                  AND decision_date IS NOT NULL))
);
CREATE INDEX movement_models_listing ON movement_models (movement_id, created_at, id);
CREATE INDEX movement_models_unit ON movement_models (movement_id, unit_code, field, state);

CREATE TABLE movement_model_files (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    model_id      uuid NOT NULL REFERENCES movement_models (id),
    filename      text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type  text NOT NULL,
    size_bytes    integer NOT NULL CHECK (size_bytes > 0),
    sha256        text NOT NULL,
    content       bytea NOT NULL,
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE movement_model_files ALTER COLUMN content SET STORAGE EXTERNAL;
CREATE INDEX movement_model_files_model ON movement_model_files (model_id, created_at);

-- A unit's results for a phase (sơ kết) or, with phase_number 0, for the whole movement (tổng kết).
CREATE TABLE movement_reports (
    movement_id    uuid NOT NULL,
    unit_code      text NOT NULL,
    phase_number   integer NOT NULL CHECK (phase_number >= 0),
    -- [{"criterion", "result"}] against the registration's targets.
    results        jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(results) = 'array'),
    summary        text NOT NULL CHECK (length(summary) BETWEEN 1 AND 20000),
    submitted_by   text NOT NULL,
    submitted_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (movement_id, phase_number, unit_code),
    FOREIGN KEY (movement_id, unit_code) REFERENCES movement_units (movement_id, unit_code)
);

-- A deadline the organiser extended (the audit log has who and why; this is what is in force).
CREATE TABLE movement_extensions (
    movement_id    uuid NOT NULL REFERENCES movements (id),
    window_name    text NOT NULL CHECK (window_name ~ '^(registration|report:[0-9]{1,2})$'),
    until          date NOT NULL,
    reason         text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    extended_by    text NOT NULL,
    extended_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (movement_id, window_name)
);

-- The organiser's selection of recognised models for a publication ("100 mô hình tiêu biểu").
CREATE TABLE movement_publications (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    movement_id   uuid NOT NULL REFERENCES movements (id),
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE movement_publication_models (
    publication_id uuid NOT NULL REFERENCES movement_publications (id) ON DELETE CASCADE,
    model_id       uuid NOT NULL REFERENCES movement_models (id),
    position       integer NOT NULL CHECK (position >= 1),
    PRIMARY KEY (publication_id, model_id),
    UNIQUE (publication_id, position)
);

CREATE FUNCTION nominations.guard_movement_state() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    machine text := TG_ARGV[0];
    first_state text := TG_ARGV[1];
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.state <> first_state THEN
            RAISE EXCEPTION 'a % starts as %, not %', machine, first_state, NEW.state
                USING ERRCODE = 'check_violation', CONSTRAINT = TG_TABLE_NAME || '_state_transition';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.state IS DISTINCT FROM OLD.state
       AND NOT nominations.movement_transition_allowed(machine, OLD.state, NEW.state) THEN
        RAISE EXCEPTION 'a % cannot go from % to %', machine, OLD.state, NEW.state
            USING ERRCODE = 'check_violation', CONSTRAINT = TG_TABLE_NAME || '_state_transition';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER movements_state BEFORE INSERT OR UPDATE ON movements
    FOR EACH ROW EXECUTE FUNCTION nominations.guard_movement_state('movement', 'draft');
CREATE TRIGGER movement_phases_state BEFORE INSERT OR UPDATE ON movement_phases
    FOR EACH ROW EXECUTE FUNCTION nominations.guard_movement_state('phase', 'planned');
CREATE TRIGGER movement_registrations_state BEFORE INSERT OR UPDATE ON movement_registrations
    FOR EACH ROW EXECUTE FUNCTION nominations.guard_movement_state('registration', 'registered');
CREATE TRIGGER movement_models_state BEFORE INSERT OR UPDATE ON movement_models
    FOR EACH ROW EXECUTE FUNCTION nominations.guard_movement_state('model', 'registered');

-- What was launched is what the units answered: scope, phases and period are fixed once launched
-- (a phase still moves through its states; a deadline moves only by an audited extension).
CREATE FUNCTION nominations.movement_is_draft(movement uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT state = 'draft' FROM nominations.movements WHERE id = movement
$$;

CREATE FUNCTION nominations.guard_movement_scope() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT coalesce(nominations.movement_is_draft(CASE WHEN TG_OP = 'DELETE' THEN OLD.movement_id
                                                      ELSE NEW.movement_id END), true) THEN
        RAISE EXCEPTION 'the movement is launched: its units in scope are fixed'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'movement_units_frozen';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER movement_units_frozen BEFORE INSERT OR UPDATE OR DELETE ON movement_units
    FOR EACH ROW EXECUTE FUNCTION nominations.guard_movement_scope();

CREATE FUNCTION nominations.guard_movement_phase_dates() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF (NEW.starts_on, NEW.ends_on, NEW.report_deadline, NEW.number)
               IS NOT DISTINCT FROM (OLD.starts_on, OLD.ends_on, OLD.report_deadline, OLD.number) THEN
            RETURN NEW;
        END IF;
    END IF;
    IF NOT coalesce(nominations.movement_is_draft(CASE WHEN TG_OP = 'DELETE' THEN OLD.movement_id
                                                      ELSE NEW.movement_id END), true) THEN
        RAISE EXCEPTION 'the movement is launched: its phases are fixed'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'movement_phases_frozen';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER movement_phases_frozen BEFORE INSERT OR UPDATE OR DELETE ON movement_phases
    FOR EACH ROW EXECUTE FUNCTION nominations.guard_movement_phase_dates();

CREATE FUNCTION nominations.guard_movement_period() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state <> 'draft' AND (NEW.starts_on, NEW.ends_on, NEW.registration_deadline, NEW.organiser_code)
            IS DISTINCT FROM (OLD.starts_on, OLD.ends_on, OLD.registration_deadline, OLD.organiser_code) THEN
        RAISE EXCEPTION 'movement % is %: its period, deadline and organiser are fixed', OLD.id, OLD.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'movements_frozen';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER movements_frozen BEFORE UPDATE ON movements
    FOR EACH ROW EXECUTE FUNCTION nominations.guard_movement_period();
