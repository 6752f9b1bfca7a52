"""The yearly statistics forms on emulation and commendation (statistics/README.md). A read across
the register and the movements: it owns no table, event or task."""
