-- Award forms as versioned configuration: every form keeps the versions it has had, each holding from
-- its year on (until a later version's year), so an organiser renames or changes a form from a year
-- without rewriting what the earlier years read. award_forms stays the form as configured now (its
-- latest version), which proposals and decisions use as before. Today's forms carry over as their
-- version 1, holding from 2000 (every year the service has known).
CREATE TABLE award_form_versions (
    code              text NOT NULL REFERENCES award_forms (code),
    version           integer NOT NULL CHECK (version >= 1),
    valid_from_year   integer NOT NULL CHECK (valid_from_year BETWEEN 2000 AND 2100),
    organiser         text NOT NULL CHECK (organiser ~ '^[A-Z][A-Z0-9-]{1,15}$'),
    name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200 AND name = normalize(name, NFC)),
    recipients        text NOT NULL CHECK (recipients IN ('collective', 'individual', 'both')),
    from_vote_only    boolean NOT NULL,
    round_award       text CHECK (round_award IN ('government_flag', 'ministry_flag', 'certificate_of_merit')),
    capped            boolean NOT NULL,
    individual_fields jsonb NOT NULL CHECK (jsonb_typeof(individual_fields) = 'array'),
    position          integer NOT NULL,
    active            boolean NOT NULL,
    created_by        text NOT NULL CHECK (length(created_by) > 0),
    created_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (code, version),
    UNIQUE (code, valid_from_year)
);
CREATE INDEX award_form_versions_organiser ON award_form_versions (organiser, valid_from_year);

INSERT INTO award_form_versions (code, version, valid_from_year, organiser, name, recipients, from_vote_only,
                                 round_award, capped, individual_fields, position, active, created_by)
SELECT code, 1, 2000, organiser, name, recipients, from_vote_only, round_award, capped, individual_fields, position,
       active, 'migration'
  FROM award_forms;
