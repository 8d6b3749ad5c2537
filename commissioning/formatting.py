"""How numbers are shown to people, in one place so every layer writes them alike."""

from __future__ import annotations

import math


def format_money(x: float) -> str:
    """Pounds as commissioners write them: £1,234,567, no pence, negative as -£1,234.

    Raises ValueError for NaN or infinity: a document must never show "nan".
    """
    if not math.isfinite(x):
        raise ValueError(f"cannot format {x!r} as money")
    pounds = round(x)
    if pounds == 0:
        return "£0"
    sign = "-" if pounds < 0 else ""
    return f"{sign}£{abs(pounds):,}"


def signed_money(x: float) -> str:
    """A change in pounds: +£1,234, -£1,234, or £0 for no change."""
    text = format_money(x)
    return text if text.startswith("-") or text == "£0" else "+" + text


def one_line(text: str) -> str:
    """User text for a terminal line: whitespace runs as one space, control characters
    (which could move the cursor or recolour the terminal) dropped."""
    return " ".join("".join(c if c.isprintable() or c.isspace() else "" for c in text).split())
