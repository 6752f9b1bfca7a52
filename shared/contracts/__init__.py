"""The typed contracts services share: event payloads (one versioned model per event type, with
the catalogue that maps each type to its model), the event envelope and the generic page of the
HTTP lists.

Schema only: pydantic models, enums and constants. No I/O and no behaviour beyond a model's own
validation (``tests/test_boundaries.py`` holds this), so every service may import it while no
service imports another.
"""
