"""Plain-English wording of a rule, generated from the registry and the data only."""

from __future__ import annotations

from commissioning.allocator.registry import FAMILIES
from commissioning.formatting import format_money, format_outcomes
from commissioning.inputs.model import DataSet
from commissioning.inputs.vocabulary import LEVEL_NAMES

money = format_money
"""£1,234,567: the toolkit's one money format."""

__all__ = [
    "LEVEL_NAMES",
    "ValueUnit",
    "money",
    "pence",
    "quantity",
    "sentence",
    "shortfall",
]


class ValueUnit:
    """How the plan's value reads to people: pounds of late-intervention cost avoided (with a
    cost library), or weighted outcomes (without one). One place for every view's wording."""

    def __init__(self, pounds: bool) -> None:
        self.pounds = pounds

    @property
    def name(self) -> str:
        """What the objective counts, said once, plainly."""
        if self.pounds:
            return "£ of late-intervention cost avoided (weighted by priority and need)"
        return "weighted outcomes"

    @property
    def title(self) -> str:
        """A column or metric heading."""
        return "Late-intervention cost avoided (weighted)" if self.pounds else "Weighted outcomes"

    def amount(self, value: float) -> str:
        """A total: '£1,234,567 of late-intervention cost avoided' or '1,234 weighted
        outcomes'."""
        if self.pounds:
            return f"{money(value)} of late-intervention cost avoided"
        return f"{format_outcomes(value)} weighted outcomes"

    def figure(self, value: float) -> str:
        """A total without its unit: '£1,234,567' or '1,234'."""
        return money(value) if self.pounds else format_outcomes(value)

    @property
    def per(self) -> float:
        """The spend a rate is quoted per: £1 in pounds (a ratio), £1,000 in outcomes."""
        return 1.0 if self.pounds else 1000.0

    @property
    def per_label(self) -> str:
        return "£1" if self.pounds else "£1,000"

    def rate(self, per_pound: float) -> str:
        """A value per £, quoted per `per`: '£3.42' or '0.512 weighted outcomes'."""
        if self.pounds:
            return pence(per_pound)
        return f"{format_outcomes(per_pound * 1000)} weighted outcomes"

    def buys(self, per_pound: float, what: str = "") -> str:
        """'Each £1 avoids £3.42 of later costs' or 'Each £1,000 buys 0.512 weighted
        outcomes'."""
        where = f" {what}" if what else ""
        if self.pounds:
            return f"Each £1{where} avoids {pence(per_pound)} of later costs"
        return f"Each £1,000{where} buys {format_outcomes(per_pound * 1000)} weighted outcomes"


def pence(x: float) -> str:
    """A rate in pounds and pence: £3.42 (small figures to three significant digits)."""
    if abs(x) >= 1:
        return f"£{x:,.2f}" if x >= 0 else f"-£{abs(x):,.2f}"
    return f"£{x:.3g}" if x >= 0 else f"-£{abs(x):.3g}"


def quantity(amount: float, unit: str) -> str:
    if unit == "participants":
        return f"{amount:,.0f} participant{'s' if round(amount) != 1 else ''}"
    return money(amount)


def subject(family: str, index: tuple[str, ...], data: DataSet) -> str:
    """Who or what a rule is about, e.g. 'Pendle Family Support (FS-PEN-01) in 2027' (each
    family says it in the registry)."""
    return FAMILIES[family].subject(index, data)


def shortfall(family: str, index: tuple[str, ...], amount: float, data: DataSet) -> str:
    """'Levels 1-2 would need £412,000 more in 2027 than ...': plain English only (the
    rule's name stays in the diagnosis's `name`, for the auditor's glossary)."""
    fam = FAMILIES[family]
    text = fam.shortfall.format(
        subject=subject(family, index, data), amount=quantity(amount, fam.unit)
    )
    return sentence(text)


def sentence(text: str) -> str:
    """The text with a capital first letter and a full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith(".") else text + "."
