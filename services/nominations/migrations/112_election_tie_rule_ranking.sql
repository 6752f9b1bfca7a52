-- The organiser's rule for a tie in an election's second round, stated when the election is created:
-- `rotation_order` (the tied unit first in the rotation after this year's lead) or `ranking` (the
-- tied unit better placed in the cluster-year's latest ranking; unranked units after, in rotation).
ALTER TABLE rounds DROP CONSTRAINT rounds_tie_rule_check;
ALTER TABLE rounds ADD CONSTRAINT rounds_tie_rule_check CHECK (tie_rule IN ('rotation_order', 'ranking'));
