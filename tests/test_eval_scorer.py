"""Scorer properties (hypothesis), bootstrap, paired comparison, signatures, JSON, agreement."""

from __future__ import annotations

import copy
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotestance.evaluation import (EvaluationResult, evaluate_articles, make_signature,
                                    parse_signature)
from quotestance.evaluation.scorer import agreement_articles

from .conftest import FIXTURES

WORDS = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi "
         "rho sigma tau upsilon").split()
LABELS = ("favor", "against", "neutral")
TYPES = ("direct", "indirect", "mixed")


def make_article(rnd: random.Random, aid: str, n_quotes: int) -> dict:
    """A random gold-like article: words, quotes over word ranges, 2 speakers, 2 targets."""
    words = [rnd.choice(WORDS) for _ in range(40)]
    text = " ".join(words)
    starts = [sum(len(w) + 1 for w in words[:i]) for i in range(len(words))]
    quotes = []
    for k in range(n_quotes):
        a = rnd.randrange(0, 36)
        b = a + rnd.randrange(1, 5)
        stances = [{"target": t, "label": rnd.choice(LABELS)}
                   for t in ("t1", "t2") if rnd.random() < 0.7]
        quotes.append({"id": f"q{k}", "start": starts[a], "end": starts[b - 1] + len(words[b - 1]),
                       "type": rnd.choice(TYPES), "speaker": rnd.choice(["e1", "e2", None]),
                       "stances": stances})
    return {"id": aid, "text": text,
            "entities": [{"id": "e1", "name": "Ann One", "aliases": []},
                         {"id": "e2", "name": "Bob Two", "aliases": []}],
            "targets": [{"id": "t1", "name": "first", "category": "trade"},
                        {"id": "t2", "name": "second", "category": None}],
            "quotes": quotes}


def corpus(seed: int, n: int = 4) -> list[dict]:
    rnd = random.Random(seed)
    return [make_article(rnd, f"a{i}", rnd.randrange(1, 5)) for i in range(n)]


def perturb(rnd: random.Random, art: dict) -> dict:
    """A noisy prediction: quotes dropped, shifted, relabelled; spurious quotes added."""
    p = copy.deepcopy(art)
    out = []
    for q in p["quotes"]:
        if rnd.random() < 0.2:
            continue
        if rnd.random() < 0.3:
            q["start"] = max(0, q["start"] - rnd.randrange(0, 8))
        if rnd.random() < 0.3:
            q["speaker"] = rnd.choice(["e1", "e2", None])
        for s in q["stances"]:
            if rnd.random() < 0.3:
                s["label"] = rnd.choice(LABELS)
        out.append(q)
    if rnd.random() < 0.5:
        out.append({"start": 0, "end": 11, "type": None, "stances": []})
    p["quotes"] = [{k: v for k, v in q.items() if k != "id"} for q in out]
    return p


seeds = st.integers(0, 10_000)


@settings(max_examples=40, deadline=None)
@given(seed=seeds)
def test_perfect_predictions_score_one(seed):
    gold = corpus(seed)
    res = evaluate_articles(gold, copy.deepcopy(gold))
    has_stance = any(q["stances"] for a in gold for q in a["quotes"])
    for k, v in res.scores.items():
        if k.startswith(("stance.", "e2e.")) and not has_stance:
            continue
        assert v == 1.0, k


@settings(max_examples=40, deadline=None)
@given(seed=seeds)
def test_empty_predictions_score_zero_recall(seed):
    gold = corpus(seed)
    res = evaluate_articles(gold, [{"id": a["id"], "quotes": []} for a in gold])
    for k, v in res.scores.items():
        if k.endswith((".r", ".f1")) or k in ("speakers.accuracy", "stance.accuracy",
                                               "stance.macro_f1", "stance.f_avg_pooled"):
            assert v == 0.0, k
    assert evaluate_articles(gold, []).scores == res.scores


