"""Providers' returns in the store: each set fingerprinted, linked to its run, audit-logged.

A set of returns is kept as a canonical JSON document of its rows (sorted by service, year
and quarter), so the same returns for the same run are kept once however the file was
laid out; the fingerprint is the sha256 of that document. Kept apart from `store.py`: it
uses the store's write transaction and audit machinery and adds nothing to them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from commissioning.allocator.result import Result
from commissioning.inputs.returns import Return, Returns
from commissioning.store import attached, schema
from commissioning.store.audit import canonical
from commissioning.store.store import Store

_FIELDS = ("initiative_id", "year", "quarter", "spend", "participants", "outcomes_achieved")


@dataclass(frozen=True)
class ReturnsRecord:
    """One stored set of returns."""

    id: int
    run_id: str
    sha256: str
    source: str
    rows: int
    first_quarter: str
    last_quarter: str
    created_at: str
    created_by: str
    audit_seq: int
    document: Sequence[Mapping[str, Any]]
    """The returns, one mapping per row, in the returns file's vocabulary."""

    def returns(self) -> Returns:
        """The stored returns, to score again against the run's plan."""
        return Returns(
            tuple(
                Return(
                    str(r["initiative_id"]),
                    int(r["year"]),
                    int(r["quarter"]),
                    float(r["spend"]),
                    int(r["participants"]),
                    int(r["outcomes_achieved"]),
                    str(r.get("notes", "")),
                )
                for r in self.document
            ),
            file=self.source,
        )


_RETURNS = attached.Kind(
    schema.provider_returns,
    "returns",
    ReturnsRecord,
    "no returns number {number} in {store} (commissioning returns list)",
)


def document(returns: Returns) -> list[dict[str, Any]]:
    """The rows as plain data, in a fixed order: what is stored and fingerprinted."""
    rows = [
        {
            "initiative_id": r.initiative_id,
            "year": r.year,
            "quarter": r.quarter,
            "spend": float(r.spend),
            "participants": r.participants,
            "outcomes_achieved": r.outcomes_achieved,
            "notes": r.notes,
        }
        for r in returns.returns
    ]
    return sorted(rows, key=lambda r: (r["initiative_id"], r["year"], r["quarter"]))


def _quarter(year: int, quarter: int) -> str:
    return f"{year}Q{quarter}"


def run_of_result(store: Store, result: Result) -> str | None:
    """The earliest run that holds this plan: the same result file, whether or not it
    carries the audit head the store stamped on it when it was kept."""
    runs = attached.runs_holding(store, result)
    return runs[0] if runs else None


def record_returns(
    store: Store, run_id: str, returns: Returns, *, source: str, actor: str | None = None
) -> tuple[ReturnsRecord, bool]:
    """Keep a set of returns against a run; (record, saved). The same set for the same run
    is kept once (saved is False the second time)."""
    doc = document(returns)
    if not doc:
        raise ValueError("there are no returns to keep")

    def values(run: Any) -> dict[str, Any]:
        return {
            "source": source[:400],
            "rows": len(doc),
            "first_quarter": _quarter(*min((r["year"], r["quarter"]) for r in doc)),
            "last_quarter": _quarter(*max((r["year"], r["quarter"]) for r in doc)),
        }

    return _RETURNS.keep(store, run_id, canonical(doc), actor, values)


def list_returns(store: Store, run_id: str | None = None) -> list[ReturnsRecord]:
    """Stored sets of returns, newest first, for one run or all."""
    return _RETURNS.listed(store, run_id)


def get_returns(store: Store, returns_id: int) -> ReturnsRecord:
    return _RETURNS.numbered(store, returns_id)
