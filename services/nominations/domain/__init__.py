"""Pure nominations rules: no I/O."""
