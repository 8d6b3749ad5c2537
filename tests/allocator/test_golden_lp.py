"""One golden LP file per constraint family: the exact rows the model writes for a fixture.

A change to the formulation shows up here as a readable diff of the LP file. After a
deliberate change, regenerate with `UPDATE_GOLDEN=1 pytest tests/allocator/test_golden_lp.py`
and review the diff before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from commissioning.allocator.formulation import formulate
from commissioning.allocator.registry import FAMILIES
from commissioning.allocator.solvers import write_lp
from tests.allocator.fixtures import FIXTURES

GOLDEN = Path(__file__).parent / "golden"
BY_FAMILY = {fx.binds: fx for fx in reversed(FIXTURES)}


def test_every_family_has_a_golden_file():
    missing = [f for f in FAMILIES if not (GOLDEN / f"{f}.lp").exists()]
    assert not missing, f"no golden LP file for: {', '.join(missing)}"


@pytest.mark.parametrize("family", list(FAMILIES))
def test_golden_lp(family, tmp_path):
    fx = BY_FAMILY[family]
    f = formulate(fx.build())
    assert any(r.family == family for r in f.rows), f"{fx.name} writes no {family} row"
    out = tmp_path / "model.lp"
    write_lp(f, str(out))
    text = out.read_text()
    golden = GOLDEN / f"{family}.lp"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text(), f"the {family} model changed; see {golden}"


EXTRA = {fx.name: fx for fx in FIXTURES if fx.name in ("reinvest", "stays_stopped")}
"""Model version 3's changed rows that a family's first fixture does not show: the
reinvested savings in the envelope, and a running service's growth with no ramp."""


@pytest.mark.parametrize("name", sorted(EXTRA))
def test_golden_lp_v3(name, tmp_path):
    out = tmp_path / "model.lp"
    write_lp(formulate(EXTRA[name].build()), str(out))
    text = out.read_text()
    golden = GOLDEN / f"{name}.lp"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text(), f"the {name} model changed; see {golden}"