@settings(max_examples=40, deadline=None)
@given(seed=seeds, match=st.sampled_from(["exact", "iou50"]))
def test_input_order_never_changes_any_score(seed, match):
    rnd = random.Random(seed)
    gold = corpus(seed, 5)
    pred = [perturb(rnd, a) for a in gold]
    for p in pred[::2]:  # duplicated predictions with other attributes stress tie-breaking
        if p["quotes"]:
            p["quotes"].append(dict(p["quotes"][0], speaker="e2", stances=[]))
    base = evaluate_articles(gold, pred, match=match).to_dict()
    g2, p2 = copy.deepcopy(gold), copy.deepcopy(pred)
    for a in g2 + p2:
        rnd.shuffle(a["quotes"])
        for q in a["quotes"]:
            rnd.shuffle(q["stances"])
    rnd.shuffle(g2)
    rnd.shuffle(p2)
    other = evaluate_articles(g2, p2, match=match).to_dict()
    assert other["scores"] == pytest.approx(base["scores"])
    assert other["counts"] == pytest.approx(base["counts"])


@settings(max_examples=40, deadline=None)
@given(seed=seeds, match=st.sampled_from(["exact", "iou50"]))
def test_scores_lie_in_unit_interval(seed, match):
    rnd = random.Random(seed)
    gold = corpus(seed)
    res = evaluate_articles(gold, [perturb(rnd, a) for a in gold], match=match)
    assert all(0.0 <= v <= 1.0 for v in res.scores.values())


OWN_NAMES = ("first", "First", "second", " SECOND ", "third")  # "third" is no gold target


@settings(max_examples=60, deadline=None)
@given(seed=seeds, data=st.data())
def test_own_target_lists_with_duplicate_names_never_score_outside_unit_interval(seed, data):
    """A prediction with its own ``targets`` list (names repeated, so that two of its targets
    map to one gold target) either is refused for stancing one gold target twice in a quote,
    or scores in [0, 1]: a gold (quote, target) pair is never counted twice."""
    from quotestance.evaluation import PredictionError
    from quotestance.evaluation.predictions import norm_name

    rnd = random.Random(seed)
    gold = corpus(seed)
    pred = []
    twice = False
    for a in gold:
        p = perturb(rnd, a)
        names = data.draw(st.lists(st.sampled_from(OWN_NAMES), min_size=1, max_size=4))
        p["targets"] = [{"id": f"y{k}", "name": n} for k, n in enumerate(names)]
        for q in p["quotes"]:
            ids = data.draw(st.lists(st.integers(0, len(names) - 1), unique=True, max_size=3))
            q["stances"] = [{"target": f"y{k}", "label": data.draw(st.sampled_from(LABELS))}
                            for k in ids]
            mapped = [norm_name(names[k]) for k in ids if norm_name(names[k]) != "third"]
            twice |= len(mapped) != len(set(mapped))
        pred.append(p)
    try:
        res = evaluate_articles(gold, pred)
    except PredictionError as e:
        assert twice, e.messages
        assert all("map to gold target" in m for m in e.messages), e.messages
        return
    assert not twice
    assert all(0.0 <= v <= 1.0 for v in res.scores.values()), res.scores
    assert res.counts.get("e2e.tp", 0) <= min(res.counts.get("e2e.gold", 0),
                                               res.counts.get("e2e.pred", 0))


def test_a_gold_pair_counts_once_even_if_a_quote_repeats_a_target():
    from quotestance.evaluation.counts import QuoteView, article_stats

    g = [QuoteView(0, 5, "direct", "e1", (("t1", "favor"),))]
    p = [QuoteView(0, 5, "direct", "e1", (("t1", "favor"), ("t1", "favor")))]
    c = article_stats("abcde fgh", g, p, {"t1": "trade"})
    assert c["e2e.tp"] == 1 and c["e2e.gold"] == 1


def test_layers_a_task_does_not_need_may_be_absent():
    gold = corpus(7)
    spans_only = [{"id": a["id"], "quotes": [{"start": q["start"], "end": q["end"]}
                                             for q in a["quotes"]]} for a in gold]
    res = evaluate_articles(gold, spans_only, ("quotes",))
    assert res.scores["quotes.exact.f1"] == 1.0 and res.scores["quotes.typed.f1"] == 0.0
    st_res = evaluate_articles(gold, spans_only, ("stance",))
    assert set(st_res.scores) == {"stance.macro_f1", "stance.accuracy", "stance.f_avg_pooled",
                                  "stance.f_avg_by_category"}


