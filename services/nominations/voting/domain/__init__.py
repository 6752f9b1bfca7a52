"""Pure voting rules: no I/O."""
