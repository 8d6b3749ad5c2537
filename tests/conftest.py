"""Test-wide settings: the test suite never writes to the user's store or a shared database.

`allocate` (and the app) store every plan as a run in the store that DATABASE_URL names,
else $COMMISSIONING_HOME/store.sqlite. Point both at a throwaway folder for the whole
session, before any test or fixture runs. The PostgreSQL store tests use
TEST_DATABASE_URL instead (tests/store/conftest.py).

Laid-out PDFs are kept for the whole session in one document cache
(COMMISSIONING_DOCUMENT_CACHE, commissioning/documents/cache.py): a document whose HTML
another test has already laid out is read back instead of laid out again, which is where
most of the suite's time goes. The cache returns exactly the bytes WeasyPrint made from the
same HTML, so every check still reads a real layout. Tests about the cache itself, or that
need a layout to be happening (stopping a run mid-way), set or remove the variable
themselves (tests/documents/test_cache.py, tests/cli/test_faults.py).
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

_SAVED: dict[str, str | None] = {}
_HOME: list[str] = []
"""The session's throwaway folders (store home, document cache), removed at the end."""


def pytest_configure(config: pytest.Config) -> None:
    for name in (
        "DATABASE_URL",
        "COMMISSIONING_HOME",
        "COMMISSIONING_USER",
        "COMMISSIONING_AUDIT_KEY",
        "COMMISSIONING_DOCUMENT_CACHE",
        "COMMISSIONING_DOCUMENT_CACHE_MB",
    ):
        _SAVED[name] = os.environ.pop(name, None)
    home = tempfile.mkdtemp(prefix="commissioning-test-home-")
    _HOME.append(home)
    os.environ["COMMISSIONING_HOME"] = home
    os.environ["COMMISSIONING_USER"] = "test-suite"
    cache = tempfile.mkdtemp(prefix="commissioning-test-documents-")
    _HOME.append(cache)
    os.environ["COMMISSIONING_DOCUMENT_CACHE"] = cache


def pytest_unconfigure(config: pytest.Config) -> None:
    for name, value in _SAVED.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    for home in _HOME:
        shutil.rmtree(home, ignore_errors=True)
