"""Pure notifications rules: no I/O.

- ``routing``: who is notified of which event (the routing table).
- ``templates``: the message each recipient reads, in Vietnamese (default) or English.
- ``webhooks``: request signing and verification, response classification, URL and address checks.
- ``retry``: exponential backoff with jitter for deliveries.
"""
