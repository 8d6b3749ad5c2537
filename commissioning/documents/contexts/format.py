"""How every document writes numbers, dates and texts, and the check that nothing it shows is
blank or a formatting slip ("None", "nan", "{{"), unless the data itself says so."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from commissioning.allocator.wording import ValueUnit
from commissioning.formatting import format_money as _money
from commissioning.formatting import format_percent
from commissioning.inputs.model import Inputs

NOT_RECORDED = "not recorded"


class DocumentError(ValueError):
    """A value a document needs is missing or cannot be shown."""


MONEY_STEP = 100
"""Documents round money to the nearest £100 (the plan does not know a budget to the pound);
the workbook keeps the exact figures."""
MONEY_STEP_MILLIONS = 1000
"""Tables whose figures run into millions round to the nearest £1,000."""


def money_step(amounts: Iterable[float]) -> int:
    """How finely a set of figures shown together is rounded: to the nearest £1,000 when
    any runs into millions, else £100, so a headline, a chart and the table beside them
    say the same sum the same way."""
    biggest = max((abs(a) for a in amounts), default=0.0)
    return MONEY_STEP_MILLIONS if biggest >= 1_000_000 else MONEY_STEP


def money(amount: float, step: int = MONEY_STEP) -> str:
    """£1,234,600: an amount rounded to the nearest `step` pounds (half away from zero)."""
    if not math.isfinite(amount):
        raise DocumentError(f"cannot show {amount!r} as money")
    return _money(amount, step)


def money_exact(amount: float) -> str:
    """£699 to the pound: for figures per participant (unit costs), which are known exactly."""
    if not math.isfinite(amount):
        raise DocumentError(f"cannot show {amount!r} as money")
    return _money(amount)


def value_figure(unit: ValueUnit, value: float, step: int = MONEY_STEP) -> str:
    """A total of the plan's value: pounds rounded as money is, or weighted outcomes."""
    return money(value, step) if unit.pounds else unit.figure(value)


def value_amount(unit: ValueUnit, value: float, step: int = MONEY_STEP) -> str:
    """A total of the plan's value with its unit."""
    return (
        f"{money(value, step)} of late-intervention cost avoided"
        if unit.pounds
        else unit.amount(value)
    )


def money_change(amount: float, step: int = MONEY_STEP) -> str:
    """+£1,200 / -£1,200 / £0."""
    text = money(amount, step)
    return "+" + text if text not in ("£0", "-£0") and not text.startswith("-") else text


def number(value: float) -> str:
    """A whole number with thousands separators: 1,234."""
    if not math.isfinite(value):
        raise DocumentError(f"cannot show {value!r} as a number")
    return f"{round(value):,}"


def decimal(value: float, places: int = 2) -> str:
    if not math.isfinite(value):
        raise DocumentError(f"cannot show {value!r} as a number")
    return f"{value:,.{places}f}"


def percent_change(before: float, after: float) -> str:
    if before <= 0:
        return "new" if after > 0 else "no change"
    return f"{(after - before) / before * 100:+.0f}%"


def share(part: float, whole: float) -> str:
    """A part of a whole as a percentage, or "not recorded" when there is no whole."""
    return format_percent(part / whole, 1) if whole > 0 else NOT_RECORDED


def long_date(day: date) -> str:
    """22 November 2026."""
    return f"{day.day} {day:%B %Y}"


def parse_day(text: str) -> date | None:
    try:
        return datetime.fromisoformat(text).date()
    except (TypeError, ValueError):
        return None


def full_stop(text: str) -> str:
    """Text ending with a full stop (or the punctuation it already has)."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


# --- what may be printed ----------------------------------------------------------------------

MISSING_WORDS = ("none", "nan", "null")
_DATA_TEXT: ContextVar[frozenset[str]] = ContextVar("data_text", default=frozenset())
"""While a document of a plan is built: the texts of its data (names, providers, ids) that
look like a missing value or a template expression. They are what the data says, shown as
written, so the checks below let them through (see `builds_from_data`)."""


def looks_unfilled(text: str) -> bool:
    """Whether a text looks like a formatting slip: "None", "nan", "null", or "{{"."""
    return text.strip().lower() in MISSING_WORDS or "{{" in text or "}}" in text


def data_text(inputs: Inputs) -> frozenset[str]:
    """The data's own texts that look like a missing value or a template expression (a
    service called "nan" or "{{ 7*7 }}"): documents show them as written."""
    d = inputs.data
    texts = [inputs.scenario.name]
    for i in d.initiatives:
        texts += [i.initiative_id, i.name, i.provider, i.sector]
    for x in d.districts:
        texts += [x.district_id, x.name, x.locality]
    for s in d.streams:
        texts += [s.stream_id, s.name, s.partner]
    for p in d.priorities:
        texts += [p.priority_id, p.name]
    for o in d.outcomes:
        texts += [o.outcome_id, o.name]
    return frozenset(t for t in texts if isinstance(t, str) and looks_unfilled(t))


@contextmanager
def data_texts_allowed(inputs: Inputs) -> Iterator[None]:
    """Within the block, `check_text` lets these inputs' odd-looking texts through (and only
    these: one plan's data never loosens the checks of another)."""
    token = _DATA_TEXT.set(data_text(inputs))
    try:
        yield
    finally:
        _DATA_TEXT.reset(token)


def check_text(value: str, where: str) -> str:
    """A text fit to print: not blank, and not a formatting slip ("None", "nan", "{{"),
    unless the data itself says so."""
    if not isinstance(value, str) or not value.strip():
        raise DocumentError(f"{where} is blank")
    allowed = _DATA_TEXT.get()
    if not looks_unfilled(value) or value.strip() in allowed:
        return value
    rest = value
    for text in sorted(allowed, key=len, reverse=True):
        rest = rest.replace(text, "")
    if rest.strip().lower() in MISSING_WORDS or "{{" in rest or "}}" in rest:
        raise DocumentError(f"{where} would show {value!r}")
    return value
