-- Vote rounds: one secret-ballot vote of a cluster-year's members on which units to propose for an
-- award. The round carries every timestamp of the vote; ballots and participation carry none.
CREATE TABLE rounds (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- A runoff round points at the round whose last seat was tied.
    parent_round_id  uuid REFERENCES rounds (id),
    cluster_code     text NOT NULL CHECK (cluster_code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
    cluster_name     text NOT NULL CHECK (length(cluster_name) > 0 AND cluster_name = normalize(cluster_name, NFC)),
    year             integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    award            text NOT NULL CHECK (award IN ('government_flag', 'ministry_flag', 'certificate_of_merit')),
    seats            integer NOT NULL CHECK (seats >= 1),
    max_choices      integer NOT NULL CHECK (max_choices >= 1),
    -- Shares are exact fractions (2/3 must stay two thirds): a unit needs more than
    -- threshold × valid ballots; the vote counts when ballots / electorate >= quorum.
    threshold_num    integer NOT NULL,
    threshold_den    integer NOT NULL,
    quorum_num       integer NOT NULL,
    quorum_den       integer NOT NULL,
    self_vote        boolean NOT NULL,
    candidates       text[] NOT NULL CHECK (cardinality(candidates) >= 1),
    lead_code        text NOT NULL CHECK (lead_code ~ '^[0-9]{2}$'),
    -- The members entitled to vote, snapshotted from the registry at open; never changes afterwards.
    electorate       text[],
    -- code → name of every unit named by the round (candidates, electorate), from the registry.
    unit_names       jsonb NOT NULL DEFAULT '{}'::jsonb,
    -- A runoff carries the units its parent already proposed outright, so approving the runoff
    -- approves the cluster's whole proposal.
    carried_over     text[] NOT NULL DEFAULT '{}',
    state            text NOT NULL DEFAULT 'draft' CONSTRAINT rounds_state_known CHECK (state IN (
                         'draft', 'open', 'closed', 'failed_quorum', 'runoff_required',
                         'certified', 'approved', 'returned')),
    closes_at        timestamptz,
    result           jsonb,
    created_by       text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    opened_at        timestamptz,
    closed_at        timestamptz,
    certified_at     timestamptz,
    certified_by     text,
    decided_at       timestamptz,
    decided_by       text,
    return_reason    text,
    CHECK (threshold_den > 0 AND threshold_num >= 0 AND threshold_num < threshold_den),
    CHECK (quorum_den > 0 AND quorum_num > 0 AND quorum_num <= quorum_den),
    CHECK (max_choices <= cardinality(candidates)),
    -- Every state past draft has its electorate; every state past open has its count.
    CONSTRAINT rounds_electorate_after_draft CHECK ((state = 'draft') = (electorate IS NULL)),
    CONSTRAINT rounds_result_after_close CHECK ((state IN ('draft', 'open')) = (result IS NULL)),
    CONSTRAINT rounds_certified_fields CHECK (
        (state IN ('certified', 'approved', 'returned')) = (certified_at IS NOT NULL AND certified_by IS NOT NULL)),
    CONSTRAINT rounds_decision_fields CHECK (
        (state IN ('approved', 'returned')) = (decided_at IS NOT NULL AND decided_by IS NOT NULL)),
    CONSTRAINT rounds_return_reason CHECK ((state = 'returned') = (return_reason IS NOT NULL))
);
CREATE INDEX rounds_cluster_year ON rounds (cluster_code, year, created_at);
CREATE INDEX rounds_listing ON rounds (created_at, id);
-- The automatic close scans only open rounds with a deadline.
CREATE INDEX rounds_due ON rounds (closes_at) WHERE state = 'open' AND closes_at IS NOT NULL;
CREATE INDEX rounds_parent ON rounds (parent_round_id) WHERE parent_round_id IS NOT NULL;
-- At most one approved proposal per cluster, year and award.
CREATE UNIQUE INDEX rounds_one_approved ON rounds (cluster_code, year, award) WHERE state = 'approved';
-- The national Government-flag cap counts approved proposals per award and year.
CREATE INDEX rounds_approved_by_award ON rounds (award, year) WHERE state = 'approved';
