-- The organiser's rule for a tie in an election's second round, versioned with its other rules: the
-- default of every election of its clusters that does not state its own (`rotation_order`, as before,
-- or `ranking`).
ALTER TABLE organiser_rules ADD COLUMN election_tie_rule text NOT NULL DEFAULT 'rotation_order'
    CHECK (election_tie_rule IN ('rotation_order', 'ranking'));
