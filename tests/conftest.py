"""Shared test helpers: paths and an in-process CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
CORPUS = ROOT / "corpus"


@pytest.fixture
def run_cli():
    """Run ``quotestance ARGS`` in-process; returns the click Result (exit_code, stdout, stderr)."""
    from quotestance.cli import app

    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)

    return run


@pytest.fixture
def base_article() -> dict:
    return json.loads((FIXTURES / "valid" / "small.jsonl").read_text(encoding="utf-8"))


def write_jsonl(path: Path, objs) -> Path:
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs),
                    encoding="utf-8")
    return path
