"""The conferences context's use cases: ``conferences`` (schedule, open, adjourn, read) and
``roster`` (delegates, guests, check-ins)."""
