"""Metric functions: P/R/F1, macro-F1, SemEval-2016 F_avg, Cohen's kappa, Krippendorff's alpha.

Two layers, one arithmetic:

* functions on *counts* (``prf``, ``*_from_confusion``) that the scorer applies to summed
  per-article statistics (and to every bootstrap resample);
* scikit-learn-shaped functions on label sequences (``macro_f1(y_true, y_pred)``, ...), which
  build a confusion table and call the former. They are the public API for ad-hoc use and what
  the tests cross-check against scikit-learn.

Conventions (docs/scoring.md):

* ``F1 = 2·tp / (2·tp + fp + fn)``; P, R and F1 are 0 when their denominator is 0.
* A class with ``tp + fp + fn = 0`` (nothing to find, nothing predicted) is *undefined* and is
  left out of a macro average; a macro average over no defined class is 0.
* Kappa and alpha are 1 when both coders use one and the same label throughout (the chance
  term is degenerate and the observed agreement perfect), 0 when there is no pair.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence

NONE = "none"
"""Predicted label of a gold pair for which the system gave no stance."""

Confusion = Mapping[tuple[str, str], float]


def safe_div(a: float, b: float) -> float:
    return a / b if b else 0.0


def prf(tp: float, n_pred: float, n_gold: float) -> tuple[float, float, float]:
    """Precision, recall and F1 from true positives and the sizes of both sides."""
    p = safe_div(tp, n_pred)
    r = safe_div(tp, n_gold)
    f = safe_div(2 * tp, n_pred + n_gold)
    return p, r, f


def class_counts(cm: Confusion, label: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of one class in a confusion table keyed (gold, predicted)."""
    tp = fp = fn = 0.0
    for (g, p), n in cm.items():
        if g == label and p == label:
            tp += n
        elif p == label:
            fp += n
        elif g == label:
            fn += n
    return tp, fp, fn


def class_f1(cm: Confusion, label: str) -> float | None:
    """F1 of one class, or None when the class is undefined (no gold, no prediction)."""
    tp, fp, fn = class_counts(cm, label)
    d = 2 * tp + fp + fn
    return 2 * tp / d if d else None


def _mean_defined(values: Iterable[float | None]) -> float:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else 0.0


def macro_f1_from_confusion(cm: Confusion, labels: Sequence[str]) -> float:
    return _mean_defined(class_f1(cm, lab) for lab in labels)


def f_avg_from_confusion(cm: Confusion, classes: Sequence[str] = ("favor", "against")) -> float:
    """SemEval-2016 Task 6 F_avg: mean of F1(favor) and F1(against), counts pooled in ``cm``."""
    return _mean_defined(class_f1(cm, c) for c in classes)


def f_avg_by_group_from_confusions(tables: Iterable[Confusion],
                                   classes: Sequence[str] = ("favor", "against")) -> float:
    """Mean over groups (one table each) of each group's own F_avg; groups where every class
    is undefined are left out. Not the SemEval measure; reported under a different name."""
    vals = []
    for cm in tables:
        fs = [class_f1(cm, c) for c in classes]
        if any(f is not None for f in fs):
            vals.append(_mean_defined(fs))
    return sum(vals) / len(vals) if vals else 0.0


def accuracy_from_confusion(cm: Confusion) -> float:
    total = sum(cm.values())
    return safe_div(sum(n for (g, p), n in cm.items() if g == p), total)


def kappa_from_confusion(cm: Confusion, labels: Sequence[str]) -> float:
    """Cohen's kappa of two coders from their table ``cm[(label_a, label_b)] = count``."""
    n = sum(cm.get((a, b), 0.0) for a in labels for b in labels)
    if n == 0:
        return 0.0
    po = sum(cm.get((a, a), 0.0) for a in labels) / n
    pe = sum(sum(cm.get((a, b), 0.0) for b in labels) * sum(cm.get((b, a), 0.0) for b in labels)
             for a in labels) / (n * n)
    if pe >= 1.0:
        return 1.0 if po >= 1.0 else 0.0
    return (po - pe) / (1 - pe)


