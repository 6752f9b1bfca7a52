"""The year at a glance for the ministry: one read across the contexts (scoring's covenants and
sheets, voting's rounds and approvals), each answering for its own tables. It owns no table, so it
has no store."""
