"""Stance baselines: majority per target category, TF-IDF + linear model, relevance."""

from __future__ import annotations

from pathlib import Path

from quotestance.benchmark import make_input
from quotestance.corpus import load_corpus
from quotestance_baselines.stance import MajorityStance, TfidfStance

FIXTURES = Path(__file__).parent / "fixtures" / "baselines"


def labels(articles):
    return [(a.id, q.id, s.target, s.label.value) for a in articles for q in a.quotes
            for s in q.stances]


def test_majority_is_per_target_category_with_a_deterministic_tie_break():
    train = load_corpus(path=FIXTURES / "train.jsonl")
    m = MajorityStance().fit(train)
    for cat, lab in m.labels_.items():
        counts = {}
        for a in train:
            cats = {t.id: t.category for t in a.targets}
            for q in a.quotes:
                for s in q.stances:
                    if cats[s.target] == cat:
                        counts[s.label.value] = counts.get(s.label.value, 0) + 1
        assert counts[lab] == max(counts.values())
    test = load_corpus(path=FIXTURES / "test.jsonl")
    pred = m.predict(make_input(a, "stance") for a in test)
    # every (quote, target) pair is labelled with its category's majority
    for a in pred:
        for q in a.quotes:
            assert [s.target for s in q.stances] == [t.id for t in a.targets]
            assert {s.label.value for s in q.stances} <= {m.labels_.get(t.category, m.default_)
                                                          for t in a.targets}


def test_tfidf_learns_the_fixture_stances():
    train = load_corpus(path=FIXTURES / "train.jsonl")
    test = load_corpus(path=FIXTURES / "test.jsonl")
    m = TfidfStance(C=1.0).fit(train)
    gold = {k[:3]: k[3] for k in labels(test)}
    pred = {k[:3]: k[3] for k in labels(m.predict(make_input(a, "stance") for a in test))}
    assert sum(pred.get(k) == v for k, v in gold.items()) / len(gold) >= 0.8


def test_relevance_keeps_at_least_the_best_target_of_each_quote():
    train = load_corpus(path=FIXTURES / "train.jsonl")
    test = load_corpus(path=FIXTURES / "test.jsonl")
    m = TfidfStance(relevance=0.99).fit(train)
    for a in m.predict(make_input(x, "stance") for x in test):
        assert all(len(q.stances) >= 1 for q in a.quotes)


def test_no_targets_gives_no_stances():
    train = load_corpus(path=FIXTURES / "train.jsonl")
    m = TfidfStance().fit(train)
    a = make_input(train[0], "quotes")  # quotes and targets removed
    assert m.predict_article(a).quotes == ()
