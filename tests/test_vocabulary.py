"""One vocabulary (issue 17): the names of the levels of need and of the decisions, and the
thresholds that decide, are defined once (inputs/vocabulary.py, allocator/vocabulary.py)
and every other module uses them rather than spelling them again."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from commissioning.allocator import vocabulary as decisions
from commissioning.allocator.result import decide
from commissioning.inputs import vocabulary as levels
from tests.source import assigned, modules, name

HOMES = {"inputs/vocabulary.py", "allocator/vocabulary.py"}

NAMES = {
    "LEVEL_NAMES",
    "LEVEL_LABELS",
    "DECISIONS",
    "Decision",
    "DECISION_LABELS",
    "DECISION_DONE",
    "DECISION_CLAUSE",
    "FUNDED",
    "BAND",
}
"""What the vocabulary defines: nothing else may assign these names."""

WORDS = {
    *levels.LEVEL_NAMES.values(),
    *levels.LEVEL_LABELS.values(),
    *decisions.DECISION_LABELS.values(),
    *decisions.DECISION_DONE.values(),
    *decisions.DECISION_CLAUSE.values(),
}
"""Each word of the vocabulary: written elsewhere as a whole string, it is a second copy."""

KNOWN: dict[str, set[str]] = {}
"""Modules allowed a copy of a word (none: the document contexts take theirs from the
vocabulary)."""


def _modules() -> list[Path]:
    return modules()


def _name(p: Path) -> str:
    return name(p)


def _assigned(tree: ast.Module) -> set[str]:
    return {n for _, n in assigned(tree)}


def _strings(tree: ast.Module) -> set[str]:
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    }


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_the_vocabulary_is_defined_once(path):
    if _name(path) in HOMES:
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    again = sorted(_assigned(tree) & NAMES)
    assert not again, f"{_name(path)} defines {again} again: import them from the vocabulary"
    copies = (_strings(tree) & WORDS) - KNOWN.get(_name(path), set())
    assert not copies, f"{_name(path)} spells {sorted(copies)}: use the vocabulary's words"


def test_the_check_finds_a_second_copy():
    tree = ast.parse('"""Doc: Grow."""\nFUNDED = 1.0\nLABEL = {"grow": "Grow"}\n')
    assert _assigned(tree) & NAMES == {"FUNDED"}
    assert _strings(tree) & WORDS == {"Grow"}


def test_every_level_and_decision_has_its_words():
    assert levels.LEVEL_LABELS[3] == "Level 3: targeted and complex"
    assert set(decisions.DECISION_LABELS) == set(decisions.DECISIONS)
    assert decisions.decision_words("not_commissioned") == "not commissioned"


@pytest.mark.parametrize(
    ("candidate", "current", "final", "expected"),
    [
        (True, 0.0, 1.0, "commission"),  # £1 is funded
        (True, 0.0, 0.99, "not_commissioned"),
        (False, 100_000.0, 0.99, "decommission"),
        (False, 100_000.0, 105_000.0, "maintain"),  # exactly 5% more: within the band
        (False, 100_000.0, 105_001.0, "grow"),
        (False, 100_000.0, 95_000.0, "maintain"),  # exactly 5% less: within the band
        (False, 100_000.0, 94_999.0, "reduce"),
    ],
)
def test_the_thresholds_decide(candidate, current, final, expected):
    assert decide(candidate, current, final) == expected
