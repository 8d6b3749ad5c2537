"""The store's errors: each says, in words a commissioner can act on, what went wrong."""

from __future__ import annotations


class StoreError(Exception):
    """The store cannot do what was asked; nothing was written (every write is one transaction)."""


class NotAStore(StoreError):
    """The database is not a commissioning store (foreign, corrupted, or from a newer version).

    It is never written to: the toolkit refuses it rather than risk overwriting someone's data.
    """


class NotFound(StoreError):
    """No run, scenario or decision by that name or id."""
