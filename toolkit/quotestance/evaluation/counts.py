"""Per-article statistics: every count a score needs, for one gold article and its prediction.

Scores are computed from the *sums* of these counts over articles (sacrebleu style), so
scoring is linear in the number of articles and a bootstrap resample only re-weights rows.
The keys of the returned dict are the keys of ``counts`` in the JSON output (docs/scoring.md).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from .matching import canonical_order, match_exact, match_overlap, prepare_sides
from .metrics import NONE
from ..validate import _short
from .predictions import UNRESOLVED, GoldIndex, PredictedArticle

TASKS = ("quotes", "speakers", "stance", "e2e")
ALIGN_MODES = ("exact", "iou50")
UNCATEGORISED = "uncategorised"


@dataclass(frozen=True, slots=True)
class QuoteView:
    """What scoring needs of one quote (gold or resolved prediction)."""

    start: int
    end: int
    type: str | None
    speaker: str | None
    stances: tuple[tuple[str, str], ...]

    def key(self) -> tuple:
        return (self.type or "", self.speaker or "", self.stances)


def gold_quotes(gold: dict[str, Any]) -> list[QuoteView]:
    return [QuoteView(q["start"], q["end"], q["type"], q["speaker"],
                      tuple(sorted((s["target"], s["label"]) for s in q["stances"])))
            for q in gold["quotes"]]


def target_categories(gold: dict[str, Any]) -> dict[str, str]:
    return {t["id"]: t["category"] or UNCATEGORISED for t in gold["targets"]}


def resolve(pred: PredictedArticle, gold: dict[str, Any], errors: list[str],
            index: GoldIndex | None = None) -> list[QuoteView]:
    """Check a prediction against its gold article and resolve speakers and targets to gold
    ids. Problems (spans outside the text, text mismatch, unknown ids) go to ``errors``."""
    where = pred.where
    text = gold["text"]
    n = len(text)
    n0 = len(errors)
    if pred.text is not None and pred.text != text:
        k = next((i for i, (a, b) in enumerate(zip(pred.text, text)) if a != b),
                 min(len(pred.text), n))
        errors.append(f"{where}: article {pred.id!r}: 'text' differs from the gold article's "
                      f"text from offset {k} on (lengths {len(pred.text)} and {n}); offsets "
                      "would not mean the same thing")
        return []
    ents = {e[0]: e for e in pred.entities} if pred.entities is not None else None
    tgts = {t[0]: t[1] for t in pred.targets} if pred.targets is not None else None
    ent_map: dict[str, str] = {}
    out = []
    index = index or GoldIndex(gold)
    for k, q in enumerate(pred.quotes):
        jp = f"{where}: article {pred.id!r} quotes[{k}]"
        if q.end > n:
            errors.append(f"{jp}: span [{q.start}, {q.end}) lies outside the text (length {n})")
            continue
        if q.text is not None and q.text != text[q.start:q.end]:
            errors.append(f"{jp}: text {_short(q.text)} differs from text[{q.start}:{q.end}] = "
                          f"{_short(text[q.start:q.end])}")
            continue
        speaker: str | None = None
        if q.speaker_name is not None:
            speaker = index.entity_by_name(q.speaker_name)
        elif q.speaker is not None:
            if ents is not None:
                if q.speaker not in ents:
                    errors.append(f"{jp}.speaker: {q.speaker!r} is not an entity of the "
                                  f"prediction's own 'entities' list")
                    continue
                if q.speaker not in ent_map:
                    _, name, aliases, kb = ents[q.speaker]
                    ent_map[q.speaker] = index.entity_for(name, aliases, kb)
                speaker = ent_map[q.speaker]
            elif q.speaker in index.entity_ids:
                speaker = q.speaker
            else:
                errors.append(f"{jp}.speaker: {q.speaker!r} is not an entity id of gold article "
                              f"{pred.id!r} (ids: {', '.join(sorted(index.entity_ids)) or 'none'}"
                              "); use 'speaker_name' for a free-text name")
                continue
        stances = []
        own: dict[str, str] = {}  # gold target -> the prediction's own target mapped to it
        for t, lab in q.stances:
            if tgts is not None:
                if t not in tgts:
                    errors.append(f"{jp}: stance target {t!r} is not in the prediction's own "
                                  "'targets' list")
                    continue
                gt = index.target_for(tgts[t])
                if gt != UNRESOLVED and gt in own:
                    errors.append(f"{jp}: stance targets {own[gt]!r} and {t!r} both map to gold "
                                  f"target {gt!r} (by name {_short(tgts[t])}); give one stance "
                                  "per target")
                    continue
                own[gt] = t
                stances.append((gt, lab))
            elif t in index.target_ids:
                stances.append((t, lab))
            else:
                errors.append(f"{jp}: stance target {t!r} is not a target id of gold article "
                              f"{pred.id!r} (ids: {', '.join(sorted(index.target_ids)) or 'none'}"
                              ")")
        out.append(QuoteView(q.start, q.end, q.type, speaker, tuple(sorted(stances))))
    return out if len(errors) == n0 else []


def article_stats(text: str, gold: list[QuoteView], pred: list[QuoteView],
                  categories: dict[str, str], tasks: tuple[str, ...] = TASKS,
                  align: str = "exact") -> dict[str, float]:
    """Counts of one article (only non-zero entries). ``align`` is the matching that pairs
    predicted with gold quotes for the speakers, stance and e2e tasks."""
    out: defaultdict[str, float] = defaultdict(float)
    need_tokens = "quotes" in tasks or align != "exact"
    graw = [(q.start, q.end) for q in gold]
    praw = [(q.start, q.end) for q in pred]
    P, G = prepare_sides(text, praw, graw, need_tokens)
    go = canonical_order(G, graw, lambda j: gold[j].key())
    po = canonical_order(P, praw, lambda i: pred[i].key())
    exact = match_exact(P, G, po, go)
    iou_pairs = match_overlap(P, G, po, go, "iou50") if "quotes" in tasks or align == "iou50" \
        else []
    if "quotes" in tasks:
        _quote_counts(out, gold, pred, P, G, po, go, exact, iou_pairs)
    pairs = exact if align == "exact" else iou_pairs
    by_gold = {j: i for i, j in pairs}
    if "speakers" in tasks:
        out["speakers.gold"] += len(gold)
        out["speakers.pred"] += len(pred)
        out["speakers.matched"] += len(pairs)
        out["speakers.unresolved"] += sum(1 for q in pred if q.speaker == UNRESOLVED)
        out["speakers.correct"] += sum(1 for i, j in pairs if pred[i].speaker == gold[j].speaker)
    if "stance" in tasks:
        for j, g in enumerate(gold):
            i = by_gold.get(j)
            ps = dict(pred[i].stances) if i is not None else {}
            gs = dict(g.stances)
            for t, lab in g.stances:
                p = ps.get(t, NONE)
                out[f"stance.cm[{lab},{p}]"] += 1
                out[f"stance.cm@{categories.get(t, UNCATEGORISED)}[{lab},{p}]"] += 1
            out["stance.extra"] += sum(1 for t in ps if t not in gs)
        paired = set(by_gold.values())
        out["stance.pred_unpaired"] += sum(len(p.stances) for i, p in enumerate(pred)
                                           if i not in paired)
    if "e2e" in tasks:
        out["e2e.gold"] += sum(len(g.stances) for g in gold)
        out["e2e.pred"] += sum(len(p.stances) for p in pred)
        tp = 0
        for i, j in pairs:
            if pred[i].speaker == gold[j].speaker:
                ps = set(pred[i].stances)  # each gold (quote, target) pair counts at most once
                tp += sum(1 for s in gold[j].stances if s in ps)
        out["e2e.tp"] += tp
    return {k: v for k, v in out.items() if v}


def _quote_counts(out, gold, pred, P, G, po, go, exact, iou_pairs) -> None:
    out["quotes.gold"] += len(gold)
    out["quotes.pred"] += len(pred)
    for g in gold:
        out[f"quotes.gold[{g.type}]"] += 1
    for p in pred:
        if p.type is not None:
            out["quotes.pred_typed"] += 1
            out[f"quotes.pred[{p.type}]"] += 1
    out["quotes.exact.tp"] += len(exact)
    for i, j in exact:
        t = gold[j].type
        out[f"quotes.exact.tp[{t}]"] += 1
        if pred[i].type == t:
            out["quotes.typed.tp"] += 1
            out[f"quotes.typed.tp[{t}]"] += 1
    out["quotes.iou50.tp"] += len(iou_pairs)
    for _, j in iou_pairs:
        out[f"quotes.iou50.tp[{gold[j].type}]"] += 1
    for i, j in match_overlap(P, G, po, go, "partial"):
        o = min(P[i].tok_hi, G[j].tok_hi) - max(P[i].tok_lo, G[j].tok_lo)
        out["quotes.partial.p_credit"] += o / P[i].n_tokens
        rc = o / G[j].n_tokens
        out["quotes.partial.r_credit"] += rc
        out[f"quotes.partial.r_credit[{gold[j].type}]"] += rc
