"""Scores from summed counts: the flat score dict, the breakdowns and the confusion matrix.

Every function here takes the totals of ``counts.article_stats`` over a set of articles, so
the same code scores the corpus and each bootstrap resample.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..labels import QUOTE_TYPES, STANCE_LABELS
from .metrics import (NONE, accuracy_from_confusion, alpha_nominal_from_confusion, class_counts,
                      class_f1, f_avg_by_group_from_confusions, f_avg_from_confusion,
                      kappa_from_confusion, macro_f1_from_confusion, prf, safe_div)

Totals = Mapping[str, float]
PRED_LABELS = (*STANCE_LABELS, NONE)
_CM = re.compile(r"^stance\.cm(?:@([^\[]+))?\[([^,\]]+),([^\]]+)\]$")


def _g(t: Totals, k: str) -> float:
    return t.get(k, 0.0)


def confusion_tables(t: Totals) -> tuple[dict, dict[str, dict]]:
    """The pooled stance table and one table per target category, keyed (gold, predicted)."""
    pooled: dict[tuple[str, str], float] = {}
    by_cat: dict[str, dict[tuple[str, str], float]] = {}
    for k, v in t.items():
        if not k.startswith("stance.cm") or not v:
            continue
        m = _CM.match(k)
        if m is None:
            continue
        cat, g, p = m.groups()
        table = pooled if cat is None else by_cat.setdefault(cat, {})
        table[g, p] = table.get((g, p), 0.0) + v
    return pooled, by_cat


def _put_prf(out: dict[str, float], prefix: str, tp: float, n_pred: float, n_gold: float) -> None:
    p, r, f = prf(tp, n_pred, n_gold)
    out[f"{prefix}.p"], out[f"{prefix}.r"], out[f"{prefix}.f1"] = p, r, f


def flat_scores(t: Totals, tasks: tuple[str, ...]) -> dict[str, float]:
    """The flat score dict (``EvaluationResult.scores``) of the given tasks."""
    out: dict[str, float] = {}
    if "quotes" in tasks:
        n_pred, n_gold = _g(t, "quotes.pred"), _g(t, "quotes.gold")
        _put_prf(out, "quotes.exact", _g(t, "quotes.exact.tp"), n_pred, n_gold)
        p = safe_div(_g(t, "quotes.partial.p_credit"), n_pred)
        r = safe_div(_g(t, "quotes.partial.r_credit"), n_gold)
        out["quotes.partial.p"], out["quotes.partial.r"] = p, r
        out["quotes.partial.f1"] = safe_div(2 * p * r, p + r)
        _put_prf(out, "quotes.iou50", _g(t, "quotes.iou50.tp"), n_pred, n_gold)
        _put_prf(out, "quotes.typed", _g(t, "quotes.typed.tp"), n_pred, n_gold)
    if "speakers" in tasks:
        correct = _g(t, "speakers.correct")
        out["speakers.accuracy"] = safe_div(correct, _g(t, "speakers.gold"))
        out["speakers.accuracy_matched"] = safe_div(correct, _g(t, "speakers.matched"))
        _put_prf(out, "speakers.e2e", correct, _g(t, "speakers.pred"), _g(t, "speakers.gold"))
    if "stance" in tasks:
        pooled, by_cat = confusion_tables(t)
        out["stance.macro_f1"] = macro_f1_from_confusion(pooled, STANCE_LABELS)
        out["stance.accuracy"] = accuracy_from_confusion(pooled)
        out["stance.f_avg_pooled"] = f_avg_from_confusion(pooled)
        out["stance.f_avg_by_category"] = f_avg_by_group_from_confusions(by_cat.values())
    if "e2e" in tasks:
        _put_prf(out, "e2e", _g(t, "e2e.tp"), _g(t, "e2e.pred"), _g(t, "e2e.gold"))
    return out


def agreement_scores(t: Totals) -> dict[str, float]:
    """Inter-annotator agreement from the totals of scoring annotator B against A."""
    out: dict[str, float] = {}
    base = flat_scores(t, ("quotes", "speakers", "stance"))
    for mode in ("exact", "partial", "iou50"):
        out[f"agreement.quotes.{mode}.f1"] = base[f"quotes.{mode}.f1"]
    out["agreement.speakers.accuracy"] = base["speakers.accuracy_matched"]
    pooled, _ = confusion_tables(t)
    both = {(g, p): v for (g, p), v in pooled.items() if p != NONE}
    out["agreement.stance.observed"] = accuracy_from_confusion(both)
    out["agreement.stance.kappa"] = kappa_from_confusion(both, STANCE_LABELS)
    out["agreement.stance.alpha"] = alpha_nominal_from_confusion(both, STANCE_LABELS)
    return out


def agreement_counts(t: Totals) -> dict[str, int]:
    pooled, _ = confusion_tables(t)
    raw = {"quotes.a": _g(t, "quotes.gold"), "quotes.b": _g(t, "quotes.pred"),
            "quotes.both_exact": _g(t, "quotes.exact.tp"),
            "speakers.compared": _g(t, "speakers.matched"),
            "speakers.agree": _g(t, "speakers.correct"),
            "stance.pairs_both": sum(v for (g, p), v in pooled.items() if p != NONE),
            "stance.only_a": sum(v for (g, p), v in pooled.items() if p == NONE),
            "stance.only_b": _g(t, "stance.extra") + _g(t, "stance.pred_unpaired")}
    return {k: int(v) for k, v in raw.items()}


def breakdowns(t: Totals, tasks: tuple[str, ...]) -> dict[str, dict]:
    """Per quote type (quotes task) and per target category (stance task)."""
    out: dict[str, dict] = {}
    if "quotes" in tasks:
        by_type = {}
        for ty in QUOTE_TYPES:
            gold, pred = _g(t, f"quotes.gold[{ty}]"), _g(t, f"quotes.pred[{ty}]")
            typed_p, typed_r, typed_f = prf(_g(t, f"quotes.typed.tp[{ty}]"), pred, gold)
            by_type[ty] = {
                "gold": int(gold), "pred": int(pred),
                "exact.r": safe_div(_g(t, f"quotes.exact.tp[{ty}]"), gold),
                "partial.r": safe_div(_g(t, f"quotes.partial.r_credit[{ty}]"), gold),
                "iou50.r": safe_div(_g(t, f"quotes.iou50.tp[{ty}]"), gold),
                "typed.p": typed_p, "typed.r": typed_r, "typed.f1": typed_f,
            }
        out["quotes.by_type"] = by_type
    if "stance" in tasks:
        pooled, by_cat = confusion_tables(t)
        labels = {}
        for lab in STANCE_LABELS:
            tp, fp, fn = class_counts(pooled, lab)
            defined = tp + fp + fn > 0
            p, r, f = prf(tp, tp + fp, tp + fn)
            labels[lab] = {"gold": int(tp + fn), "pred": int(tp + fp),
                           "p": p if defined else None, "r": r if defined else None,
                           "f1": f if defined else None}
        out["stance.by_label"] = labels
        rows = {}
        for cat in sorted(by_cat):
            cm = by_cat[cat]
            f_fav, f_ag = class_f1(cm, "favor"), class_f1(cm, "against")
            rows[cat] = {
                "pairs": int(sum(cm.values())),
                "macro_f1": macro_f1_from_confusion(cm, STANCE_LABELS),
                "accuracy": accuracy_from_confusion(cm),
                "f_avg": f_avg_from_confusion(cm),
                "f1.favor": f_fav, "f1.against": f_ag,
            }
        out["stance.by_category"] = rows
    return out


def confusion_matrix(t: Totals) -> dict:
    pooled, _ = confusion_tables(t)
    return {"rows": "gold", "columns": "predicted", "labels": list(STANCE_LABELS),
            "pred_labels": list(PRED_LABELS),
            "matrix": [[int(pooled.get((g, p), 0)) for p in PRED_LABELS] for g in STANCE_LABELS]}
