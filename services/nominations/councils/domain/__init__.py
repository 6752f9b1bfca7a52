"""The councils' pure rules: states, thresholds, the count of a session, receipts, who may do what."""
