"""The full pipeline from raw text: a quote extractor, a speaker attributor and a stance
classifier, each a registered system, run one after the other.

Any registered systems can be composed (``quotes=``, ``speakers=``, ``stance=`` name them).
The stance step runs with a relevance threshold, since in the end-to-end task a label for a
target the quote does not address is a false positive. When the article has no entities (raw
text), the speaker step makes them from the speakers' names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from quotestance.records import Article
from quotestance.systems import System, get_system


class RulesPipeline(System):
    """rules-quotes -> learned-speakers -> tfidf-stance (with relevance), by default."""

    name = "pipeline"
    tasks = frozenset({"quotes", "speakers", "stance"})
    param_grid = {"relevance": [0.3, 0.5]}

    def __init__(self, quotes: str = "rules-quotes", speakers: str = "learned-speakers",
                 stance: str = "tfidf-stance", relevance: float = 0.5, random_state: int = 0):
        self.quotes = quotes
        self.speakers = speakers
        self.stance = stance
        self.relevance = relevance
        self.random_state = random_state

    def _make_steps(self) -> list[System]:
        steps = []
        for name in (self.quotes, self.speakers, self.stance):
            s = get_system(name)
            params: dict[str, Any] = {}
            if "random_state" in s.get_params():
                params["random_state"] = self.random_state
            if "relevance" in s.get_params() and s is not self:
                params["relevance"] = self.relevance
            steps.append(s.set_params(**params))
        return steps

    def fit(self, articles: Sequence[Article]) -> "RulesPipeline":
        steps = self._make_steps()
        for s in steps:
            if s.requires_fit:
                s.fit(articles)
        self.steps_ = steps
        return self

    def predict_article(self, article: Article) -> Article:
        a = self.steps_[0].predict_article(article)
        a = self.steps_[1].predict_article(a)
        return self.steps_[2].predict_article(a)

    def get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        meta: dict[str, Any] = {}
        arrays: dict[str, np.ndarray] = {}
        for i, s in enumerate(self.steps_):
            m, a = s.get_state() if s.is_fitted() else ({}, {})
            meta[f"step{i}"] = {"params": s.get_params(), "state": m}
            arrays.update({f"step{i}/{k}": v for k, v in a.items()})
        return meta, arrays

    def set_state(self, meta, arrays):
        steps = self._make_steps()
        for i, s in enumerate(steps):
            sub = meta[f"step{i}"]
            s.set_params(**{k: v for k, v in sub["params"].items() if k in s.get_params()})
            prefix = f"step{i}/"
            if s.requires_fit:
                s.set_state(sub["state"], {k[len(prefix):]: v for k, v in arrays.items()
                                           if k.startswith(prefix)})
        self.steps_ = steps
