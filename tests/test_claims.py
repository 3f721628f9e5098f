"""notebooks/claims.md is what the stored walkthroughs measured, and every measured claim
is asserted where it is measured (so the suite, which executes the notebooks, fails when a
verdict's number stops holding)."""

import importlib.util
import json
import pathlib

import pytest

NOTEBOOKS = pathlib.Path(__file__).parent.parent / "notebooks"


@pytest.fixture(scope="module")
def claims():
    spec = importlib.util.spec_from_file_location("claims_table", NOTEBOOKS / "claims.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_index_lists_the_guides_claims_once_each(claims):
    rows = claims.read_index()
    assert len(rows) == 103
    assert all(r["id"] and r["chapter"] and r["claim"] for r in rows)


def test_claims_md_is_regenerated_from_the_stored_notebooks(claims):
    assert claims.TABLE.read_text(encoding="utf-8") == claims.render(), (
        "notebooks/claims.md is out of date: run python notebooks/claims.py")


def test_every_cell_that_reports_a_verdict_also_asserts_it(claims):
    unasserted = []
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        for i, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            reports = any(claims.MIME_TYPE in o.get("data", {}) for o in cell.get("outputs", []))
            if reports and ".expect(" not in "".join(cell["source"]):
                unasserted.append(f"{path.name} cell {i}")
    assert not unasserted, f"verdicts shown without .expect(...): {unasserted}"


def test_the_record_mime_type_is_the_one_kzoo_writes(claims):
    from kzoo import experiments

    assert claims.MIME_TYPE == experiments.MIME_TYPE


def test_a_claim_reported_twice_is_an_error(claims, tmp_path):
    record = {"claim_id": "ACT-09", "verdict": "confirmed", "number": "1", "seeds": 0,
              "detail": "x"}
    cell = {"cell_type": "code", "source": "v.expect('confirmed')", "metadata": {},
            "outputs": [{"output_type": "display_data", "data": {claims.MIME_TYPE: record}}]}
    nb = {"cells": [{"cell_type": "markdown", "source": "## Softmax", "metadata": {}}, cell]}
    paths = []
    for name in ("a.ipynb", "b.ipynb"):
        paths.append(tmp_path / name)
        paths[-1].write_text(json.dumps(nb))
    assert claims.measured(paths[:1])["ACT-09"][1:] == ("a.ipynb", "Softmax")
    with pytest.raises(ValueError, match="ACT-09 is reported twice"):
        claims.measured(paths)
    text = claims.render(results=claims.measured(paths[:1]))
    assert "| ACT-09 |" in text and "**confirmed**" in text and "a.ipynb § Softmax" in text
