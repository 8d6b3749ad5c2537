"""Compare, Explain and Documents pages."""

from __future__ import annotations

import pytest

from tests.app.conftest import frame_with, no_exception, open_page, texts


def test_compare_two_scenarios():
    at = open_page("compare")
    no_exception(at)
    assert [s.label for s in at.selectbox] == ["Scenario A", "Scenario B"]
    assert "same settings" in texts(at)
    at.selectbox(key="compare_b").select("Without a prevention share").run()
    no_exception(at)
    differences = at.dataframe[0].value
    assert "prevention share" in set(differences["Setting"])
    by_initiative = frame_with(at, "Decision (A)", "Decision (B)", "Difference")
    assert len(by_initiative) > 0 and (by_initiative["Difference"].abs() >= 1).all()
    by_level = frame_with(at, "Level", "A", "B", "Difference")
    assert len(by_level) == 4
    body = texts(at)
    assert "Late-intervention cost avoided (weighted) over the plan" in body
    # Why the scores differ, in words, with what the scenarios change.
    assert "B scores £" in body and "The scenarios differ in: prevention 0%." in body
    assert len(at.get("vega_lite_chart")) >= 4  # money by level, district, stream, priority
    assert "Outcomes achieved" in " ".join(
        c for d in at.dataframe for c in map(str, d.value.columns)
    )


def test_a_scenario_kept_on_the_plan_page_can_be_compared():
    at = open_page("plan")
    at.sidebar.slider(key="ctl_district_floor").set_value(60).run()
    at.sidebar.text_input(key="save_name").input("Lower floor").run()
    at.sidebar.button(key="save_scenario").click().run()
    at.switch_page("commissioning/app/compare.py").run()
    no_exception(at)
    options = at.selectbox(key="compare_a").options
    assert "Kept: Lower floor" in options
    at.selectbox(key="compare_a").select("Kept: Lower floor").run()
    at.selectbox(key="compare_b").select("The data's own scenario").run()
    no_exception(at)
    assert "district floor" in set(at.dataframe[0].value["Setting"])


def test_compare_shows_an_infeasible_scenario_plainly():
    at = open_page("plan")
    at.sidebar.slider(key="ctl_prevention_2028").set_value(95).run()
    at.switch_page("commissioning/app/compare.py").run()
    no_exception(at)
    assert "Scenario B has no plan" in [s.value for s in at.subheader]


def test_explain_a_service():
    at = open_page("explain")
    no_exception(at)
    assert [s.label for s in at.selectbox] == ["Decision", "Service"]
    at.selectbox(key="explain_service").select("FS-BUR-01").run()
    no_exception(at)
    body = texts(at)
    assert "Early help family support team - Burnley (FS-BUR-01)" in body
    assert "Each £1 spent on it avoids" in body


@pytest.mark.slow
def test_explain_with_break_even_figures():
    at = open_page("explain")
    at.selectbox(key="explain_decision").select("decommission").run()
    at.toggle(key="explain_confirm").set_value(True).run()
    no_exception(at)
    assert "re-solving the plan gives it" in texts(at)


def test_documents_are_generated_for_download():
    at = open_page("documents")
    no_exception(at)
    assert "1** document to generate" in texts(at)
    # The bundled sample has no consultation record: the page says the documents leave lines.
    assert "No consultation record came with this data" in texts(at)
    at.button(key="doc_generate").click().run()
    no_exception(at)
    assert "1 document (1 file)" in " ".join(s.value for s in at.success)
    [download] = [b for b in at.get("download_button") if b.proto.label.startswith("Download")]
    assert "plan-summary.html" in download.proto.label
    at.session_state["doc_kinds"] = ["summary", "sla"]
    at.run()
    at.button(key="doc_generate").click().run()
    no_exception(at)
    assert "13 documents" in " ".join(s.value for s in at.success)


def test_one_district_s_specifications_as_pdf_come_with_the_standard_terms_and_an_index():
    """PDFs are laid out by the same code as the command line (on every core): a zip with
    each specification, the standard terms they cite, and the index."""
    import io
    import zipfile

    at = open_page("documents")
    offered = [o.content for o in at.get("button_group")[0].proto.options]
    assert "Service specifications" in offered
    assert not any("Standard terms" in o for o in offered)  # they come with the specifications
    at.session_state["doc_kinds"] = ["spec"]
    at.run()
    at.selectbox(key="doc_district").select("PEN").run()
    at.session_state["doc_format"] = "PDF"
    at.run()
    no_exception(at)
    assert "11** documents to generate" in texts(at)
    at.button(key="doc_generate").click().run()
    no_exception(at)
    bundle = at.session_state["documents_bundle"]
    assert bundle.failures == () and bundle.count == 11
    names = zipfile.ZipFile(io.BytesIO(bundle.content)).namelist()
    assert "standard-terms.pdf" in names and "index.html" in names
    assert "spec-FS-PEN-01.pdf" in names
    assert not any(n.endswith(".html") and n != "index.html" for n in names)
    assert bundle.preview is not None and "Service details" in bundle.preview


def test_the_core_never_imports_the_app():
    import subprocess
    import sys

    code = (
        "import sys, commissioning.inputs, commissioning.allocator, commissioning.explain, "
        "commissioning.explain.initiative, commissioning.explain.policy\n"
        "bad = [m for m in sys.modules if m.startswith('commissioning.app') or m == 'streamlit']\n"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_no_page_shows_a_stray_string():
    """Streamlit would print a bare string in a page script (its "magic"): a constant's
    docstring appeared on the Documents page once. Magic is off in .streamlit/config.toml,
    and the page scripts hold no bare string but their module docstring."""
    import ast
    import re
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["magicEnabled"] is False
    app = (root / "streamlit_app.py").read_text(encoding="utf-8")
    pages = [root / "streamlit_app.py"] + [
        root / path for path in re.findall(r'st\.Page\(\s*"([^"]+\.py)"', app)
    ]
    assert len(pages) >= 9
    stray = [
        f"{p.name}:{node.lineno}"
        for p in pages
        for k, node in enumerate(ast.parse(p.read_text(encoding="utf-8")).body)
        if k > 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    ]
    assert stray == []
