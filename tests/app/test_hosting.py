"""The workbench as a service a council can host: the folder box stays under its data roots,
user text never becomes Markdown, CSV downloads never hold a formula, no error shows a
traceback or a server path, it binds 127.0.0.1, and the Audit page never creates a store."""

from __future__ import annotations

import csv
import io
import shutil
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from commissioning.app import state, tables
from commissioning.app.markup import escape_markdown
from commissioning.export.cells import formula_safe
from tests.app.conftest import ROOT, markdown_sources, no_exception, open_page, texts

VALID = ROOT / "tests" / "data" / "valid_small"
BEACON = "![seen](http://127.0.0.1:9/beacon.png)"
HOSTILE_NAME = f"Hub {BEACON} [click](http://127.0.0.1:9/x) **loud** {{{{ 7*7 }}}} :red[x] $5"


def _errors(at) -> str:
    return " ".join(str(e.value) for e in at.error)


def _load_folder(at, typed: str):
    at.text_input(key="folder_path").input(typed).run()
    at.button(key="load_folder").click().run()
    no_exception(at)
    return at


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    """A data root holding a copy of the small data (`ok`) and a folder outside it."""
    base = tmp_path / "root"
    shutil.copytree(VALID, base / "ok")
    outside = tmp_path / "outside"
    shutil.copytree(VALID, outside)
    (outside / "initiatives.csv").write_text("secret,server,file\n1,2,3\n")
    monkeypatch.setenv("COMMISSIONING_DATA_ROOT", str(base))
    return base


def test_the_folder_box_opens_a_folder_under_the_root(root):
    at = _load_folder(open_page("register"), "ok")
    assert "Loaded root/ok: no problems" in texts(at)
    assert str(root) not in texts(at)  # the label is relative to the root


@pytest.mark.parametrize(
    "typed", ["../outside", "/etc", "{outside}", "missing", "ok/../../outside", "~/x", "link"]
)
def test_the_folder_box_refuses_anything_else_with_one_message(root, typed):
    (root / "link").symlink_to(root.parent / "outside", target_is_directory=True)
    typed = typed.format(outside=root.parent / "outside")
    at = _load_folder(open_page("register"), typed)
    message = _errors(at)
    assert message.startswith(escape_markdown(f"There is no data folder “{typed}”"))
    assert "under root" in message
    assert "secret" not in texts(at) and "No such file" not in texts(at)
    assert "bundled sample" in texts(at)  # the data in use did not change


def test_a_symbolic_link_to_a_file_outside_the_root_is_refused(root):
    (root / "ok" / "initiatives.csv").unlink()
    (root / "ok" / "initiatives.csv").symlink_to(root.parent / "outside" / "initiatives.csv")
    at = _load_folder(open_page("register"), "ok")
    assert _errors(at).startswith(escape_markdown("There is no data folder “ok”"))
    assert "secret" not in texts(at)
    assert not [d for d in at.dataframe if "secret" in d.value.columns]


def test_by_default_the_roots_are_the_bundled_data_and_the_uploads(monkeypatch):
    monkeypatch.delenv("COMMISSIONING_DATA_ROOT")
    assert [label for label, _ in state.data_roots()] == ["data", "uploads"]
    at = _load_folder(open_page("register"), "data/sample")
    assert "Loaded data/sample: no problems" in texts(at)
    at = _load_folder(at, str(VALID))  # the test data is not under the default roots
    assert "There is no data folder" in texts(at)


def test_hostile_names_appear_as_written_and_never_as_markdown(root):
    rows = list(csv.reader(io.StringIO((root / "ok" / "initiatives.csv").read_text())))
    name, provider = rows[0].index("name"), rows[0].index("provider")
    rows[1][name], rows[1][provider] = HOSTILE_NAME, "nan"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (root / "ok" / "initiatives.csv").write_text(buffer.getvalue())
    at = _load_folder(open_page("register"), "ok")
    at.switch_page("commissioning/app/explain.py").run()
    at.selectbox(key="explain_service").select(rows[1][0]).run()
    no_exception(at)
    raw = markdown_sources(at)
    assert "![" not in raw and "](" not in raw and "**loud**" not in raw and ":red[" not in raw
    assert escape_markdown(HOSTILE_NAME) in raw
    shown = texts(at)
    assert HOSTILE_NAME in shown  # as written, template braces and all
    assert f"{rows[1][0]} · nan · " in shown  # a provider called "nan" stays "nan"
    assert "{{ 7*7 }}" in shown


def test_a_decision_reason_with_an_image_is_shown_as_text(root):
    at = open_page("plan")
    no_exception(at)
    run_id = at.session_state["plan_run"]
    from commissioning import store

    target = store.get_run(run_id, database=state.store_url()).document["initiatives"][0]
    store.record_decision(
        run_id,
        target["initiative_id"],
        "accept",
        "Jo [x](http://127.0.0.1:9)",
        BEACON,
        database=state.store_url(),
    )
    at.switch_page("commissioning/app/audit.py").run()
    no_exception(at)
    raw = markdown_sources(at)
    assert BEACON not in raw and escape_markdown(BEACON) in raw
    assert BEACON in texts(at)


def test_csv_cells_that_would_run_as_formulas_get_an_apostrophe():
    frame = pd.DataFrame(
        {
            "Name": ['=HYPERLINK("http://x")', "+1", "-cmd", "@SUM(A1)", "\tx", "\rx", "ok"],
            "Budget": [-5, 1, 2, 3, 4, 5, 6],
        }
    )
    text = tables.csv_bytes(frame).decode("utf-8")
    cells = list(csv.reader(io.StringIO(text, newline="")))[1:]
    assert [c[0] for c in cells] == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-cmd",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "ok",
    ]
    assert [c[1] for c in cells] == ["-5", "1", "2", "3", "4", "5", "6"]  # numbers untouched
    assert formula_safe("Hub = good") == "Hub = good"


def test_an_unexpected_error_shows_a_reference_not_a_traceback(monkeypatch, caplog):
    def broken():
        raise RuntimeError("cannot open /srv/secret/council/data.csv")

    at = open_page("register")
    monkeypatch.setattr(state, "active", broken)
    at.run()
    no_exception(at)
    message = _errors(at)
    assert "Something went wrong on this page" in message and "reference" in message
    assert "/srv/secret" not in texts(at) and "Traceback" not in texts(at)
    reference = message.split("reference ")[1].split()[0]
    assert any(reference in r.getMessage() and r.exc_info for r in caplog.records)


def test_the_audit_page_never_creates_a_store(tmp_path, monkeypatch):
    missing = tmp_path / "nowhere" / "store.sqlite"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{missing}")
    at = open_page("audit")
    no_exception(at)
    body = texts(at)
    assert "there is no commissioning store at the configured location yet" in body
    assert str(tmp_path) not in body  # no server path
    assert not missing.exists() and not missing.parent.exists()


def test_the_server_binds_this_computer_only_and_hides_error_details():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["maxUploadSize"] * 2**20 >= state.MAX_UPLOAD_BYTES
