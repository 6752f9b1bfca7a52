-- An organiser's emulation council (Hội đồng thi đua, khen thưởng), its members per term, its
-- thresholds, and its sessions: roster, check-ins, quorum and the SECRET ballot per nominee.
--
-- Secrecy as the vote rounds (003_ballots.sql): WHO voted (council_voters) and WHAT was voted
-- (council_ballots) share nothing but the session: no member id, no timestamp on a ballot, random
-- ids, the approved nominees in one sorted spelling; the close rewrites the ballots in random order
-- (system columns would otherwise pair the rows of one cast).
--
-- Session states, the pairs of councils/domain/states.py TRANSITIONS (a test compares them):
--     scheduled → open → closed
CREATE FUNCTION nominations.council_session_transition_allowed(old_state text, new_state text)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT (old_state, new_state) IN (('scheduled', 'open'), ('open', 'closed'))
$$;

-- One council per organiser and term, from its founding decision.
CREATE TABLE councils (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organiser        text NOT NULL CHECK (organiser ~ '^[A-Z][A-Z0-9-]{1,15}$'),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 300 AND name = normalize(name, NFC)),
    term_from        date NOT NULL,
    term_to          date,
    decision_number  text NOT NULL CHECK (length(decision_number) BETWEEN 1 AND 100),
    decision_date    date NOT NULL,
    created_by       text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT councils_term CHECK (term_to IS NULL OR term_to >= term_from),
    CONSTRAINT councils_one_per_term UNIQUE (organiser, term_from)
);

CREATE TABLE council_members (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    council_id       uuid NOT NULL REFERENCES councils (id),
    place            integer NOT NULL CHECK (place >= 0),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200 AND name = normalize(name, NFC)),
    position         text NOT NULL CHECK (length(position) BETWEEN 1 AND 300 AND position = normalize(position, NFC)),
    role             text NOT NULL CHECK (role IN ('chair', 'vice_chair', 'member')),
    -- The registry account the member signs in with (its username): the member's own ballot.
    account          text NOT NULL CHECK (length(account) BETWEEN 1 AND 100),
    CONSTRAINT council_members_account UNIQUE (council_id, account),
    CONSTRAINT council_members_place UNIQUE (council_id, place)
);
CREATE UNIQUE INDEX council_members_one_chair ON council_members (council_id) WHERE role = 'chair';

-- The members are the founding decision's: never changed or removed (a new term is a new council).
CREATE FUNCTION nominations.council_rows_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never changed', TG_TABLE_NAME
        USING ERRCODE = 'check_violation', CONSTRAINT = TG_TABLE_NAME || '_fixed';
END $$;
CREATE TRIGGER council_members_fixed BEFORE UPDATE OR DELETE ON council_members
    FOR EACH ROW EXECUTE FUNCTION nominations.council_rows_fixed();

-- An organiser's share per award form from an effective date (versions are never edited: a later
-- one replaces it).
CREATE TABLE council_thresholds (
    organiser        text NOT NULL CHECK (organiser ~ '^[A-Z][A-Z0-9-]{1,15}$'),
    form_code        text NOT NULL REFERENCES award_forms (code),
    effective_from   date NOT NULL,
    numerator        integer NOT NULL,
    denominator      integer NOT NULL,
    basis            text NOT NULL CHECK (length(basis) BETWEEN 1 AND 300 AND basis = normalize(basis, NFC)),
    created_by       text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organiser, form_code, effective_from),
    CONSTRAINT council_thresholds_share CHECK (numerator > 0 AND denominator > 0 AND numerator <= denominator
                                               AND denominator <= 1000)
);
CREATE TRIGGER council_thresholds_fixed BEFORE UPDATE OR DELETE ON council_thresholds
    FOR EACH ROW EXECUTE FUNCTION nominations.council_rows_fixed();

