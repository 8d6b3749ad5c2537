"""How numbers are shown to people, in one place so every layer writes them alike."""

from __future__ import annotations

import math


def format_money(x: float, step: int = 1) -> str:
    """Pounds as commissioners write them: £1,234,567, no pence, negative as -£1,234;
    with `step`, to the nearest `step` pounds (half away from zero): £1,234,600.

    Raises ValueError for NaN or infinity: a document must never show "nan".
    """
    if not math.isfinite(x):
        raise ValueError(f"cannot format {x!r} as money")
    pounds = (
        round(x) if step == 1 else int(math.copysign(math.floor(abs(x) / step + 0.5) * step, x))
    )
    if pounds == 0:
        return "£0"
    sign = "-" if pounds < 0 else ""
    return f"{sign}£{abs(pounds):,}"


def board_step(pounds: float) -> int:
    """How finely a figure is said to a board: the nearest £1,000 from £100,000, else £100
    (the plan does not know a sum to the pound)."""
    return 1000 if abs(pounds) >= 100_000 else 100


def board_money(x: float) -> str:
    """A sum said to a board: £21,820,000, £800 (rounded by `board_step`)."""
    return format_money(x, board_step(x))


def signed_money(x: float, step: int = 1) -> str:
    """A change in pounds: +£1,234, -£1,234, or £0 for no change."""
    text = format_money(x, step)
    return text if text.startswith("-") or text == "£0" else "+" + text


def format_percent(share: float, places: int = 0) -> str:
    """A share as a percentage: 42%, or 41.8% with `places=1` where a tenth matters.

    A share strictly between 0 and 1 never reads as 0% or 100% ("less than 1%", "more than
    99%"): a board must not read "sometimes" as never or always. Raises ValueError for NaN
    or infinity.
    """
    if not math.isfinite(share):
        raise ValueError(f"cannot format {share!r} as a percentage")
    step = 10.0**-places
    shown = round(share * 100, places)
    if shown == 0 and 0 < share < 1:
        return f"less than {step:.{places}f}%"
    if shown == 100 and 0 < share < 1:
        return f"more than {100 - step:.{places}f}%"
    return f"{shown + 0.0:.{places}f}%"


def format_outcomes(amount: float) -> str:
    """Weighted outcomes, to a precision that suits their size: 1,235 from a hundred up,
    12.34 from one up (so rates per £1,000 of two services can be told apart), and three
    significant figures below one (0.512). Raises ValueError for NaN or infinity."""
    if not math.isfinite(amount):
        raise ValueError(f"cannot format {amount!r} as weighted outcomes")
    if abs(amount) >= 100:
        return f"{amount:,.0f}"
    if abs(amount) >= 1:
        return f"{amount:,.2f}"
    return f"{amount:.3g}"


def one_line(text: str) -> str:
    """User text for a terminal line: whitespace runs as one space, control characters
    (which could move the cursor or recolour the terminal) dropped."""
    return " ".join("".join(c if c.isprintable() or c.isspace() else "" for c in text).split())
