"""Stance baselines: the majority label per target category, and TF-IDF word and character
n-grams with a linear SVM conditioned on the target (the SemEval-2016 Task 6 baseline family).

Setting: gold quotes and the article's targets are given; a system labels (quote, target)
pairs. Which pairs a quote addresses is not given. The majority baseline labels every pair;
the TF-IDF system labels every pair too unless ``relevance`` is set, in which case a logistic
regression first decides which targets a quote addresses (its best target always counts) —
the setting for the end-to-end pipeline, where an extra pair is a false positive.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from quotestance.labels import STANCE_LABELS, StanceLabel
from quotestance.records import Article, Quote, Stance, Target
from quotestance.systems import System, pack_linear, unpack_linear

_WORD = re.compile(r"\w+(?:[’']\w+)?")
N_FEATURES = 2 ** 17
_STOP = frozenset("the a an of and or to in on for with by at as is are was were be been it its "
                  "this that these those from".split())


def _words(s: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(s)]


def _cat(t: Target) -> str:
    return t.category or "none"


def _with_stances(article: Article, labels: dict[tuple[str, str], str]) -> Article:
    quotes = tuple(dataclasses.replace(q, stances=tuple(
        Stance(t.id, StanceLabel(labels[(q.id, t.id)])) for t in article.targets if (q.id, t.id) in labels))
        for q in article.quotes)
    return dataclasses.replace(article, quotes=quotes)


class MajorityStance(System):
    """The most frequent training label of each target category (overall majority for unseen
    categories), for every (quote, target) pair."""

    name = "majority-stance"
    tasks = frozenset({"stance"})

    def fit(self, articles: Sequence[Article]) -> "MajorityStance":
        by_cat: dict[str, Counter] = {}
        overall: Counter = Counter()
        for a in articles:
            cats = {t.id: _cat(t) for t in a.targets}
            for q in a.quotes:
                for s in q.stances:
                    lab = getattr(s.label, "value", s.label)
                    by_cat.setdefault(cats.get(s.target, "none"), Counter())[lab] += 1
                    overall[lab] += 1
        order = {lab: i for i, lab in enumerate(STANCE_LABELS)}  # deterministic ties

        def top(c: Counter) -> str:
            return min(c, key=lambda lab: (-c[lab], order[lab]))

        self.default_ = top(overall) if overall else "neutral"
        self.labels_ = {cat: top(c) for cat, c in sorted(by_cat.items())}
        return self

    def predict_article(self, article: Article) -> Article:
        labels = {(q.id, t.id): self.labels_.get(_cat(t), self.default_)
                  for q in article.quotes for t in article.targets}
        return _with_stances(article, labels)

    def get_state(self):
        return {"default": self.default_, "labels": self.labels_}, {}

    def set_state(self, meta, arrays):
        self.default_ = str(meta["default"])
        self.labels_ = {str(k): str(v) for k, v in meta["labels"].items()}


def _stance_analyzer(doc: tuple[str, str, str]) -> list[str]:
    """Word 1-2-grams, the same conjoined with the target category, and the target's own words
    present in the quote (character n-grams come from a second vectorizer)."""
    text, cat, target = doc
    w = _words(text)
    feats = w + [f"{a} {b}" for a, b in zip(w, w[1:])]
    feats += [f"{cat}|{x}" for x in feats]
    tw = {x for x in _words(target) if x not in _STOP}
    feats += [f"tw|{x}" for x in w if x in tw]
    return feats


def _relevance_features(q: Quote, t: Target, n_targets: int) -> dict[str, float]:
    w = set(_words(q.text)) - _STOP
    tw = set(_words(t.name)) - _STOP
    stems = {x[:5] for x in w}
    overlap = sum(1 for x in tw if x[:5] in stems)
    cat = _cat(t)
    f: dict[str, float] = {f"cat={cat}": 1.0, f"overlap={min(overlap, 4)}": 1.0,
                           f"n_targets={min(n_targets, 6)}": 1.0,
                           "overlap_frac": overlap / max(1, len(tw))}
    for x in w:
        f[f"{cat}|{x}"] = 1.0
    return f


class TfidfStance(System):
    """TF-IDF word + character n-grams, a linear SVM conditioned on the target."""

    name = "tfidf-stance"
    tasks = frozenset({"stance"})
    param_grid = {"C": [0.1, 1.0]}

    def __init__(self, C: float = 1.0, relevance: float | None = None, random_state: int = 0):
        self.C = C
        self.relevance = relevance
        self.random_state = random_state

    @staticmethod
    def _counts(docs: list[tuple[str, str, str]]):
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import HashingVectorizer

        words = HashingVectorizer(analyzer=_stance_analyzer, n_features=N_FEATURES,
                                  alternate_sign=False, norm=None)
        chars = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), n_features=N_FEATURES,
                                  alternate_sign=False, norm=None)
        return hstack([words.transform(docs), chars.transform([d[0] for d in docs])]).tocsr()

    def _tfidf(self, docs: list[tuple[str, str, str]]):
        from sklearn.preprocessing import normalize

        X = self._counts(docs)
        X.data = 1.0 + np.log(X.data)  # sublinear tf
        X = X.multiply(self.idf_).tocsr()
        return normalize(X)

    def fit(self, articles: Sequence[Article]) -> "TfidfStance":
        from sklearn.feature_extraction import FeatureHasher
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC

        docs, y, rel_x, rel_y = [], [], [], []
        for a in articles:
            targets = {t.id: t for t in a.targets}
            for q in a.quotes:
                gold = {s.target: getattr(s.label, "value", s.label) for s in q.stances}
                for t in a.targets:
                    rel_x.append(_relevance_features(q, t, len(a.targets)))
                    rel_y.append(int(t.id in gold))
                for tid, lab in gold.items():
                    t = targets[tid]
                    docs.append((q.text, _cat(t), t.name))
                    y.append(lab)
        if len(set(y)) < 2:
            raise ValueError("tfidf-stance: the training articles need at least two stance labels")
        counts = self._counts(docs)
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        self.idf_ = np.log((1 + len(docs)) / (1 + df)) + 1.0
        self.model_ = LinearSVC(C=self.C, random_state=self.random_state, max_iter=5000)
        self.model_.fit(self._tfidf(docs), np.asarray(y))
        if len(set(rel_y)) == 2:
            self.relevance_model_ = LogisticRegression(solver="liblinear", C=1.0)
            self.relevance_model_.fit(FeatureHasher(2 ** 14, alternate_sign=False)
                                      .transform(rel_x), np.asarray(rel_y))
        else:
            self.relevance_model_ = None
        return self

    def predict_article(self, article: Article) -> Article:
        from sklearn.feature_extraction import FeatureHasher

        pairs = [(q, t) for q in article.quotes for t in article.targets]
        if not pairs:
            return _with_stances(article, {})
        keep = {(q.id, t.id) for q, t in pairs}
        if self.relevance is not None and self.relevance_model_ is not None:
            p = self.relevance_model_.predict_proba(FeatureHasher(2 ** 14, alternate_sign=False)
                                                    .transform([_relevance_features(
                                                        q, t, len(article.targets))
                                                        for q, t in pairs]))[:, 1]
            best: dict[str, tuple[float, str]] = {}
            for (q, t), s in zip(pairs, p):
                if q.id not in best or s > best[q.id][0]:
                    best[q.id] = (s, t.id)
            keep = {(q.id, t.id) for (q, t), s in zip(pairs, p)
                    if s >= self.relevance or best[q.id][1] == t.id}
        pairs = [(q, t) for q, t in pairs if (q.id, t.id) in keep]
        labels = self.model_.predict(self._tfidf([(q.text, _cat(t), t.name) for q, t in pairs]))
        return _with_stances(article, {(q.id, t.id): str(lab)
                                       for (q, t), lab in zip(pairs, labels)})

    def get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        meta, arrays = pack_linear(self.model_, "svm.")
        arrays["idf"] = self.idf_
        if self.relevance_model_ is not None:
            m2, a2 = pack_linear(self.relevance_model_, "rel.")
            meta.update(m2)
            arrays.update(a2)
        return meta, arrays

    def set_state(self, meta, arrays):
        self.model_ = unpack_linear(meta, arrays, "svm.")
        self.idf_ = np.asarray(arrays["idf"], dtype=np.float64)
        self.relevance_model_ = unpack_linear(meta, arrays, "rel.") if "rel.coef" in arrays \
            else None
