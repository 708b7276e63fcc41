"""The scorer benchmark runs (its figures go to docs/scoring.md; speed is never asserted)."""

from __future__ import annotations

import json

from quotestance.evaluation import bench


def test_bench_smoke(capsys):
    assert bench.main(["--sizes", "20,40", "--bootstrap", "5"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["articles"] for r in out["runs"]] == [20, 40]
    assert all(0.0 < r["exact_f1"] < 1.0 for r in out["runs"])


def test_synthetic_templates_are_scorable():
    import random

    from quotestance.evaluation import evaluate_articles

    gold = [bench._synthetic(random.Random(i), i) for i in range(3)]
    preds = [bench.predict(random.Random(0), g) for g in gold]
    res = evaluate_articles(gold, preds)
    assert 0.0 < res.scores["quotes.iou50.f1"] < 1.0