def alpha_nominal_from_confusion(cm: Confusion, labels: Sequence[str]) -> float:
    """Krippendorff's alpha (nominal) of two coders with no missing value, from their table.

    With the coincidence matrix ``o[c][k] = cm[c,k] + cm[k,c]``, marginals ``n_c`` and
    ``n = 2·pairs``: ``alpha = 1 - (n - 1) · Σ_{c≠k} o[c][k] / Σ_{c≠k} n_c·n_k``."""
    o = {(c, k): cm.get((c, k), 0.0) + cm.get((k, c), 0.0) for c in labels for k in labels}
    nc = {c: sum(o[c, k] for k in labels) for c in labels}
    n = sum(nc.values())
    if n == 0:
        return 0.0
    disagree = sum(o[c, k] for c in labels for k in labels if c != k)
    expected = sum(nc[c] * nc[k] for c in labels for k in labels if c != k)
    if expected == 0:
        return 1.0 if disagree == 0 else 0.0
    return 1.0 - (n - 1) * disagree / expected


# ---------------------------------------------------------------- on label sequences

def confusion(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[tuple[str, str], int]:
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true and y_pred have different lengths: {len(y_true)} and "
                         f"{len(y_pred)}")
    cm: dict[tuple[str, str], int] = {}
    for g, p in zip(y_true, y_pred):
        cm[g, p] = cm.get((g, p), 0) + 1
    return cm


def macro_f1(y_true: Sequence[str], y_pred: Sequence[str], *,
             labels: Sequence[str] = ("favor", "against", "neutral")) -> float:
    """Mean F1 over ``labels`` (undefined classes left out). Predictions outside ``labels``
    (e.g. ``"none"``) are errors for the true class."""
    return macro_f1_from_confusion(confusion(y_true, y_pred), labels)


def f_avg(y_true: Sequence[str], y_pred: Sequence[str], *,
          classes: Sequence[str] = ("favor", "against")) -> float:
    """SemEval-2016 F_avg with counts pooled over all items."""
    return f_avg_from_confusion(confusion(y_true, y_pred), classes)


def f_avg_by_group(y_true: Sequence[str], y_pred: Sequence[str], groups: Sequence[Hashable], *,
                   classes: Sequence[str] = ("favor", "against")) -> float:
    """Mean over groups of each group's own F_avg (groups where both classes are undefined
    are left out). Not the SemEval measure; reported under a different name."""
    by: dict[Hashable, dict[tuple[str, str], int]] = {}
    for g, p, k in zip(y_true, y_pred, groups, strict=True):
        cm = by.setdefault(k, {})
        cm[g, p] = cm.get((g, p), 0) + 1
    return f_avg_by_group_from_confusions(by.values(), classes)


def accuracy(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    return accuracy_from_confusion(confusion(y_true, y_pred))


def cohen_kappa(y1: Sequence[str], y2: Sequence[str], *,
                labels: Sequence[str] | None = None) -> float:
    cm = confusion(y1, y2)
    labs = labels if labels is not None else sorted({k for pair in cm for k in pair})
    return kappa_from_confusion(cm, labs)


def krippendorff_alpha_nominal(data: Sequence[Sequence[Hashable | None]]) -> float:
    """Krippendorff's alpha at nominal level; ``data[unit][coder]``, None = missing.

    Units with fewer than two values are left out (they carry no pairable value)."""
    o: dict[tuple[Hashable, Hashable], float] = {}
    for unit in data:
        vals = [v for v in unit if v is not None]
        m = len(vals)
        if m < 2:
            continue
        for i, a in enumerate(vals):
            for j, b in enumerate(vals):
                if i != j:
                    o[a, b] = o.get((a, b), 0.0) + 1.0 / (m - 1)
    cats = sorted({a for a, _ in o}, key=repr)
    nc = {c: sum(o.get((c, k), 0.0) for k in cats) for c in cats}
    n = sum(nc.values())
    if n == 0:
        return 0.0
    disagree = sum(v for (a, b), v in o.items() if a != b)
    expected = sum(nc[c] * nc[k] for c in cats for k in cats if c != k)
    if expected == 0:
        return 1.0 if disagree == 0 else 0.0
    return 1.0 - (n - 1) * disagree / expected
