"""The movements' rules: pure, no I/O (mypy --strict)."""
