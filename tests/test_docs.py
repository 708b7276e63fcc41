"""Numbers in the README and docs/baselines.md come from commands: the generated blocks are
fresh, and the committed benchmark results are what `quotestance benchmark` produces."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "docs"))


@pytest.fixture(scope="module")
def made():
    """Every generated block, from the commands (run once for the module)."""
    import refresh

    return refresh.blocks()


def test_readme_generated_blocks_are_fresh(made):
    import refresh

    current = (ROOT / "README.md").read_text(encoding="utf-8")
    assert refresh.block_names(current) == ["summary", "benchmark"]
    assert refresh.render(current, made) == current, "run: python docs/refresh.py"


def test_baselines_tables_are_a_fresh_generated_block(made):
    import refresh

    current = (ROOT / "docs" / "baselines.md").read_text(encoding="utf-8")
    assert refresh.block_names(current) == ["baselines"]
    assert refresh.render(current, made) == current, "run: python docs/refresh.py"
    bench = json.loads((ROOT / "docs" / "results" / "benchmark.json").read_text())
    block = current.split("<!-- generated:baselines")[1].split("<!-- /generated:baselines")[0]
    for s in bench["systems"]:  # every system's row, with the committed numbers
        assert re.search(rf"^\| {re.escape(s['name'])}( \(e2e\))? \|", block, re.M), s["name"]
    outside = current.replace(block, "")
    assert not re.search(r"\d\s*(articles/s|s wall clock)|\|\s*\d+\.\d\s*\|", outside), \
        "measured figures belong in generated blocks or docs/performance.md"


def test_generated_blocks_of_other_docs_are_refused_when_unknown():
    import refresh

    with pytest.raises(KeyError, match="unknown generated block 'nope'"):
        refresh.render("<!-- generated:nope (x) -->\n<!-- /generated:nope -->\n", {})


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
