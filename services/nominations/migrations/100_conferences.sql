-- The cluster's year-end conference (hội nghị tổng kết): date, place, host (the lead), chair,
-- secretary, agenda; the member units named by the registry when it was scheduled; each unit's
-- delegates (who votes for the unit) and the guests without a vote; their check-ins.
--
-- States are guarded here like the vote rounds; the pairs are conferences/domain/states.py
-- TRANSITIONS (a test compares them):  scheduled → in_session → adjourned
CREATE FUNCTION nominations.conference_transition_allowed(old_state text, new_state text)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT (old_state, new_state) IN (('scheduled', 'in_session'), ('in_session', 'adjourned'))
$$;

CREATE TABLE conferences (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    cluster_code        text NOT NULL CHECK (cluster_code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
    cluster_name        text NOT NULL,
    -- The cluster's organiser (the ministry BNV, a province's People's Committee...): its emulation
    -- office keeps the secretary's desk beside the host.
    organiser           text NOT NULL DEFAULT 'BNV',
    year                integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    held_on             date NOT NULL,
    place               text NOT NULL CHECK (length(place) BETWEEN 1 AND 300 AND place = normalize(place, NFC)),
    -- The host is the cluster-year's lead in the registry when the conference was scheduled.
    host_code           text NOT NULL,
    host_name           text NOT NULL,
    chair_name          text NOT NULL CHECK (length(chair_name) BETWEEN 1 AND 200),
    chair_position      text NOT NULL CHECK (length(chair_position) BETWEEN 1 AND 300),
    secretary_name      text NOT NULL CHECK (length(secretary_name) BETWEEN 1 AND 200),
    secretary_position  text NOT NULL CHECK (length(secretary_position) BETWEEN 1 AND 300),
    agenda              jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(agenda) = 'array'),
    -- [{"code", "name"}]: the members of the cluster-year on the day it was scheduled.
    members             jsonb NOT NULL CHECK (jsonb_typeof(members) = 'array' AND jsonb_array_length(members) > 0),
    -- The share of member units present for the quorum (two thirds unless the conference says otherwise).
    quorum_numerator    integer NOT NULL DEFAULT 2,
    quorum_denominator  integer NOT NULL DEFAULT 3,
    state               text NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'in_session', 'adjourned')),
    created_by          text NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    opened_at           timestamptz,
    adjourned_at        timestamptz,
    -- When the check-in that first made the quorum happened (its event goes out once).
    quorum_reached_at   timestamptz,
    CONSTRAINT conferences_quorum CHECK (quorum_numerator > 0 AND quorum_denominator > 0
                                         AND quorum_numerator <= quorum_denominator),
    CONSTRAINT conferences_opened CHECK ((state = 'scheduled') = (opened_at IS NULL)),
    CONSTRAINT conferences_adjourned CHECK ((state = 'adjourned') = (adjourned_at IS NOT NULL))
);
CREATE INDEX conferences_cluster_year ON conferences (cluster_code, year, created_at DESC);
CREATE INDEX conferences_listing ON conferences (created_at DESC, id);

CREATE FUNCTION nominations.conference_guard_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state
       AND NOT nominations.conference_transition_allowed(OLD.state, NEW.state) THEN
        RAISE EXCEPTION 'a conference cannot go from % to %', OLD.state, NEW.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'conferences_state_transition';
    END IF;
    IF NEW.members IS DISTINCT FROM OLD.members OR NEW.host_code IS DISTINCT FROM OLD.host_code
       OR NEW.cluster_code IS DISTINCT FROM OLD.cluster_code OR NEW.year IS DISTINCT FROM OLD.year THEN
        RAISE EXCEPTION 'a conference keeps its cluster-year, host and members'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'conferences_fixed';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER conferences_transition BEFORE UPDATE ON conferences
    FOR EACH ROW EXECUTE FUNCTION nominations.conference_guard_transition();

-- A delegate of a member unit (votes for it, or not) or a guest (the organiser's representative)
-- who never votes.
CREATE TABLE conference_attendees (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    conference_id    uuid NOT NULL REFERENCES conferences (id),
    kind             text NOT NULL CHECK (kind IN ('delegate', 'guest')),
    unit_code        text,
    unit_name        text,
    organisation     text CHECK (organisation IS NULL OR length(organisation) BETWEEN 1 AND 300),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200 AND name = normalize(name, NFC)),
    position         text NOT NULL CHECK (length(position) BETWEEN 1 AND 300 AND position = normalize(position, NFC)),
    votes            boolean NOT NULL,
    added_by         text NOT NULL,
    added_at         timestamptz NOT NULL DEFAULT now(),
    checked_in_at    timestamptz,
    checked_in_by    text,
    check_in_method  text CHECK (check_in_method IN ('self', 'secretary')),
    CONSTRAINT conference_attendees_kind CHECK (
        (kind = 'delegate' AND unit_code IS NOT NULL AND unit_name IS NOT NULL)
        OR (kind = 'guest' AND unit_code IS NULL AND NOT votes AND organisation IS NOT NULL)),
    CONSTRAINT conference_attendees_check_in CHECK (
        (checked_in_at IS NULL AND checked_in_by IS NULL AND check_in_method IS NULL)
        OR (checked_in_at IS NOT NULL AND checked_in_by IS NOT NULL AND check_in_method IS NOT NULL))
);
-- One delegate votes for a unit.
CREATE UNIQUE INDEX conference_attendees_one_voter ON conference_attendees (conference_id, unit_code) WHERE votes;
CREATE INDEX conference_attendees_of ON conference_attendees (conference_id, added_at, id);

-- The roster and the check-ins change only before the conference is adjourned, and a check-in is
-- never undone or moved.
CREATE FUNCTION nominations.conference_attendee_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    conference_state text;
BEGIN
    SELECT state INTO conference_state FROM nominations.conferences WHERE id = NEW.conference_id;
    IF conference_state = 'adjourned' THEN
        RAISE EXCEPTION 'the conference is adjourned: its roster is final'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'conference_attendees_adjourned';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.checked_in_at IS NOT NULL
       AND (NEW.checked_in_at, NEW.checked_in_by, NEW.check_in_method)
           IS DISTINCT FROM (OLD.checked_in_at, OLD.checked_in_by, OLD.check_in_method) THEN
        RAISE EXCEPTION 'a check-in is never undone'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'conference_attendees_checked_in';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER conference_attendees_guard BEFORE INSERT OR UPDATE ON conference_attendees
    FOR EACH ROW EXECUTE FUNCTION nominations.conference_attendee_guard();
