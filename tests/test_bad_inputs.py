"""Every row of the bad-input catalogue: a clear message, the right exit code, no traceback."""

from __future__ import annotations

import re

import pytest

from .bad_inputs import ROWS, render_doc, run_row
from .conftest import ROOT


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_bad_input_row(row, tmp_path):
    code, text = run_row(row, tmp_path)
    assert "Traceback" not in text
    assert code == row.exit_code, text[-500:]
    assert re.search(row.expect, text, re.M), text[-500:]


def test_unreadable_file_message_even_as_root(tmp_path, monkeypatch, run_cli):
    import quotestance.jsonl as jl

    p = tmp_path / "locked.jsonl"
    p.write_text("{}\n")

    def deny(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(jl, "open", deny, raising=False)
    r = run_cli("validate", p)
    assert r.exit_code == 2 and "cannot read (Permission denied)" in r.stderr


@pytest.mark.slow
def test_robustness_doc_is_fresh():
    assert (ROOT / "docs" / "robustness.md").read_text(encoding="utf-8") == render_doc(), \
        "run: python -m tests.bad_inputs --write-doc"
