"""An identical re-plan reuses its run: no duplicate run, no duplicate audit entry."""

from __future__ import annotations

import dataclasses

from commissioning.allocator import allocate
from commissioning.inputs import with_scenario
from commissioning.store import Store
from commissioning.store.reuse import issue_once, same_plan


def test_the_same_inputs_and_settings_are_kept_once(store_url, small):
    inputs, result = small
    store = Store.open(store_url)
    first, kept, made = issue_once(store, inputs, result)
    assert made
    entries = len(store.audit_log())
    # The same plan solved again (a new result object, new timings) is the same run.
    again = allocate(inputs)
    second, kept_again, made_again = issue_once(store, inputs, again)
    assert (second, made_again) == (first, False)
    assert kept_again.to_json() == kept.to_json()
    assert len(store.list_runs()) == 1
    assert len(store.audit_log()) == entries
    store.close()


def test_other_settings_make_a_new_run(store_url, small):
    inputs, result = small
    store = Store.open(store_url)
    first, _, _ = issue_once(store, inputs, result)
    changed = with_scenario(
        inputs.data, {**inputs.scenario.to_dict(), "district_floor": 0.5}, "changed"
    )
    second, _, made = issue_once(store, changed, allocate(changed))
    assert made and second != first
    assert len(store.list_runs()) == 2
    # Another solver is another setting: not the same run.
    other = dataclasses.replace(
        result, provenance=dataclasses.replace(result.provenance, solver="cbc")
    )
    assert same_plan(store, result.provenance.inputs_sha256, "cbc", "optimal") is None
    third, _, made = issue_once(store, inputs, other)
    assert made and third not in (first, second)
    store.close()


def test_a_new_run_fingerprints_its_inputs_once(store_url, small, monkeypatch):
    """The workbench keeps a run after every slider move: the inputs' fingerprint (the
    costliest part of keeping it) is taken once, and still checked against the result."""
    import commissioning.store.reuse as reuse_module
    import commissioning.store.store as store_module
    from commissioning.inputs.fingerprint import fingerprint

    taken: list[int] = []

    def counted(inputs):
        taken.append(1)
        return fingerprint(inputs)

    monkeypatch.setattr(reuse_module, "fingerprint", counted)
    monkeypatch.setattr(store_module, "fingerprint", counted)
    inputs, result = small
    store = Store.open(store_url)
    _, kept, made = issue_once(store, inputs, result)
    assert made and len(taken) == 1
    assert kept.provenance.inputs_sha256 == fingerprint(inputs)
    store.close()
