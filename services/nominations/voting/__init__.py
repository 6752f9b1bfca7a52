"""Voting: vote rounds, secret ballots and receipts, the tally, runoffs, certification, minutes and
the ministry's decision. Reads the cluster-year's ranking only through ``scoring.ranks_for``."""
