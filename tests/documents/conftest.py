"""Shared plans for the document tests: the sample (solved once) and a small hand-made one;
and each plan's rationale explanations worked out once for the package."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import pytest

import commissioning.documents.contexts.rationale as rationale
from commissioning.allocator import allocate
from commissioning.documents.cache import cache_for, cached_pdf
from commissioning.documents.content import load_content
from commissioning.documents.contexts import Plan, prepare
from commissioning.explain.initiative import Explanation
from commissioning.inputs import load
from commissioning.inputs.fingerprint import fingerprint
from commissioning.inputs.model import Priority
from tests.allocator.builders import district, initiative, make_inputs

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
ISSUED = date(2026, 11, 22)


@pytest.fixture(scope="package", autouse=True)
def explanations_worked_out_once() -> Iterator[None]:
    """The rationale pack explains every service it covers, each with break-evens confirmed
    by re-solving the plan: most of the time of building a pack. Several tests build the
    sample's packs from the same plan (as objects, through the command line, county-wide
    and by district); the first works the explanations out and the rest reuse them. The
    key is all one depends on: the inputs' fingerprint, the result and the service."""
    real = rationale.explain_all
    worked_out: dict[tuple[str, str, str], Explanation] = {}

    def once(plan: Plan, ids: Sequence[str]) -> list[Explanation]:
        result = json.dumps(plan.result.to_json(), sort_keys=True)
        made = (fingerprint(plan.inputs), hashlib.sha256(result.encode()).hexdigest())
        missing = [iid for iid in ids if (*made, iid) not in worked_out]
        if missing:
            worked_out.update(
                ((*made, iid), e) for iid, e in zip(missing, real(plan, missing), strict=True)
            )
        return [worked_out[(*made, iid)] for iid in ids]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rationale, "explain_all", once)
        yield


def pdf_of(html: str, base_url: str | Path) -> bytes:
    """The PDF of `html`, laid out once for the session (tests/conftest.py): tests that
    read the same document's PDF share one layout."""
    return cached_pdf(cache_for(None), html, base_url)


@pytest.fixture(scope="session")
def content():
    return load_content()


@pytest.fixture(scope="session")
def sample_solved():
    if not (SAMPLE / "initiatives.csv").is_file():
        pytest.skip("the sample data is not there")
    inputs = load(SAMPLE)
    return inputs, allocate(inputs)


@pytest.fixture(scope="session")
def sample_plan(sample_solved, content) -> Plan:
    inputs, result = sample_solved
    return prepare(inputs, result, content, ISSUED)


@pytest.fixture(scope="session")
def sample_result_file(sample_solved, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("result") / "result.json"
    path.write_text(json.dumps(sample_solved[1].to_json()), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def small_plan(content) -> Plan:
    """Three districts (one without services), an outcome (O1) the indicator library does
    not know, a candidate, a service that grows, one that is decommissioned, and a provider
    name that needs escaping."""
    inputs = make_inputs(
        [
            initiative(
                "GROW-1",
                name="Family hub <A & B>",
                provider='Provider "Quotes" & <Sons>',
                current_budget=40_000,
                max_budget=90_000,
                effect=0.4,
                contract_end=2027,
            ),
            initiative("NEW/1", district_id="B", status="candidate", max_budget=30_000, effect=0.3),
            initiative(
                "DROP-1", district_id="B", current_budget=20_000, effect=0.01, evidence_level="NE"
            ),
            initiative("CTY-1", district_id="COUNTY", level=3, current_budget=10_000, effect=0.2),
        ],
        districts=[
            district("A", name="Alpha"),
            district("B", name="Beta", need_index=1.4),
            district("C", name="Gamma"),  # no services of its own
        ],
        budgets={"S1": 135_000},
        priorities=[Priority("P1", "Priority one", 1.0, 0.0)],
        horizon=2,
        max_growth=1.0,
        ramp=1.0,
    )
    return prepare(inputs, allocate(inputs), load_content(), ISSUED)
