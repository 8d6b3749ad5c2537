"""Numbers read from environment variables: the default when unset, blank or unreadable."""

from __future__ import annotations

import logging

import pytest

from commissioning.environment import number_setting

NAME = "COMMISSIONING_TEST_SETTING"


@pytest.mark.parametrize(
    ("raw", "default", "expected"),
    [(None, 2.5, 2.5), ("", 2.5, 2.5), ("  ", 2, 2), ("7.5", 2.5, 7.5), (" 3 ", 2, 3)],
)
def test_a_setting_is_read_or_its_default_used(monkeypatch, raw, default, expected) -> None:
    if raw is None:
        monkeypatch.delenv(NAME, raising=False)
    else:
        monkeypatch.setenv(NAME, raw)
    assert number_setting(NAME, default, type(default), "a number") == expected


@pytest.mark.parametrize(("raw", "kind"), [("lots", float), ("2.5", int)])
def test_an_unreadable_setting_is_named_and_the_default_used(monkeypatch, caplog, raw, kind):
    monkeypatch.setenv(NAME, raw)
    with caplog.at_level(logging.WARNING, logger="commissioning.environment"):
        assert number_setting(NAME, kind(4), kind, "a whole number") == 4
    assert f"{NAME}={raw!r} is not a whole number; using 4" in caplog.text