CREATE TABLE council_sessions (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    council_id          uuid NOT NULL REFERENCES councils (id),
    organiser           text NOT NULL,
    year                integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    held_on             date NOT NULL,
    place               text NOT NULL CHECK (length(place) BETWEEN 1 AND 300 AND place = normalize(place, NFC)),
    title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 300 AND title = normalize(title, NFC)),
    -- All the council's members when the session was scheduled: every threshold counts against it.
    members_total       integer NOT NULL CHECK (members_total >= 1),
    quorum_numerator    integer NOT NULL DEFAULT 2,
    quorum_denominator  integer NOT NULL DEFAULT 3,
    -- {"form_code": n}: at most n nominees of that form approved this session, ranked by votes.
    quotas              jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(quotas) = 'object'),
    state               text NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'open', 'closed')),
    created_by          text NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    opened_at           timestamptz,
    closed_at           timestamptz,
    -- The count and the outcome per nominee, written by the close.
    result              jsonb,
    CONSTRAINT council_sessions_quorum CHECK (quorum_numerator > 0 AND quorum_denominator > 0
                                              AND quorum_numerator <= quorum_denominator),
    CONSTRAINT council_sessions_opened CHECK ((state = 'scheduled') = (opened_at IS NULL)),
    CONSTRAINT council_sessions_closed CHECK ((state = 'closed') = (closed_at IS NOT NULL)
                                              AND (state = 'closed') = (result IS NOT NULL))
);
CREATE INDEX council_sessions_of ON council_sessions (council_id, created_at DESC, id);

CREATE FUNCTION nominations.council_session_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state
       AND NOT nominations.council_session_transition_allowed(OLD.state, NEW.state) THEN
        RAISE EXCEPTION 'a council session cannot go from % to %', OLD.state, NEW.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'council_sessions_state_transition';
    END IF;
    IF OLD.state = 'closed' OR NEW.council_id IS DISTINCT FROM OLD.council_id
       OR NEW.members_total IS DISTINCT FROM OLD.members_total OR NEW.quotas IS DISTINCT FROM OLD.quotas THEN
        RAISE EXCEPTION 'a council session keeps its council, members, quotas; a closed one keeps everything'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'council_sessions_fixed';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER council_sessions_transition BEFORE UPDATE ON council_sessions
    FOR EACH ROW EXECUTE FUNCTION nominations.council_session_guard();

-- The nominees a session votes on (the cluster lists the organiser received), with the threshold
-- each needs. A nominee is put to its council once.
CREATE TABLE council_session_nominees (
    session_id          uuid NOT NULL REFERENCES council_sessions (id),
    nominee_id          uuid NOT NULL REFERENCES nominees (id),
    place               integer NOT NULL CHECK (place >= 0),
    form_code           text NOT NULL,
    form_name           text NOT NULL,
    kind                text NOT NULL,
    name                text NOT NULL,
    position            text,
    unit                text,
    province_code       text NOT NULL,
    province_name       text NOT NULL,
    cluster_code        text NOT NULL,
    threshold_numerator   integer NOT NULL,
    threshold_denominator integer NOT NULL,
    threshold_basis     text NOT NULL,
    PRIMARY KEY (session_id, nominee_id),
    CONSTRAINT council_session_nominees_once UNIQUE (nominee_id),
    CONSTRAINT council_session_nominees_share CHECK (threshold_numerator > 0 AND threshold_denominator > 0
                                                     AND threshold_numerator <= threshold_denominator)
);
CREATE TRIGGER council_session_nominees_fixed BEFORE UPDATE OR DELETE ON council_session_nominees
    FOR EACH ROW EXECUTE FUNCTION nominations.council_rows_fixed();

