"""Commendations (khen thưởng): proposals of collectives and individuals for an award form, the
cluster lead's review, the ministry's review and decision, and the public award register."""
