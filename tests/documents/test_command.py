"""`commissioning documents`: files, names, index, progress, exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from argparse import Namespace

from commissioning.cli import main
from commissioning.documents.writing import (
    Document,
    _unique_stems,
    safe_name,
    write_documents,
    write_index,
)
from tests.documents.conftest import SAMPLE


def test_safe_names():
    assert safe_name("FS-PEN-01") == "FS-PEN-01"
    assert safe_name("NEW/1 ü") == "NEW_1__"
    assert safe_name("../x") == ".._x"


def test_ids_that_sanitise_alike_get_distinct_file_names():
    docs = [
        Document("spec", key, key, "x", f"spec-{safe_name(key)}", "t.html", lambda: None)
        for key in ("A/B", "A_B", "a_b")
    ]
    _unique_stems(docs)
    stems = [d.stem for d in docs]
    assert stems[0] == "spec-A_B" and len({s.lower() for s in stems}) == 3


def test_all_html_documents_for_the_sample_with_an_index(
    sample_plan, sample_result_file, tmp_path, capsys
):
    out = tmp_path / "docs"
    code = main(
        [
            "documents",
            str(SAMPLE),
            "--result",
            str(sample_result_file),
            "--out",
            str(out),
            "--format",
            "html",
        ]
    )
    err = capsys.readouterr().err
    assert code == 0, err
    names = {p.name for p in out.iterdir()}
    slas = {n for n in names if n.startswith("sla-")}
    specs = {n for n in names if n.startswith("spec-")}
    assert len(slas) == 12 and "sla-PEN.html" in slas
    assert "spec-FS-PEN-01.html" in specs and "plan-summary.html" in names
    assert len(specs) == sum(
        sample_plan.summary.decisions[k] for k in ("commission", "grow", "maintain")
    )
    assert not any(n.endswith(".pdf") or n.endswith(".tmp") for n in names)
    index = (out / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="([^"]+)"', index))
    assert links == names - {"index.html"}
    assert "rationale-pack.html" in names
    assert "standard-terms.html" in names  # cited by every specification
    n = len(names) - 1  # every document but the index
    assert f"{n}/{n}" in err and f"Wrote {n} documents" in err


def test_one_district_sla_as_pdf(sample_result_file, tmp_path, capsys):
    out = tmp_path / "pen"
    code = main(
        [
            "documents",
            str(SAMPLE),
            "--result",
            str(sample_result_file),
            "--out",
            str(out),
            "--kind",
            "sla",
            "--district",
            "PEN",
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "sla-PEN.pdf"]
    assert (out / "sla-PEN.pdf").read_bytes().startswith(b"%PDF")


def test_pdfs_in_the_process_pool_with_safe_file_names(small_plan, tmp_path):
    produced, failures = write_documents(
        small_plan, ["sla", "spec"], tmp_path, ["pdf", "html"], "B"
    )
    assert failures == []
    written = {f for _, files in produced for f in files}
    assert written == {"sla-B.pdf", "sla-B.html", "spec-NEW_1.pdf", "spec-NEW_1.html"}
    assert all((tmp_path / f).read_bytes()[:4] in (b"%PDF", b"<!DO") for f in written)
    index = write_index(small_plan, tmp_path, produced).read_text(encoding="utf-8")
    assert 'href="spec-NEW_1.pdf"' in index and 'href="sla-B.html"' in index
    assert not list(tmp_path.glob(".*.tmp"))


def test_one_district_rationale_pack(sample_result_file, tmp_path, capsys):
    code = main(
        [
            "documents",
            str(SAMPLE),
            "--result",
            str(sample_result_file),
            "--out",
            str(tmp_path),
            "--kind",
            "rationale",
            "--district",
            "PEN",
            "--format",
            "html",
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html", "rationale-pack-PEN.html"]
    html = (tmp_path / "rationale-pack-PEN.html").read_text(encoding="utf-8")
    assert "What would have changed the decision" in html


def test_county_wide_services_as_a_district(sample_result_file, tmp_path, capsys):
    """`--district COUNTY` gives the county-wide services' specifications and rationale."""
    args = ["documents", str(SAMPLE), "--result", str(sample_result_file), "--out", str(tmp_path)]
    code = main([*args, "--kind", "all", "--district", "COUNTY", "--format", "html"])
    assert code == 0, capsys.readouterr().err
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "rationale-pack-COUNTY.html" in names and "standard-terms.html" in names
    assert all(not n.startswith("sla-") for n in names)
    assert any(n.endswith("-CTY-01.html") and n.startswith("spec-") for n in names)
    html = (tmp_path / "rationale-pack-COUNTY.html").read_text(encoding="utf-8")
    assert "county-wide services" in html


def test_a_result_from_other_data_is_refused(sample_result_file, tmp_path, capsys):
    doc = json.loads(sample_result_file.read_text())
    doc["provenance"]["inputs_sha256"] = "0" * 64
    other = tmp_path / "other.json"
    other.write_text(json.dumps(doc))
    code = main(["documents", str(SAMPLE), "--result", str(other), "--out", str(tmp_path / "x")])
    assert code == 2
    assert "was made from other data" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_an_unknown_district_and_a_missing_result_are_refused(sample_result_file, tmp_path, capsys):
    args = ["documents", str(SAMPLE), "--out", str(tmp_path)]
    assert main([*args, "--result", str(sample_result_file), "--district", "XYZ"]) == 2
    assert "Unknown district 'XYZ'" in capsys.readouterr().err
    assert main([*args, "--result", str(tmp_path / "missing.json")]) == 2
    assert "Cannot read the result file" in capsys.readouterr().err


def test_run_accepts_a_namespace_like_the_cli(sample_result_file, tmp_path):
    from commissioning.cli.documents import run

    args = Namespace(
        data=SAMPLE,
        scenario=None,
        result=sample_result_file,
        out=tmp_path,
        kind="summary",
        district=None,
        format="html",
    )
    assert run(args) == 0
    assert (tmp_path / "plan-summary.html").is_file()


def test_html_only_never_imports_weasyprint(sample_result_file, tmp_path):
    code = (
        "import sys; from commissioning.cli import main; "
        f"rc = main(['documents', {str(SAMPLE)!r}, '--result', {str(sample_result_file)!r}, "
        f"'--out', {str(tmp_path)!r}, '--kind', 'summary', '--format', 'html']); "
        "sys.exit(rc or ('weasyprint' in sys.modules and 9))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Wrote 1 document (1 file)" in done.stderr
