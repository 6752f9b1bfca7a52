"""Read-only SQL over the register and the movements (the statistics own no table)."""
