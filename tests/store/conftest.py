"""Fixtures for the store tests: each runs on SQLite and, given TEST_DATABASE_URL, PostgreSQL.

The PostgreSQL run is skipped, saying so, only when TEST_DATABASE_URL is unset outside CI;
with CI=true it must be set (scripts/postgres.sh starts a throwaway server and prints one).
Each PostgreSQL test gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from commissioning.allocator import allocate
from commissioning.allocator.result import Result
from commissioning.inputs import Inputs, load
from commissioning.store import close_stores

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "valid_small"
SAMPLE = ROOT / "data" / "sample"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def postgres_base_url() -> str:
    """TEST_DATABASE_URL, or skip (fail under CI) when it is not set."""
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if url:
        return url
    if _in_ci():
        pytest.fail(
            "CI is set but TEST_DATABASE_URL is not: the store tests must also run "
            "against PostgreSQL in CI (see scripts/postgres.sh and .ci/run)"
        )
    pytest.skip(
        "TEST_DATABASE_URL is not set: the PostgreSQL run of the store tests is "
        "skipped (start a server with scripts/postgres.sh and export its URL)"
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL naming a fresh, empty store on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        close_stores()
        return
    base = postgres_base_url()
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        close_stores()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(scope="session")
def small() -> tuple[Inputs, Result]:
    inputs = load(SMALL)
    return inputs, allocate(inputs)


@pytest.fixture(scope="session")
def sample() -> tuple[Inputs, Result]:
    inputs = load(SAMPLE)
    return inputs, allocate(inputs)
