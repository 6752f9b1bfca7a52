"""Pure registry rules: no I/O."""
