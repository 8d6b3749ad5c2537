"""What survives a run is frozen after the garbage is collected, and every so many runs the
heap is collected whole, so cycles that died while frozen are reclaimed."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from commissioning.app import heap


@pytest.fixture(autouse=True)
def unfrozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Runs counted from a full collection; the test process's collector left as it was."""
    monkeypatch.setattr(heap, "_RUNS", [0])
    yield
    gc.unfreeze()


class Node:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def tracked(obj: object) -> bool:
    """Whether the collector still looks at `obj` (not frozen)."""
    return any(o is obj for o in gc.get_objects())


def test_a_run_s_garbage_is_collected_and_what_lives_is_frozen() -> None:
    garbage = Node()
    gone = weakref.ref(garbage)
    del garbage
    assert gone() is not None  # a cycle: there until collected
    kept = Node()
    assert tracked(kept)
    heap.settle()
    assert gone() is None, "garbage was frozen instead of collected"
    assert not tracked(kept), "what lives was not frozen"
    made_since = Node()
    heap.settle()
    assert not tracked(made_since)


def test_a_cycle_that_dies_frozen_is_reclaimed_by_the_next_full_collection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(heap, "FULL_EVERY", 3)
    heap.settle()  # run 1: a full collection
    dropped = Node()
    gone = weakref.ref(dropped)
    heap.settle()  # run 2: frozen alive
    del dropped
    heap.settle()  # run 3: dead but frozen
    assert gone() is not None
    heap.settle()  # run 4: every third run from the first collects the heap whole
    assert gone() is None
