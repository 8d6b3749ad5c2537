"""Numbers read from environment variables (time limits, cache sizes, worker counts).

A setting that cannot be read must not stop the app or a command: it is logged with its
name and the default is used instead."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import TypeVar

log = logging.getLogger(__name__)

N = TypeVar("N", int, float)


def number_setting(name: str, default: N, kind: Callable[[str], N], what: str) -> N:
    """The variable `name` read by `kind` (int or float): `default` when it is unset or
    blank, or (with a warning saying it is not `what`) when it cannot be read."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return kind(raw)
    except ValueError:
        log.warning("%s=%r is not %s; using %s", name, raw, what, default)
        return default
