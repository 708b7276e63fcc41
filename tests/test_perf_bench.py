"""The benchmark suite's own machinery: generated data is valid, measurements measure, the
performance doc matches the committed results. (No timing is asserted anywhere.)"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from quotestance.evaluation import evaluate_articles, load_predictions
from quotestance.systems import article_from_input
from quotestance.validate import validate_files

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
import harness  # noqa: E402
import report  # noqa: E402
import run  # noqa: E402


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return generate.ensure(23, tmp_path_factory.mktemp("bench"), n_shards=5, log=lambda m: None)


def test_generated_corpus_is_valid_with_unique_ids(data):
    rep = validate_files([data["gold"]])
    assert rep.ok and rep.articles == 23 and rep.quotes > 23
    ids = [json.loads(x)["id"] for x in data["gold"].read_text(encoding="utf-8").splitlines()]
    assert len(set(ids)) == 23


def test_text_inputs_carry_no_labels_and_are_predict_inputs(data):
    for i, line in enumerate(data["text"].read_text(encoding="utf-8").splitlines(), 1):
        obj = json.loads(line)
        assert set(obj) == {"id", "title", "text", "targets"}
        art = article_from_input(obj, str(data["text"]), i)
        assert art.quotes == () and art.id == obj["id"]


def test_predictions_score_against_the_gold_without_errors(data):
    gold = [json.loads(x) for x in data["gold"].read_text(encoding="utf-8").splitlines()]
    res = evaluate_articles(gold, load_predictions(data["pred"]))
    assert res.articles["missing"] == [] and 0 < res.scores["quotes.exact.f1"] < 1


@pytest.mark.parametrize("key,source", [("shards", "gold"), ("text_shards", "text")])
def test_shards_concatenate_to_the_source(data, key, source):
    parts = sorted(data[key].glob("*.jsonl"))
    assert len(parts) == 5 and all(p.stat().st_size for p in parts)
    assert b"".join(p.read_bytes() for p in parts) == data[source].read_bytes()


def test_fewer_lines_than_shards_leaves_no_empty_shard(tmp_path, data):
    small = tmp_path / "three.jsonl"
    small.write_bytes(b"".join(data["gold"].read_bytes().splitlines(True)[:3]))
    parts = generate.shards(small, tmp_path / "s", 8)
    assert len(parts) == 3 and sorted((tmp_path / "s").iterdir()) == parts


def test_ensure_reuses_fresh_data_and_remakes_stale(tmp_path):
    quiet = []
    a = generate.ensure(5, tmp_path, n_shards=2, log=quiet.append)
    first = a["gold"].stat().st_mtime_ns
    generate.ensure(5, tmp_path, n_shards=2, log=quiet.append)
    assert a["gold"].stat().st_mtime_ns == first and len(quiet) == 1
    (tmp_path / "syn-5.meta.json").write_text('{"n": 5, "fingerprint": "old", "shards": 2}')
    generate.ensure(5, tmp_path, n_shards=2, log=quiet.append)
    assert len(quiet) == 2


def test_child_reports_its_own_peak_memory():
    small = harness.child([sys.executable, "-c", "pass"])
    big = harness.child([sys.executable, "-c", "b = bytearray(300 * 2**20); b[::4096] = "
                                               "b'x' * len(b[::4096])"])
    assert big.rss_mib > small.rss_mib + 250 and big.rc == 0 and big.wall > 0


def test_child_failure_raises_with_its_stderr():
    with pytest.raises(RuntimeError, match="(?s)exited 3.*boom"):
        harness.child([sys.executable, "-c", "import sys; print('boom', file=sys.stderr); "
                                             "sys.exit(3)"])


def test_repeat_stops_after_one_run_over_budget():
    calls = []

    def slow():
        calls.append(1)
        return harness.Run(wall=5.0, cpu=5.0)

    assert len(harness.repeat(slow, 3, budget_s=1.0)) == 1
    assert len(harness.repeat(lambda: harness.Run(0.1, 0.1), 3, budget_s=1.0)) == 3


def test_profile_names_the_hot_function():
    def hot():
        return sum(i * i for i in range(200_000))

    rows = harness.profile(hot, top=3)
    assert any("genexpr" in r["function"] for r in rows) and rows[0]["own_s"] >= rows[-1]["own_s"]


@pytest.mark.parametrize("argv", [["--sizes", "100"], ["--sizes", "300,100"],
                                  ["--only", "nonsense"]])
def test_run_refuses_bad_arguments(argv):
    with pytest.raises(SystemExit) as e:
        run.parse_args(argv)
    assert e.value.code == 2


def test_report_rewrites_only_the_generated_blocks():
    res = json.loads(report.RESULTS.read_text(encoding="utf-8"))
    doc = "intro 1\n<!-- perf:figures -->\nstale\n<!-- /perf:figures -->\noutro\n"
    out = report.render(doc, res)
    assert out.startswith("intro 1\n<!-- perf:figures -->\n| figure |")
    assert out.endswith("<!-- /perf:figures -->\noutro\n") and "stale" not in out
    assert report.render(out, res) == out
    assert all(f["title"] in out for f in res["figures"])


def test_performance_doc_matches_the_committed_results():
    assert report.RESULTS.is_file(), "run bench/run.py and commit bench/results/latest.json"
    p = subprocess.run([sys.executable, str(ROOT / "bench" / "report.py"), "--check"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


def test_committed_results_have_every_figure_of_the_issue():
    res = json.loads(report.RESULTS.read_text(encoding="utf-8"))
    ids = {f["id"] for f in res["figures"]}
    assert {"validate.speed", "evaluate.scaling", "extract.rate", "pipeline.rate",
            "memory.validate", "memory.evaluate", "memory.predict", "startup.cli",
            "load_hf.cold", "load_hf.warm"} <= ids
    assert all(f["status"] in ("PASS", "GAP", "INFO") for f in res["figures"])
    assert res["machine"]["cpu"] and res["machine"]["cores"] and res["load_average"]["start"]
    gaps = {f["id"] for f in res["figures"] if f["status"] == "GAP"}
    assert gaps <= set(res["profiles"]), "every GAP needs the profile that explains it"


@pytest.mark.slow
def test_suite_runs_end_to_end_on_tiny_data(tmp_path):
    out = tmp_path / "r.json"
    p = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "20,40",
                        "--repeats", "1", "--only", "validate_speed,commands,startup",
                        "--data", str(tmp_path / "d"), "--output", str(out)],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
    res = json.loads(out.read_text())
    assert {"validate.speed", "evaluate.scaling", "memory.predict", "startup.cli"} <= \
        {f["id"] for f in res["figures"]}
    assert "== summary ==" in p.stdout
