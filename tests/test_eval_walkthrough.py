"""The scoring walkthrough of docs/scoring.md, pinned: every number computed by hand.

Gold (tests/fixtures/eval/walkthrough_gold.jsonl), word tokens in brackets:
  q1 mixed    the tariff deal “will protect our farmers.”   e1  t1 favor    (7 tokens)
  q2 direct   “It is a disaster for consumers,”             e2  t1 against  (6)
  q3 indirect the wage talks should continue                e2  t2 favor    (5)
  q4 mixed    “study the union’s position.”                 e1  t2 neutral  (5: union, s)
Prediction (walkthrough_pred.jsonl):
  p1 direct   “will protect our farmers.”   speaker_name "ana lopez" -> e1, t1 favor   (4)
  p2 direct   It is a disaster for consumers                 e2, t1 against          (6)
  p3 indirect Berg added that the wage talks should continue e1, t2 against          (8)
  p4 direct   Tariff deal splits farmers and unions (the headline), t1 neutral       (6)
"""

from __future__ import annotations

import json

import pytest

from quotestance.evaluation import evaluate_articles

from .conftest import FIXTURES

EVAL = FIXTURES / "eval"


def _load(name):
    return [json.loads(x) for x in (EVAL / name).read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def gold():
    return _load("walkthrough_gold.jsonl")


@pytest.fixture(scope="module")
def pred():
    return _load("walkthrough_pred.jsonl")


def test_fixture_is_what_the_docstring_says(gold, pred):
    text = gold[0]["text"]
    assert [q["type"] for q in gold[0]["quotes"]] == ["mixed", "direct", "indirect", "mixed"]
    assert text[pred[0]["quotes"][1]["start"]:pred[0]["quotes"][1]["end"]] == \
        "It is a disaster for consumers"


# exact: only p2 = q2 after trimming the quotation marks and the comma.
# IoU: p1-q1 4/7 = .571, p2-q2 1, p3-q3 5/8 = .625 -> 3 matches.
# partial: P credit 4/4 + 6/6 + 5/8 + 0 = 2.625 over 4 predictions;
#          R credit 4/7 + 6/6 + 5/5 + 0 = 2.5714 over 4 gold quotes.
P_PART = 2.625 / 4
R_PART = (4 / 7 + 2) / 4
QUOTES = {
    "quotes.exact.p": 0.25, "quotes.exact.r": 0.25, "quotes.exact.f1": 0.25,
    "quotes.iou50.p": 0.75, "quotes.iou50.r": 0.75, "quotes.iou50.f1": 0.75,
    "quotes.partial.p": P_PART, "quotes.partial.r": R_PART,
    "quotes.partial.f1": 2 * P_PART * R_PART / (P_PART + R_PART),
    "quotes.typed.f1": 0.25,
}
# align=exact: only q2-p2 is paired; its speaker (e2) and stance (t1 against) are right.
EXACT = {
    "speakers.accuracy": 1 / 4, "speakers.accuracy_matched": 1.0, "speakers.e2e.f1": 0.25,
    # pairs: q1 favor->none, q2 against->against, q3 favor->none, q4 neutral->none
    "stance.accuracy": 0.25,
    "stance.macro_f1": (0 + 1 + 0) / 3,          # F1 favor 0, against 1, neutral 0
    "stance.f_avg_pooled": (0 + 1) / 2,
    "stance.f_avg_by_category": (0.5 + 0.0) / 2,  # trade (0+1)/2; labour: favor 0, against undef.
    "e2e.p": 0.25, "e2e.r": 0.25, "e2e.f1": 0.25,
}
# align=iou50: q1-p1 (right speaker via "ana lopez", favor right), q2-p2 right,
# q3-p3 (wrong speaker e1, favor predicted against), q4 unpaired.
IOU = {
    "speakers.accuracy": 2 / 4, "speakers.accuracy_matched": 2 / 3, "speakers.e2e.f1": 0.5,
    "stance.accuracy": 2 / 4,
    # favor tp1 fn1 -> 2/3; against tp1 fp1 -> 2/3; neutral fn1 -> 0
    "stance.macro_f1": (2 / 3 + 2 / 3 + 0) / 3,
    "stance.f_avg_pooled": 2 / 3,
    "stance.f_avg_by_category": (1.0 + 0.0) / 2,  # trade: both right; labour: both wrong
    "e2e.f1": 0.5,
}


@pytest.mark.parametrize("key", sorted(QUOTES))
def test_quote_scores(gold, pred, key):
    res = evaluate_articles(gold, pred, ("quotes",))
    assert res.scores[key] == pytest.approx(QUOTES[key])


@pytest.mark.parametrize("key", sorted(EXACT))
def test_exact_alignment_scores(gold, pred, key):
    assert evaluate_articles(gold, pred).scores[key] == pytest.approx(EXACT[key])


@pytest.mark.parametrize("key", sorted(IOU))
def test_iou50_alignment_scores(gold, pred, key):
    assert evaluate_articles(gold, pred, match="iou50").scores[key] == pytest.approx(IOU[key])


def test_breakdowns_and_confusion(gold, pred):
    res = evaluate_articles(gold, pred)
    by_type = res.breakdown["quotes.by_type"]
    assert (by_type["mixed"]["gold"], by_type["mixed"]["iou50.r"]) == (2, 0.5)
    assert by_type["mixed"]["partial.r"] == pytest.approx((4 / 7) / 2)
    assert by_type["direct"]["pred"] == 3 and by_type["direct"]["typed.f1"] == pytest.approx(0.5)
    assert res.confusion["matrix"] == [[0, 0, 0, 2], [0, 1, 0, 0], [0, 0, 0, 1]]
    cats = res.breakdown["stance.by_category"]
    assert cats["trade"]["f_avg"] == 0.5 and cats["labour_disputes"]["f1.against"] is None
    assert res.counts["quotes.partial.p_credit"] == pytest.approx(2.625)
    assert "stance.extra" not in res.counts  # p2's only stance is toward a gold pair
