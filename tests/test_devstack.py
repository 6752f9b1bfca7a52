"""How `make test` runs pytest: one process per core unless the arguments say otherwise."""
from __future__ import annotations

import os

import pytest

from deploy.devstack import _parallel


@pytest.fixture(autouse=True)
def _no_override(monkeypatch):
    monkeypatch.delenv("THIDUA_TEST_WORKERS", raising=False)


def test_the_suite_runs_one_process_per_core_at_most_four(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert _parallel(["-q", "-p", "no:cacheprovider", "tests/registry"]) == [
        "-n", "2", "-q", "-p", "no:cacheprovider", "tests/registry"]
    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    assert _parallel([])[:2] == ["-n", "4"]
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert _parallel(["-q"]) == ["-q"]


def test_what_was_asked_is_kept(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    for args in (["-n", "3"], ["-n3"], ["--numprocesses=1"], ["-p", "no:xdist"], ["-pno:xdist"],
                 ["tests/test_reset.py::test_reset_drops_the_database_and_loads_the_demo_data_again"]):
        assert _parallel(args) == args
    monkeypatch.setenv("THIDUA_TEST_WORKERS", "1")
    assert _parallel(["tests"]) == ["tests"]