def test_bootstrap_is_seeded_and_brackets_the_scores():
    rnd = random.Random(1)
    gold = corpus(3, 30)
    pred = [perturb(rnd, a) for a in gold]
    a = evaluate_articles(gold, pred, bootstrap=200, seed=5)
    b = evaluate_articles(gold, pred, bootstrap=200, seed=5)
    c = evaluate_articles(gold, pred, bootstrap=200, seed=6)
    assert a.ci == b.ci and a.ci != c.ci
    assert set(a.ci) == set(a.scores)
    lo, hi = a.ci["quotes.exact.f1"]
    assert 0.0 <= lo < a.scores["quotes.exact.f1"] < hi <= 1.0
    assert "boot:200|seed:5" in a.signature
    assert evaluate_articles(gold, pred).scores == a.scores


def test_paired_bootstrap():
    rnd = random.Random(2)
    gold = corpus(4, 40)
    good = [perturb(rnd, a) for a in gold]
    empty = [{"id": a["id"], "quotes": []} for a in gold]
    same = evaluate_articles(gold, good, compare=copy.deepcopy(good), bootstrap=200)
    assert all(d == 0.0 for d in same.comparison["delta"].values())
    assert all(p == 1.0 for p in same.comparison["p_value"].values())
    diff = evaluate_articles(gold, good, compare=empty, bootstrap=200)
    assert diff.comparison["delta"]["quotes.exact.f1"] == diff.scores["quotes.exact.f1"]
    assert diff.comparison["p_value"]["quotes.exact.f1"] == pytest.approx(1 / 201)
    with pytest.raises(ValueError, match="bootstrap"):
        evaluate_articles(gold, good, compare=empty)


def test_signature_lists_every_setting():
    gold = corpus(1)
    res = evaluate_articles(gold, gold, ("quotes",), split="test", corpus_version="1.0.0")
    from quotestance import __version__

    assert res.signature == f"qs:1.0.0|split:test|task:quotes|match:exact+partial|boot:0" \
                            f"|v:{__version__}"
    res = evaluate_articles(gold, gold, match="iou50", bootstrap=10, seed=3, split="test",
                            corpus_version="1.0.0")
    f = parse_signature(res.signature)
    assert (f["task"], f["match"], f["boot"], f["seed"]) == ("all", "iou50", "10", "3")
    assert parse_signature(res.signatures["quotes"])["match"] == "exact+partial"
    assert res.signature_of("stance.macro_f1") == res.signatures["stance"]
    assert make_signature(corpus_version="x|y", split="s", task="t", match="m", bootstrap=0,
                          seed=1, version="9") == "qs:x/y|split:s|task:t|match:m|boot:0|v:9"


def test_confidence_level_is_in_the_signature_when_there_are_intervals():
    gold = corpus(1, 6)
    a = evaluate_articles(gold, gold, ("quotes",), bootstrap=20, seed=3)
    b = evaluate_articles(gold, gold, ("quotes",), bootstrap=20, seed=3, confidence=0.9)
    assert parse_signature(a.signature)["conf"] == "0.95"
    assert parse_signature(b.signature)["conf"] == "0.9"
    assert a.signature != b.signature
    assert "|boot:20|seed:3|conf:0.95|v:" in a.signature
    no_ci = evaluate_articles(gold, gold, ("quotes",), confidence=0.9)
    assert "conf" not in parse_signature(no_ci.signature) and "seed" not in no_ci.signature


