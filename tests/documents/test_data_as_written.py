"""A name that looks like a template expression or like a missing value is what the data
says: every document shows it as written (escaped), and still refuses a real slip."""

from __future__ import annotations

import html as html_lib

import pytest

from commissioning.allocator import allocate
from commissioning.documents import contexts
from commissioning.documents.content import load_content
from commissioning.documents.contexts import DocumentError, Fact, prepare
from commissioning.documents.render import render_html
from commissioning.documents.writing import RENDERERS
from commissioning.inputs.model import Priority
from tests.allocator.builders import district, initiative, make_inputs
from tests.documents.conftest import ISSUED

TEMPLATE_NAME = "Hub {{ 7*7 }} {partnership} <b>"


@pytest.fixture(scope="module")
def odd_plan():
    inputs = make_inputs(
        [
            initiative(
                "G-1",
                name=TEMPLATE_NAME,
                provider="nan",
                current_budget=40_000,
                max_budget=90_000,
                effect=0.4,
                contract_end=2027,
            ),
            initiative("D-1", district_id="B", name="None", current_budget=20_000, effect=0.01),
        ],
        districts=[district("A", name="null"), district("B", name="Beta")],
        budgets={"S1": 135_000},
        priorities=[Priority("P1", "Priority one", 1.0, 0.0)],
        horizon=2,
        max_growth=1.0,
        ramp=1.0,
    )
    return prepare(inputs, allocate(inputs), load_content(), ISSUED)


def test_every_document_shows_such_names_as_written(odd_plan):
    pages = [
        render_html(d.template, d.build())
        for kind in RENDERERS
        for d in RENDERERS[kind](odd_plan, None)
    ]
    assert len(pages) >= 5
    joined = "\n".join(pages)
    escaped = html_lib.escape(TEMPLATE_NAME, quote=False)
    assert (
        escaped in joined and "Hub 49" not in joined and "<b>" not in joined.split(escaped)[0][-5:]
    )
    spec = next(p for p in pages if escaped in p and "Service details" in p)
    assert ">nan<" in spec or " nan" in spec  # the provider, as written
    assert "None" in joined and "null" in joined  # a service and a district named so


def test_a_real_slip_is_still_refused(odd_plan):
    with pytest.raises(DocumentError, match="would show 'None'"):
        Fact("Budget", "None")
    with pytest.raises(DocumentError, match="would show"):
        Fact("Service", f"{TEMPLATE_NAME} (G-1)")

    @contexts.builds_from_data
    def build(plan, value):
        return Fact("Service", value)

    assert build(odd_plan, f"{TEMPLATE_NAME} (G-1)").value.startswith("Hub")
    assert build(odd_plan, "nan").value == "nan"
    with pytest.raises(DocumentError, match="would show"):
        build(odd_plan, f"{TEMPLATE_NAME} {{{{ target }}}}")  # a slip beside a data name
    with pytest.raises(DocumentError, match="would show 'None'"):
        Fact("Budget", "None")  # outside the build, the plan's names loosen nothing
