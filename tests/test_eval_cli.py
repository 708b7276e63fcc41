"""`quotestance evaluate` and `quotestance agreement`: exit codes, stdout/stderr, parsed JSON."""

from __future__ import annotations

import json
import shutil

import pytest

from .conftest import CORPUS, FIXTURES, write_jsonl

EVAL = FIXTURES / "eval"
GOLD = EVAL / "walkthrough_gold.jsonl"
PRED = EVAL / "walkthrough_pred.jsonl"


def test_evaluate_text_by_default(run_cli):
    r = run_cli("evaluate", GOLD, PRED)
    assert r.exit_code == 0
    assert "exact match" in r.stdout and "signature: qs:file:" in r.stdout
    assert "scored 1 gold article(s)" in r.stderr and "scored 1 gold" not in r.stdout


def test_evaluate_json(run_cli):
    r = run_cli("evaluate", GOLD, PRED, "--format", "json", "--task", "quotes")
    d = json.loads(r.stdout)
    assert r.exit_code == 0 and d["settings"]["tasks"] == ["quotes"]
    assert d["scores"]["quotes.iou50.f1"] == 0.75
    assert d["signature"].startswith("qs:file:") and "|split:test|task:quotes|" in d["signature"]


def test_evaluate_markdown_and_match(run_cli):
    r = run_cli("evaluate", GOLD, PRED, "-f", "markdown", "--match", "iou50", "-t", "speakers")
    assert r.exit_code == 0 and "| accuracy on gold quotes | 0.5000 |" in r.stdout


def test_evaluate_bootstrap_and_compare(run_cli, tmp_path):
    empty = write_jsonl(tmp_path / "empty.jsonl", [{"id": "qs-walk1", "quotes": []}])
    r = run_cli("evaluate", GOLD, PRED, "-f", "json", "--compare", empty, "-t", "quotes")
    d = json.loads(r.stdout)
    assert r.exit_code == 0 and "1000 bootstrap samples" in r.stderr
    assert d["comparison"]["other"] == "empty.jsonl" and d["settings"]["bootstrap"] == 1000
    assert d["comparison"]["delta"]["quotes.exact.f1"] == 0.25
    assert set(d["ci"]) == set(d["scores"])


def test_prediction_errors_exit_1_with_path_line(run_cli, tmp_path):
    bad = write_jsonl(tmp_path / "bad.jsonl", [{"id": "qs-walk1", "quotes": []},
                                               {"id": "zzz", "quotes": []}])
    r = run_cli("evaluate", GOLD, bad)
    assert r.exit_code == 1 and r.stdout == ""
    assert f"{bad}:2: article id 'zzz' is not in the gold data" in r.stderr
    assert "Traceback" not in r.stderr


def test_bad_json_exit_1(run_cli, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "qs-walk1", "quotes": [}\n', encoding="utf-8")
    r = run_cli("evaluate", GOLD, bad)
    assert r.exit_code == 1 and f"{bad}:1: error json.invalid" in r.stderr


def test_invalid_gold_exit_1(run_cli):
    r = run_cli("evaluate", FIXTURES / "invalid" / "span.text.jsonl", PRED)
    assert r.exit_code == 1 and "span.text" in r.stderr


@pytest.mark.parametrize("args", [
    ("--task", "quote"), ("--format", "xml"), ("--match", "fuzzy"), ("--bootstrap", "-1"),
    ("--bootstrap", "99999999999999999999"), ("--bootstrap", "100001"),
    ("--seed", "-1", "--bootstrap", "10"),
])
def test_usage_errors_exit_2(run_cli, args):
    r = run_cli("evaluate", GOLD, PRED, *args)
    assert r.exit_code == 2 and "Traceback" not in r.stderr and args[0] in r.stderr, r.stderr


@pytest.mark.parametrize("args", [("--bootstrap", "100001"), ("--seed", "-1", "-b", "10")])
def test_agreement_usage_errors_exit_2(run_cli, args):
    r = run_cli("agreement", GOLD, GOLD, *args)
    assert r.exit_code == 2 and args[0] in r.stderr, r.stderr


def test_library_refuses_a_negative_seed():
    from quotestance.evaluation import evaluate_articles

    with pytest.raises(ValueError, match="The 'seed' parameter must be an integer >= 0"):
        evaluate_articles([], [], bootstrap=10, seed=-1)


def test_missing_files_exit_2(run_cli, tmp_path):
    assert run_cli("evaluate", tmp_path / "nope.jsonl", PRED).exit_code == 2
    assert run_cli("evaluate", GOLD, tmp_path / "nope.jsonl").exit_code == 2


def test_missing_articles_are_reported_and_strict_fails(run_cli, tmp_path):
    two = tmp_path / "gold.jsonl"
    g = json.loads(GOLD.read_text(encoding="utf-8"))
    g2 = dict(g, id="qs-walk2")
    write_jsonl(two, [g, g2])
    r = run_cli("evaluate", two, PRED, "-f", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["articles"]["missing"] == ["qs-walk2"]
    assert "1 gold article(s) have no prediction" in r.stderr
    assert run_cli("evaluate", two, PRED, "--strict").exit_code == 1


def test_output_file_is_written_and_never_an_input(run_cli, tmp_path):
    pred = shutil.copy(PRED, tmp_path / "pred.jsonl")
    out = tmp_path / "scores.json"
    r = run_cli("evaluate", GOLD, pred, "-f", "json", "-o", out)
    assert r.exit_code == 0 and json.loads(out.read_text())["kind"] == "evaluation"
    before = (tmp_path / "pred.jsonl").read_bytes()
    r = run_cli("evaluate", GOLD, pred, "-o", pred)
    assert r.exit_code == 2 and "refusing to overwrite" in r.stderr
    assert (tmp_path / "pred.jsonl").read_bytes() == before


def test_agreement(run_cli, tmp_path):
    r = run_cli("agreement", GOLD, GOLD, "-f", "json")
    d = json.loads(r.stdout)
    assert r.exit_code == 0 and d["kind"] == "agreement"
    assert all(v == 1.0 for v in d["scores"].values())
    assert d["signature"].split("|")[2] == "task:agreement"
    text = run_cli("agreement", GOLD, GOLD).stdout
    assert "Cohen's kappa" in text and "Krippendorff's alpha" in text


def test_agreement_invalid_b_exit_1(run_cli):
    r = run_cli("agreement", GOLD, FIXTURES / "invalid" / "span.text.jsonl")
    assert r.exit_code == 1


@pytest.mark.skipif(not (CORPUS / "data" / "articles" / "test.jsonl").is_file(),
                    reason="the shipped corpus has no test split yet")
def test_split_name_scores_the_shipped_corpus(run_cli):
    test = CORPUS / "data" / "articles" / "test.jsonl"
    r = run_cli("evaluate", "test", test, "-f", "json", "-t", "quotes")
    d = json.loads(r.stdout)
    assert r.exit_code == 0 and d["scores"]["quotes.exact.f1"] == 1.0
    assert d["settings"]["split"] == "test" and not d["settings"]["corpus_version"].startswith(
        "file:")
