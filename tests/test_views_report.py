"""The results page: leaderboard per task, charts, confusion matrix, per-category bars,
signatures; read from `evaluate --format json` and from benchmark-shaped documents."""

from __future__ import annotations

import json

import pytest

from quotestance.views import find_entries, render_report

from .conftest import FIXTURES
from .test_views_article import assert_inert

FX = FIXTURES / "interchange"


@pytest.fixture(scope="module")
def evaluation() -> dict:
    from quotestance.evaluation import evaluate_articles

    gold = [json.loads(x) for x in (FX / "articles.jsonl").read_text("utf-8").splitlines()]
    pred = json.loads(json.dumps(gold))
    pred[0]["quotes"][0]["stances"][0]["label"] = "against"
    del pred[0]["quotes"][5]
    return evaluate_articles(gold, pred, split="custom", corpus_version="test").to_dict()


BENCH = {"results": [
    {"system": "rules", "task": "quotes", "signature": "sig-q", "scores": {"exact.f1": 0.5}},
    {"system": "oracle", "task": "quotes", "signature": "sig-q", "scores": {"exact.f1": 0.9}},
    {"system": "majority", "task": "stance", "signature": "sig-s",
     "scores": {"macro_f1": 0.25},
     "confusion": {"labels": ["favor", "against"], "matrix": [[1, 2], [0, 3]]},
     "breakdown": {"stance.by_category": {"armed_conflict": {"f_avg": 0.4}}}},
]}


def test_evaluate_output_becomes_one_entry_per_task_with_its_signature(evaluation):
    entries = find_entries(evaluation, "eval")
    assert [e.task for e in entries] == ["quotes", "speakers", "stance", "e2e"]
    for e in entries:
        assert e.system == "eval"
        assert e.signature == evaluation["signatures"][e.task]
        assert e.scores  # scores without the task prefix
        assert not any(k.startswith(e.task + ".") for k in e.scores)
    stance = entries[2]
    assert stance.scores["macro_f1"] == evaluation["scores"]["stance.macro_f1"]
    assert stance.confusion and stance.categories


def test_evaluate_page_has_leaderboards_matrix_and_signatures(evaluation):
    html = render_report(evaluation, default_system="eval")
    assert_inert(html)
    for task in ("quotes", "speakers", "stance", "e2e"):
        assert f'id="task-{task}"' in html
    assert 'class="heatmap"' in html and 'id="signatures"' in html
    for sig in evaluation["signatures"].values():
        assert sig in html
    conf = evaluation["confusion"]
    for label in conf["labels"]:
        assert f"<th>{label}</th>" in html


def test_benchmark_leaderboard_ranks_systems_by_the_task_metric():
    html = render_report(BENCH)
    quotes = html.split('id="task-quotes"')[1].split("</table>")[0]
    assert quotes.index("oracle") < quotes.index("rules")
    assert '<td class="num best">0.900</td>' in quotes
    assert "armed_conflict" in html and "sig-s" in html


def test_confusion_matrix_as_nested_mapping():
    doc = {"system": "s", "task": "stance", "scores": {"macro_f1": 0.5},
           "confusion_matrix": {"favor": {"favor": 2, "against": 1}, "against": {"against": 4}}}
    html = render_report(doc)
    assert 'class="heatmap"' in html and ">4<" in html


def test_hostile_names_are_escaped():
    doc = {"results": [{"system": "<script>alert(1)</script>", "task": "<img src=x onerror=1>",
                        "signature": "<b onclick=x>", "scores": {"f1": 0.5}}]}
    html = render_report(doc, title="<script>t</script>")
    assert_inert(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_document_without_scores_says_so():
    assert 'id="empty"' in render_report({"nothing": 1})


def test_cli_report(tmp_path, run_cli, evaluation):
    res = tmp_path / "res.json"
    res.write_text(json.dumps(evaluation), "utf-8")
    out = tmp_path / "r.html"
    r = run_cli("report", res, "-o", out)
    assert r.exit_code == 0, r.output
    assert "res · quotes" in out.read_text("utf-8")  # system named after the file
    bad = tmp_path / "bad.json"
    bad.write_text("{nope", "utf-8")
    assert run_cli("report", bad).exit_code == 1
    assert run_cli("report", tmp_path / "missing.json").exit_code == 2


@pytest.mark.parametrize("doc, says", [
    ({"scores": {"a": 0.5}, "confusion": {"favor": {"favor": "x"}}},
     "confusion.favor.favor: a confusion-matrix cell must be a number, got 'x'"),
    ({"scores": {"a": 0.5}, "confusion": {"labels": ["a"], "matrix": [[-1]]}},
     "confusion.matrix[0][0]: a confusion-matrix cell must be >= 0"),
    ({"results": [{"scores": {"a": 1e400}}]}, "results[0].scores.a: expected a finite number"),
    ({"scores": {"a": 0.5}, "by_category": {"c": float("nan")}},
     "by_category.c: expected a finite number"),
    ({"schema": "quotestance-benchmark/1",
      "leaderboards": {"quotes": [{"system": "s", "scores": {"f1": 10**400}}]}},
     "leaderboards.quotes[0].scores.f1: expected a finite number"),
])
def test_malformed_results_raise_an_error_naming_the_place(doc, says):
    from quotestance.views.report import ResultsError

    with pytest.raises(ResultsError) as e:
        find_entries(doc)
    assert str(e.value).startswith(says)


@pytest.mark.parametrize("body, says", [
    ('{"scores":{"a":0.5},"confusion":{"favor":{"favor":"x"}}}',
     "r.json: confusion.favor.favor: a confusion-matrix cell must be a number, got 'x'"),
    ('{"scores":{"a":NaN}}', "r.json: not a JSON document: NaN is not a JSON number"),
    ('{"scores":{"a":1e400}}', "r.json: scores.a: expected a finite number, got inf"),
])
def test_cli_report_refuses_malformed_results_with_exit_1(tmp_path, run_cli, body, says):
    res = tmp_path / "r.json"
    res.write_text(body, "utf-8")
    r = run_cli("report", res, "-o", tmp_path / "r.html")
    assert r.exit_code == 1 and says in r.stderr, r.output
    assert "Traceback" not in r.output and not (tmp_path / "r.html").exists()


def test_benchmark_output_uses_its_leaderboards_and_primary_metrics():
    """tests/fixtures/views/benchmark_results.json: real `quotestance benchmark --output`
    (trained on the interchange fixtures, scored on the seed article)."""
    doc = json.loads((FIXTURES / "views" / "benchmark_results.json").read_text("utf-8"))
    entries = find_entries(doc)
    want = [(r["system"], task) for task, rows in doc["leaderboards"].items() for r in rows]
    assert [(e.system.split(" (")[0], e.task) for e in entries] == want
    for e in entries:
        key = doc["primary"][e.task]
        row = next(r for r in doc["leaderboards"][e.task]
                   if e.system.startswith(r["system"]))
        assert e.scores[key.removeprefix(e.task + ".")] == row["scores"][key]
        assert e.signature == row["signature"]
    html = render_report(doc)
    assert_inert(html)
    for task in doc["leaderboards"]:
        assert f'id="task-{task}"' in html


def test_cli_report_joins_several_files(tmp_path, run_cli, evaluation):
    res = tmp_path / "mine.json"
    res.write_text(json.dumps(evaluation), "utf-8")
    r = run_cli("report", FIXTURES / "views" / "benchmark_results.json", res)
    assert r.exit_code == 0, r.output
    quotes = r.stdout.split('id="task-quotes"')[1].split("</table>")[0]
    assert "rules-quotes" in quotes and "mine" in quotes
