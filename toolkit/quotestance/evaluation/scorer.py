"""The scorer: stream gold articles, pair predictions by article id, count, sum, score.

Work is linear in the number of articles: one pass over the gold articles, a dict lookup of
the prediction, per-article counts stored as a sparse row, then one sum (and, for the
bootstrap, one weighted sum per sample).
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable, Iterable
from typing import Any

from .counts import ALIGN_MODES, TASKS, article_stats, gold_quotes, resolve, target_categories
from .predictions import (PredictedArticle, PredictionError, duplicate_errors, iter_predictions,
                          paused_gc)
from .result import EvaluationResult
from .scores import agreement_counts, agreement_scores, breakdowns, confusion_matrix, flat_scores
from .signature import make_signature, task_match

DEFAULT_SEED = 12345


class _Rows:
    """Per-article counts as a sparse table; rows are gold articles in input order."""

    def __init__(self) -> None:
        self.cols: dict[str, int] = {}
        self.r, self.c, self.v = array("q"), array("q"), array("d")
        self.n = 0

    def add(self, stats: dict[str, float]) -> None:
        cols = self.cols
        for k in stats:
            if k not in cols:
                cols[k] = len(cols)
        self.r.extend([self.n] * len(stats))
        self.c.extend([cols[k] for k in stats])
        self.v.extend(stats.values())
        self.n += 1

    def matrix(self, keys: list[str]):
        import numpy as np

        m = np.zeros((self.n, len(keys)))
        pos = {k: i for i, k in enumerate(keys)}
        remap = np.array([pos[k] for k in self.cols], dtype=np.int64)
        if len(self.v):
            np.add.at(m, (np.frombuffer(self.r, dtype=np.int64),
                          remap[np.frombuffer(self.c, dtype=np.int64)]),
                      np.frombuffer(self.v, dtype=np.float64))
        return m


def _check(tasks: tuple[str, ...], match: str, bootstrap: int, confidence: float,
           seed: int) -> None:
    bad = [t for t in tasks if t not in TASKS]
    if bad or not tasks:
        raise ValueError(f"The 'tasks' parameter must be a non-empty subset of {set(TASKS)}. "
                         f"Got {tasks!r} instead.")
    if match not in ALIGN_MODES:
        raise ValueError(f"The 'match' parameter must be one of {set(ALIGN_MODES)}. "
                         f"Got {match!r} instead.")
    if type(bootstrap) is not int or bootstrap < 0:
        raise ValueError(f"The 'bootstrap' parameter must be an integer >= 0. "
                         f"Got {bootstrap!r} instead.")
    if not 0 < confidence < 1:
        raise ValueError(f"The 'confidence' parameter must be in (0, 1). Got {confidence!r}.")
    if type(seed) is not int or seed < 0:
        raise ValueError(f"The 'seed' parameter must be an integer >= 0. Got {seed!r} instead.")


def _parse(pred: Iterable[Any], errors: list[str]) -> dict[str, PredictedArticle]:
    parsed = list(iter_predictions(pred, errors=errors))
    errors += duplicate_errors(parsed)
    out: dict[str, PredictedArticle] = {}
    for p in parsed:
        out.setdefault(p.id, p)
    return out


CHUNK = 256
"""Articles per task when per-article statistics are computed in worker processes."""


def _stats_chunk(task: tuple) -> tuple[list[dict[str, float]], list[str]]:
    """Statistics of (gold, prediction or None) pairs, in order (a worker's task)."""
    items, tasks, align = task
    errors: list[str] = []
    out = []
    with paused_gc():
        for g, p in items:
            pq = [] if p is None else resolve(p, g, errors)
            out.append(article_stats(g["text"], gold_quotes(g), pq, target_categories(g),
                                     tasks, align))
    return out, errors


def _drain(pending: list, keep: int, rows: list[_Rows], errors: list[str]) -> None:
    """Add the results of the oldest tasks (in submission order) until ``keep`` are left."""
    while len(pending) > keep:
        ks, fut = pending.pop(0)
        stats, errs = fut.result()
        errors += errs
        for k, st in zip(ks, stats):
            rows[k].add(st)


def _stream(gold: Iterable[dict[str, Any]], preds: list[dict[str, PredictedArticle]],
            tasks: tuple[str, ...], align: str, skip_missing: bool, errors: list[str],
            jobs: int = 1):
    rows = [_Rows() for _ in preds]
    missing: list[list[str]] = [[] for _ in preds]
    seen: set[str] = set()
    n_gold = 0
    pool = None
    jobs = max(1, min(jobs, os.cpu_count() or 1))  # never more processes than cores
    if jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(jobs)
    batch: list[tuple[dict[str, Any], PredictedArticle | None]] = []
    keys: list[int] = []
    pending: list[tuple[list[int], Any]] = []
    try:
        for g in gold:
            aid = g["id"]
            if aid in seen:
                raise ValueError(f"gold article id {aid!r} appears twice in the gold data")
            seen.add(aid)
            n_gold += 1
            if pool is None:
                gq = gold_quotes(g)
                cats = target_categories(g)
            for k, index in enumerate(preds):
                p = index.pop(aid, None)
                if p is None:
                    missing[k].append(aid)
                    if skip_missing:
                        continue
                if pool is not None:  # same pairs, same order, counted in a worker
                    batch.append((g, p))
                    keys.append(k)
                    if len(batch) == CHUNK:
                        pending.append((keys, pool.submit(_stats_chunk, (batch, tasks, align))))
                        batch, keys = [], []
                        _drain(pending, 2 * jobs, rows, errors)  # bounded memory
                    continue
                pq = [] if p is None else resolve(p, g, errors)
                rows[k].add(article_stats(g["text"], gq, pq, cats, tasks, align))
        if batch:
            pending.append((keys, pool.submit(_stats_chunk, (batch, tasks, align))))
        _drain(pending, 0, rows, errors)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return rows, missing, n_gold


def _scores_and_ci(rows: list[_Rows], score_fn: Callable[[dict], dict], bootstrap: int,
                   seed: int, confidence: float):
    from .bootstrap import paired_p_value, percentile_ci, sample_scores

    keys = sorted(set().union(*(r.cols for r in rows)))
    mats = [r.matrix(keys) for r in rows]
    totals = [{k: float(v) for k, v in zip(keys, m.sum(axis=0)) if v} for m in mats]
    scores = [score_fn(t) for t in totals]
    if not bootstrap:
        return totals, scores, None, None
    samples = sample_scores(mats, keys, score_fn, bootstrap, seed)
    cis = [{k: percentile_ci(s[k], confidence) for k in sc} for s, sc in zip(samples, scores)]
    cmp = None
    if len(rows) == 2:
        a, b = samples
        delta = {k: scores[0][k] - scores[1][k] for k in scores[0]}
        cmp = {"delta": delta,
               "p_value": {k: paired_p_value(a[k], b[k], delta[k]) for k in delta},
               "delta_ci": {k: list(percentile_ci(a[k] - b[k], confidence)) for k in delta}}
    return totals, scores, cis, cmp


def _signatures(tasks: tuple[str, ...], align: str, **kw: Any) -> tuple[str, dict[str, str]]:
    sigs = {t: make_signature(task=t, match=task_match(t, align), **kw) for t in tasks}
    if len(tasks) == 1:
        return sigs[tasks[0]], sigs
    name = "all" if set(tasks) == set(TASKS) else "+".join(tasks)
    match = align if any(t != "quotes" for t in tasks) else "exact+partial"
    return make_signature(task=name, match=match, **kw), sigs


def evaluate_articles(gold: Iterable[dict[str, Any]], pred: Iterable[Any],
                      tasks: tuple[str, ...] | list[str] = TASKS, *, match: str = "exact",
                      bootstrap: int = 0, seed: int = DEFAULT_SEED, split: str = "unknown",
                      corpus_version: str = "unknown", compare: Iterable[Any] | None = None,
                      names: tuple[str, str] = ("system", "other"),
                      confidence: float = 0.95, jobs: int = 1) -> EvaluationResult:
    """Score predictions against gold articles, matched by article id.

    ``gold``: validated gold article dicts. ``pred`` (and ``compare``): prediction dicts or
    ``PredictedArticle`` records (``load_predictions``). ``match``: how predicted quotes are
    paired with gold quotes for the speakers, stance and e2e tasks (the quotes task always
    reports exact, partial and IoU>=0.5). Articles without a prediction count as empty and are
    listed in ``articles["missing"]``. Raises ``PredictionError`` (every ``path:line``
    problem) for unknown or duplicate article ids, spans outside the text, text mismatches and
    unknown entity or target ids; ``ValueError`` for bad parameters. ``jobs`` > 1 counts
    articles in that many worker processes; the result is identical.
    """
    from .. import __version__

    tasks = (tasks,) if isinstance(tasks, str) else tuple(tasks)
    _check(tasks, match, bootstrap, confidence, seed)
    tasks = tuple(t for t in TASKS if t in tasks)
    if compare is not None and not bootstrap:
        raise ValueError("comparing two systems needs bootstrap samples: set 'bootstrap' > 0 "
                         "(e.g. 1000)")
    errors: list[str] = []
    with paused_gc():
        preds = [_parse(pred, errors)]
        if compare is not None:
            preds.append(_parse(compare, errors))
        n_pred = [len(p) for p in preds]
        rows, missing, n_gold = _stream(gold, preds, tasks, match, False, errors, jobs)
    for index in preds:
        for p in index.values():
            errors.append(f"{p.where}: article id {p.id!r} is not in the gold data")
    if errors:
        raise PredictionError(errors)

    def fn(t: dict) -> dict:
        return flat_scores(t, tasks)

    totals, scores, cis, cmp = _scores_and_ci(rows, fn, bootstrap, seed, confidence)
    kw = dict(corpus_version=corpus_version, split=split, bootstrap=bootstrap, seed=seed,
              confidence=confidence)
    sig, sigs = _signatures(tasks, match, **kw)
    settings = {"toolkit_version": __version__, "corpus_version": corpus_version,
                "split": split, "tasks": list(tasks), "match": match,
                "bootstrap": bootstrap, "seed": seed, "confidence": confidence}
    comparison = None
    if cmp is not None:
        comparison = {"system": names[0], "other": names[1], "samples": bootstrap,
                      "seed": seed, "keys": list(scores[0]), "other_scores": scores[1],
                      "other_ci": {k: list(v) for k, v in cis[1].items()},
                      "other_missing": missing[1], "other_predicted": n_pred[1], **cmp}
    return EvaluationResult(
        kind="evaluation", tasks=tasks, scores=scores[0], signature=sig, signatures=sigs,
        settings=settings,
        articles={"gold": n_gold, "predicted": n_pred[0], "scored": rows[0].n,
                  "missing": missing[0]},
        counts=totals[0], breakdown=breakdowns(totals[0], tasks),
        confusion=confusion_matrix(totals[0]) if "stance" in tasks else None,
        ci=cis[0] if cis else None, comparison=comparison)


def agreement_articles(a: Iterable[dict[str, Any]], b: Iterable[Any], *, bootstrap: int = 0,
                       seed: int = DEFAULT_SEED, split: str = "unknown",
                       corpus_version: str = "unknown",
                       confidence: float = 0.95) -> EvaluationResult:
    """Inter-annotator agreement of two annotations of the same articles.

    B is scored against A with the evaluation scorer on the articles both files hold (others
    are listed, not scored): span F1 exact/partial/IoU>=0.5, speaker agreement on quotes both
    marked (exact spans), and on (quote, target) pairs both labelled Cohen's kappa and
    Krippendorff's alpha (nominal)."""
    from .. import __version__

    tasks = ("quotes", "speakers", "stance")
    _check(tasks, "exact", bootstrap, confidence, seed)
    errors: list[str] = []
    with paused_gc():
        index = _parse(b, errors)
        n_b = len(index)
        rows, missing, n_a = _stream(a, [index], tasks, "exact", True, errors)
    if errors:
        raise PredictionError(errors)
    only_b = sorted(index)
    totals, scores, cis, _ = _scores_and_ci(rows, agreement_scores, bootstrap, seed, confidence)
    kw = dict(corpus_version=corpus_version, split=split, bootstrap=bootstrap, seed=seed,
              confidence=confidence)
    sig = make_signature(task="agreement", match="exact+partial", **kw)
    settings = {"toolkit_version": __version__, "corpus_version": corpus_version,
                "split": split, "tasks": ["agreement"], "match": "exact",
                "bootstrap": bootstrap, "seed": seed, "confidence": confidence}
    return EvaluationResult(
        kind="agreement", tasks=("agreement",), scores=scores[0], signature=sig,
        signatures={"agreement": sig}, settings=settings,
        articles={"gold": n_a, "predicted": n_b, "scored": rows[0].n, "missing": [],
                  "only_in_a": missing[0], "only_in_b": only_b},
        counts=totals[0],
        breakdown={"agreement.counts": agreement_counts(totals[0])},
        confusion=confusion_matrix(totals[0]), ci=cis[0] if cis else None)
