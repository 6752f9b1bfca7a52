"""Notifications use cases, one module per responsibility, called by the Celery tasks and the API:

- ``consume``: events → inbox rows and deliveries, exactly once per event id; failed envelopes kept;
- ``fan_out``: the rows for every recipient of some events, in a fixed number of statements;
- ``reminders``: vote reminders for the non-voters of rounds about to close;
- ``deliveries``: one e-mail or webhook attempt, recorded exactly once; the ministry's list and retry;
- ``failed_events``: the ministry's list of failed events and their replay;
- ``inbox`` and ``subscriptions``: what each ministry or province account reads and chooses;
- ``access``: the policy's answers (``domain/policy.py``) as 403s.

Every function here only writes the ``notifications`` schema. Enqueuing the resulting delivery ids
is the caller's job, after its commit (a task message must never name an uncommitted row).
"""