def test_json_output_is_stable():
    gold = corpus(2)
    res = evaluate_articles(gold, gold[1:], bootstrap=20)
    d = json.loads(res.to_json())
    assert list(d) == ["format", "kind", "signature", "signatures", "settings", "articles",
                       "scores", "ci", "counts", "breakdown", "confusion", "comparison"]
    assert d["format"] == "quotestance.scores/1" and d["kind"] == "evaluation"
    assert d["articles"]["missing"] == ["a0"]
    assert sorted(d["scores"]) == sorted([
        "quotes.exact.p", "quotes.exact.r", "quotes.exact.f1", "quotes.partial.p",
        "quotes.partial.r", "quotes.partial.f1", "quotes.iou50.p", "quotes.iou50.r",
        "quotes.iou50.f1", "quotes.typed.p", "quotes.typed.r", "quotes.typed.f1",
        "speakers.accuracy", "speakers.accuracy_matched", "speakers.e2e.p", "speakers.e2e.r",
        "speakers.e2e.f1", "stance.macro_f1", "stance.accuracy", "stance.f_avg_pooled",
        "stance.f_avg_by_category", "e2e.p", "e2e.r", "e2e.f1"])
    assert d["confusion"]["pred_labels"] == ["favor", "against", "neutral", "none"]
    assert isinstance(res, EvaluationResult)
    assert res.render("markdown").startswith("# QuoteStance evaluation")


def test_gold_with_duplicate_ids_is_refused():
    gold = corpus(1, 2)
    with pytest.raises(ValueError, match="appears twice"):
        evaluate_articles(gold + gold[:1], gold)


@pytest.mark.parametrize("kw", [{"tasks": ("quote",)}, {"match": "fuzzy"}, {"bootstrap": -1}])
def test_bad_parameters(kw):
    with pytest.raises(ValueError, match="parameter must be"):
        evaluate_articles(corpus(1), [], **kw)


# ---------------------------------------------------------------- agreement

def _seed_gold():
    f = FIXTURES / "eval" / "walkthrough_gold.jsonl"
    return [json.loads(x) for x in f.read_text(encoding="utf-8").splitlines()]


def test_agreement_of_a_file_with_itself_is_one():
    gold = corpus(5, 6) + _seed_gold()
    res = agreement_articles(gold, copy.deepcopy(gold))
    assert all(v == 1.0 for v in res.scores.values()), res.scores


def test_agreement_scores_only_common_articles_and_maps_entities():
    a = _seed_gold()
    b = copy.deepcopy(a)
    for e in b[0]["entities"]:
        e["id"] = "B" + e["id"]
    for q in b[0]["quotes"]:
        q["speaker"] = "B" + q["speaker"]
    b[0]["quotes"][3]["stances"][0]["label"] = "against"    # one disagreement of four
    extra = copy.deepcopy(a[0])
    extra["id"] = "only-a"
    res = agreement_articles(a + [extra], b)
    assert res.articles["only_in_a"] == ["only-a"] and res.articles["scored"] == 1
    assert res.scores["agreement.speakers.accuracy"] == 1.0
    assert res.scores["agreement.stance.observed"] == 0.75
    # table A x B: favor/favor 2, against/against 1, neutral/against 1
    # po = 3/4; pe = (2*2 + 1*2 + 1*0)/16 = 6/16; kappa = (12/16 - 6/16) / (10/16) = 0.6
    assert res.scores["agreement.stance.kappa"] == pytest.approx(0.6)


def test_agreement_counts_b_stances_on_quotes_a_did_not_mark():
    a = _seed_gold()
    b = copy.deepcopy(a)
    del b[0]["quotes"][0]                                   # q1 (one stance) only in A
    b[0]["quotes"][0]["stances"].append({"target": "t2", "label": "neutral"})  # extra on q2
    b[0]["quotes"].append({"start": 0, "end": 20, "type": "direct", "speaker": None,
                           "stances": [{"target": "t1", "label": "favor"},
                                       {"target": "t2", "label": "against"}]})  # not in A
    c = agreement_articles(a, b).breakdown["agreement.counts"]
    assert (c["quotes.a"], c["quotes.b"], c["quotes.both_exact"]) == (4, 4, 3)
    assert (c["stance.pairs_both"], c["stance.only_a"], c["stance.only_b"]) == (3, 1, 3)