-- Attendance: a member checks in once (itself or at the secretary's desk), before the close.
CREATE TABLE council_attendance (
    session_id      uuid NOT NULL REFERENCES council_sessions (id),
    member_id       uuid NOT NULL REFERENCES council_members (id),
    checked_in_at   timestamptz NOT NULL DEFAULT now(),
    checked_in_by   text NOT NULL,
    method          text NOT NULL CHECK (method IN ('self', 'secretary')),
    PRIMARY KEY (session_id, member_id)
);
CREATE TRIGGER council_attendance_fixed BEFORE UPDATE OR DELETE ON council_attendance
    FOR EACH ROW EXECUTE FUNCTION nominations.council_rows_fixed();

-- WHO voted: one row per member per session (the primary key: one ballot each), in person (its own
-- account) or in writing (an absent member's written ballot, entered by the secretary with its
-- reference). No timestamp: the session carries the times.
CREATE TABLE council_voters (
    session_id      uuid NOT NULL REFERENCES council_sessions (id),
    member_id       uuid NOT NULL REFERENCES council_members (id),
    channel         text NOT NULL CHECK (channel IN ('in_person', 'written')),
    document_ref    text CHECK (length(document_ref) BETWEEN 1 AND 200),
    PRIMARY KEY (session_id, member_id),
    CONSTRAINT council_voters_written_has_document CHECK ((channel = 'written') = (document_ref IS NOT NULL))
);

-- WHAT was voted: the nominees the ballot agrees with (sorted, distinct), and its commitment.
CREATE TABLE council_ballots (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    session_id  uuid NOT NULL REFERENCES council_sessions (id),
    approve     text[] NOT NULL CONSTRAINT council_ballots_canonical
                    CHECK (approve = nominations.canonical_choices(approve)),
    commitment  text NOT NULL UNIQUE CHECK (commitment ~ '^[0-9a-f]{64}$')
);
CREATE INDEX council_ballots_session ON council_ballots (session_id);

-- Both enter only an open session; a voter is a member of the session's council; a ballot agrees
-- only with the session's nominees.
CREATE FUNCTION nominations.council_vote_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    IF TG_TABLE_NAME = 'council_voters' THEN
        SELECT n.session_id INTO bad
          FROM inserted n LEFT JOIN nominations.council_sessions s ON s.id = n.session_id
          LEFT JOIN nominations.council_members m ON m.id = n.member_id AND m.council_id = s.council_id
         WHERE s.state IS DISTINCT FROM 'open' OR m.id IS NULL LIMIT 1;
    ELSE
        SELECT n.session_id INTO bad
          FROM inserted n LEFT JOIN nominations.council_sessions s ON s.id = n.session_id
         WHERE s.state IS DISTINCT FROM 'open'
            OR EXISTS (SELECT 1 FROM unnest(n.approve) a
                        WHERE NOT EXISTS (SELECT 1 FROM nominations.council_session_nominees c
                                           WHERE c.session_id = n.session_id AND c.nominee_id::text = a))
         LIMIT 1;
    END IF;
    IF FOUND THEN
        RAISE EXCEPTION 'council session % takes no such vote', bad.session_id
            USING ERRCODE = 'check_violation', CONSTRAINT = TG_TABLE_NAME || '_session_open';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER council_voters_checked AFTER INSERT ON council_voters
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION nominations.council_vote_guard();
CREATE TRIGGER council_ballots_checked AFTER INSERT ON council_ballots
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION nominations.council_vote_guard();
CREATE TRIGGER council_voters_fixed BEFORE UPDATE OR DELETE ON council_voters
    FOR EACH ROW EXECUTE FUNCTION nominations.council_rows_fixed();
CREATE TRIGGER council_ballots_no_update BEFORE UPDATE ON council_ballots
    FOR EACH ROW EXECUTE FUNCTION nominations.council_rows_fixed();

-- Ballots are removed only by the close's shuffle, while the session is still open.
CREATE FUNCTION nominations.council_ballot_delete_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM removed o JOIN nominations.council_sessions s ON s.id = o.session_id
                WHERE s.state <> 'open') THEN
        RAISE EXCEPTION 'ballots of a closed council session are never removed'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'council_ballots_kept';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER council_ballots_delete_checked AFTER DELETE ON council_ballots
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION nominations.council_ballot_delete_guard();

-- Sealed Idempotency-Key answers of ballots (as ballot_idempotency, 004): nothing readable without
-- the key only the member's client holds; no timestamp.
CREATE TABLE council_ballot_idempotency (
    key_hash     text PRIMARY KEY CHECK (key_hash ~ '^[0-9a-f]{64}$'),
    session_id   uuid NOT NULL REFERENCES council_sessions (id),
    request_mac  text NOT NULL CHECK (request_mac ~ '^[0-9a-f]{64}$'),
    status_code  integer,
    sealed       bytea,
    CHECK ((status_code IS NULL) = (sealed IS NULL))
);

-- While a nominee waits for its council (on a session not closed), the organiser's click cannot
-- decide it: only the session's close does (which sets nominations.council_verdict for its
-- transaction).
CREATE FUNCTION nominations.nominee_awaits_council() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state AND NEW.state IN ('approved', 'rejected')
       AND coalesce(current_setting('nominations.council_verdict', true), '') = ''
       AND EXISTS (SELECT 1 FROM nominations.council_session_nominees c
                     JOIN nominations.council_sessions s ON s.id = c.session_id
                    WHERE c.nominee_id = NEW.id AND s.state <> 'closed') THEN
        RAISE EXCEPTION 'nominee % awaits its council''s vote', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'nominees_await_council';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER nominees_await_council BEFORE UPDATE OF state ON nominees
    FOR EACH ROW EXECUTE FUNCTION nominations.nominee_awaits_council();
