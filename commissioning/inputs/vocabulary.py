"""The words for the levels of need, defined once beside the model that holds them (an
initiative's `level`, 1-4): every layer, from the terminal summary to the documents and the
app, names a level with these."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from commissioning.inputs.model import LEVELS

LEVEL_NAMES: Mapping[int, str] = MappingProxyType(
    {
        1: "universal",
        2: "early help",
        3: "targeted and complex",
        4: "specialist and statutory",
    }
)
"""What each level of need is called, as the continuum of need names it."""


def level_label(level: int) -> str:
    """'Level 3: targeted and complex', for a heading, a table cell or a chart legend."""
    return f"Level {level}: {LEVEL_NAMES[level]}"


LEVEL_LABELS: Mapping[int, str] = MappingProxyType({lv: level_label(lv) for lv in LEVELS})
"""Each level's label, in level order."""

assert tuple(LEVEL_NAMES) == LEVELS, "a name for every level of the model"
