"""Numbers in the README come from commands: the generated blocks are fresh, and the committed
benchmark results are what `quotestance benchmark` produces."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "docs"))


def test_readme_generated_blocks_are_fresh():
    import refresh

    current = (ROOT / "README.md").read_text(encoding="utf-8")
    assert refresh.render(current) == current, "run: python docs/refresh.py"


def test_readme_has_exactly_two_shell_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count("```bash") == 2


def test_ci_runs_the_readme_test_command_verbatim():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = readme.split("```bash\n")[1:]
    test_cmd = blocks[1].split("\n```")[0].strip()
    assert "pytest" in test_cmd
    assert test_cmd in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


@pytest.mark.slow
def test_committed_benchmark_results_are_reproduced(tmp_path):
    out = tmp_path / "bench.json"
    subprocess.run([sys.executable, "-m", "quotestance", "benchmark", "-o", str(out)],
                   cwd=ROOT, check=True, capture_output=True)
    fresh = json.loads(out.read_text())
    committed = json.loads((ROOT / "docs" / "results" / "benchmark.json").read_text())

    def scores(r):
        return {s["name"]: s["scores"] for s in r["systems"]}

    assert scores(fresh) == scores(committed)
