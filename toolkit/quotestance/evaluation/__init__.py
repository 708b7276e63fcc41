"""Scoring predictions against the gold corpus, and agreement between annotators.

Public API (see docs/scoring.md)::

    from quotestance.evaluation import evaluate_articles, load_predictions, EvaluationResult
    res = evaluate_articles(gold_dicts, load_predictions("pred.jsonl"), split="test")
    res.scores["quotes.exact.f1"], res.signature, res.to_dict(), res.render("text")

Modules: ``predictions`` (the prediction format), ``matching`` (normalisation, one-to-one
span matching), ``counts`` (per-article statistics), ``metrics`` (metric arithmetic),
``scores`` (scores from summed counts), ``bootstrap``, ``signature``, ``result``, ``scorer``.
"""

from __future__ import annotations

from typing import Any

_LAZY = {
    "evaluate_articles": ("scorer", "evaluate_articles"),
    "agreement_articles": ("scorer", "agreement_articles"),
    "load_predictions": ("predictions", "load_predictions"),
    "PredictionError": ("predictions", "PredictionError"),
    "PredictedArticle": ("predictions", "PredictedArticle"),
    "EvaluationResult": ("result", "EvaluationResult"),
    "make_signature": ("signature", "make_signature"),
    "parse_signature": ("signature", "parse_signature"),
    "TASKS": ("counts", "TASKS"),
}

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        mod, attr = _LAZY[name]
        return getattr(importlib.import_module(f".{mod}", __name__), attr)
    raise AttributeError(f"module 'quotestance.evaluation' has no attribute {name!r}")
