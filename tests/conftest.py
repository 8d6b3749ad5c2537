"""Test-wide settings: the test suite never writes to the user's store or a shared database.

`allocate` (and the app) store every plan as a run in the store that DATABASE_URL names,
else $COMMISSIONING_HOME/store.sqlite. Point both at a throwaway folder for the whole
session, before any test or fixture runs. The PostgreSQL store tests use
TEST_DATABASE_URL instead (tests/store/conftest.py).
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

_SAVED: dict[str, str | None] = {}
_HOME: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    for name in (
        "DATABASE_URL",
        "COMMISSIONING_HOME",
        "COMMISSIONING_USER",
        "COMMISSIONING_AUDIT_KEY",
    ):
        _SAVED[name] = os.environ.pop(name, None)
    home = tempfile.mkdtemp(prefix="commissioning-test-home-")
    _HOME.append(home)
    os.environ["COMMISSIONING_HOME"] = home
    os.environ["COMMISSIONING_USER"] = "test-suite"


def pytest_unconfigure(config: pytest.Config) -> None:
    for name, value in _SAVED.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    for home in _HOME:
        shutil.rmtree(home, ignore_errors=True)
