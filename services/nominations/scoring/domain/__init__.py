"""Pure scoring rules (covenant, score sheets, ranking): no I/O."""
