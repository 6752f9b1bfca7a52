"""Registry use cases, one module per aggregate: ``provinces``, ``clusters``, ``periods``,
``leadership``, ``accounts``; ``signin`` and ``tokens`` for sign-in and refresh tokens.

Each use case takes the request's connection (inside its transaction) and the caller. Every write
asks the policy (``domain/policy.py``) first, writes an audit row and, where others care, an
event through the outbox, all on the same transaction; the router commits.
"""
