"""The server's heap is frozen after a run that imported modules, garbage collected first."""

from __future__ import annotations

import gc
import sys
import types
import weakref
from collections.abc import Iterator

import pytest

from commissioning.app import heap


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    """Leave the test process's collector as it was."""
    yield
    gc.unfreeze()


class Node:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_a_run_that_imported_modules_freezes_the_heap_after_collecting() -> None:
    sys.modules["_heap_test_module"] = types.ModuleType("_heap_test_module")
    try:
        garbage = Node()
        gone = weakref.ref(garbage)
        del garbage
        assert gone() is not None  # a cycle: still there until collected
        kept = Node()
        assert any(o is kept for o in gc.get_objects())
        assert heap.settle() is True
        assert gone() is None, "garbage was frozen instead of collected"
        assert not any(o is kept for o in gc.get_objects()), "a live object was not frozen"
    finally:
        del sys.modules["_heap_test_module"]


def test_a_run_that_imported_nothing_leaves_the_heap_alone() -> None:
    heap.settle()
    made_since = Node()
    assert heap.settle() is False
    assert any(o is made_since for o in gc.get_objects()), "frozen with no new module"
