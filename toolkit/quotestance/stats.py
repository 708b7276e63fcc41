"""Corpus statistics and the v1.0 variety quotas (``quotestance stats``)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from .labels import DETERMINERS, PRONOUNS, QUOTE_TYPES, STANCE_LABELS

# (key, goal, kind): kind "min_share" compares a share in [0, 1]; "min_count" a count.
QUOTAS: tuple[tuple[str, float, str, str], ...] = (
    ("articles_constructed", 200, "min_count", "constructed articles"),
    ("quotes", 2000, "min_count", "quotations"),
    ("stance_pairs", 2500, "min_count", "(quote, target) stance pairs"),
    ("outlets", 10, "min_count", "outlets"),
    ("genres", 8, "min_count", "genres"),
    ("share_indirect", 0.30, "min_share", "indirect quotes"),
    ("share_mixed", 0.08, "min_share", "mixed quotes"),
    ("share_mention_pronoun_or_description", 0.25, "min_share",
     "speaker mentioned only by pronoun or description"),
    ("share_attribution_after", 0.30, "min_share", "attribution after the quote"),
    ("share_attribution_before", 0.20, "min_share", "attribution before the quote"),
    ("share_split", 0.05, "min_share", "quotes split by their attribution"),
    ("share_multi_paragraph", 0.02, "min_share", "quotes over several paragraphs"),
    ("share_unnamed_or_unattributed", 0.05, "min_share", "unnamed or unattributed sources"),
    ("share_no_reporting_verb", 0.05, "min_share",
     "no reporting verb (colon, dash, 'according to')"),
    ("share_articles_non_speech_marks", 0.15, "min_share",
     "articles with quotation marks that are not speech"),
    ("target_categories_with_60_pairs", 12, "min_count", "target categories with >= 60 pairs"),
    ("share_favor", 0.15, "min_share", "favor pairs"),
    ("share_against", 0.15, "min_share", "against pairs"),
    ("share_neutral", 0.15, "min_share", "neutral pairs"),
    ("quotes_two_targets_different_labels", 1, "min_count",
     "quotes with two targets and different labels"),
    ("speakers_in_3_articles", 30, "min_count", "registry speakers in >= 3 articles"),
)

_MARK_PAIRS = [re.compile(p) for p in (
    r"“[^“”\n]{1,120}”",
    r'(?<![\w])"[^"\n]{1,120}"',
    r"(?<![\w])‘[^‘’\n]{1,120}’(?!\w)",
    r"(?<![\w])'[^'\n]{1,120}'(?!\w)",
)]


def mention_kind(text: str | None) -> str:
    if text is None:
        return "none"
    low = text.lower()
    if low in PRONOUNS:
        return "pronoun"
    if low.startswith(DETERMINERS) or text[:1].islower():
        return "description"
    return "name"


def attribution_side(q: dict[str, Any]) -> str:
    anchor = q.get("cue") or q.get("speaker_mention")
    if anchor is None:
        return "none"
    if anchor["start"] >= q["end"]:
        return "after"
    if anchor["end"] <= q["start"]:
        return "before"
    return "inside"


def non_speech_marks(article: dict[str, Any]) -> int:
    """Quoted strings not covered by any quote span (scare quotes, titles, slogans): heuristic."""
    text = article["text"]
    covered = [(q["start"], q["end"]) for q in article["quotes"]]
    n = 0
    for pat in _MARK_PAIRS:
        for m in pat.finditer(text):
            a, b = m.span()
            if not any(s <= a and b <= e or (a < e and b > s) for s, e in covered):
                n += 1
    return n


def compute(articles: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Statistics of a stream of article dicts: whole and per split."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in articles:
        groups["all"].append(a)
        if a.get("split"):
            groups[a["split"]].append(a)
    out = {name: _stats(arts) for name, arts in groups.items()}
    if "all" not in out:
        out["all"] = _stats([])
    out["all"]["quotas"] = quotas(out["all"])
    return out


def _stats(arts: list[dict[str, Any]]) -> dict[str, Any]:
    c: Counter[str] = Counter()
    types: Counter[str] = Counter()
    labels: Counter[str] = Counter()
    cats: Counter[str] = Counter()
    outlets: Counter[str] = Counter()
    genres: Counter[str] = Counter()
    mention: Counter[str] = Counter()
    side: Counter[str] = Counter()
    words = []
    speaker_articles: dict[str, set[str]] = defaultdict(set)
    for a in arts:
        c["articles"] += 1
        c["articles_" + a.get("provenance", "?")] += 1
        words.append(len(a["text"].split()))
        outlets[a.get("outlet") or "(none)"] += 1
        genres[a.get("genre") or "(none)"] += 1
        ents = {e["id"]: e for e in a["entities"]}
        tcat = {t["id"]: t.get("category") for t in a["targets"]}
        continued = {q["continues"] for q in a["quotes"] if q.get("continues")}
        if non_speech_marks(a):
            c["articles_non_speech_marks"] += 1
        for q in a["quotes"]:
            c["quotes"] += 1
            types[q["type"]] += 1
            m = q.get("speaker_mention")
            mk = mention_kind(m["text"] if m else None)
            mention[mk] += 1
            side[attribution_side(q)] += 1
            if q.get("continues") or q["id"] in continued:
                c["split"] += 1
            if "\n" in q["text"]:
                c["multi_paragraph"] += 1
            sp = ents.get(q.get("speaker")) if q.get("speaker") else None
            if sp is None or sp["type"] == "unnamed":
                c["unnamed_or_unattributed"] += 1
            if sp is not None:
                if (sp.get("kb_id") or "").startswith("QSW:"):  # the world registry's ids
                    speaker_articles[sp["kb_id"]].add(a["id"])
                cue = q.get("cue")
                if cue is None or cue["text"].lower().startswith("according"):
                    c["no_reporting_verb"] += 1
            st = q["stances"]
            if len({s["label"] for s in st}) > 1:
                c["quotes_two_targets_different_labels"] += 1
            for s in st:
                c["stance_pairs"] += 1
                labels[s["label"]] += 1
                cats[tcat.get(s["target"]) or "(none)"] += 1
    nq, np_, na = c["quotes"] or 1, c["stance_pairs"] or 1, c["articles"] or 1
    return {
        "articles": c["articles"],
        "articles_real": c["articles_real"],
        "articles_constructed": c["articles_constructed"],
        "quotes": c["quotes"],
        "stance_pairs": c["stance_pairs"],
        "words_min": min(words, default=0),
        "words_mean": round(sum(words) / na, 1),
        "words_max": max(words, default=0),
        "outlets": len([o for o in outlets if o != "(none)"]),
        "genres": len([g for g in genres if g != "(none)"]),
        "by_outlet": dict(outlets.most_common()),
        "by_genre": dict(genres.most_common()),
        "by_type": {t: types[t] for t in QUOTE_TYPES},
        "by_label": {lab: labels[lab] for lab in STANCE_LABELS},
        "by_category": dict(sorted(cats.items())),
        "by_mention_kind": dict(mention),
        "by_attribution_side": dict(side),
        "share_indirect": types["indirect"] / nq,
        "share_mixed": types["mixed"] / nq,
        "share_direct": types["direct"] / nq,
        "share_mention_pronoun_or_description": (mention["pronoun"] + mention["description"]) / nq,
        "share_attribution_after": side["after"] / nq,
        "share_attribution_before": side["before"] / nq,
        "share_split": c["split"] / nq,
        "share_multi_paragraph": c["multi_paragraph"] / nq,
        "share_unnamed_or_unattributed": c["unnamed_or_unattributed"] / nq,
        "share_no_reporting_verb": c["no_reporting_verb"] / nq,
        "share_articles_non_speech_marks": c["articles_non_speech_marks"] / na,
        "target_categories_with_60_pairs": sum(1 for k, v in cats.items()
                                               if k != "(none)" and v >= 60),
        "share_favor": labels["favor"] / np_,
        "share_against": labels["against"] / np_,
        "share_neutral": labels["neutral"] / np_,
        "quotes_two_targets_different_labels": c["quotes_two_targets_different_labels"],
        "speakers_in_3_articles": sum(1 for v in speaker_articles.values() if len(v) >= 3),
    }


def quotas(s: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"key": k, "what": what, "value": s[k], "goal": goal,
             "met": s[k] >= goal} for k, goal, _, what in QUOTAS]


def render_text(stats: dict[str, Any], markdown: bool = False) -> str:
    order = ["all"] + [k for k in ("train", "validation", "test") if k in stats]
    keys = ["articles", "articles_real", "articles_constructed", "quotes", "stance_pairs",
            "words_min", "words_mean", "words_max", "outlets", "genres"]
    shares = [k for k in stats["all"] if k.startswith("share_")]
    rows = [(k, [stats[g][k] for g in order]) for k in keys]
    rows += [(k, [f"{100 * stats[g][k]:.1f}%" for g in order]) for k in shares]
    rows += [(f"type {t}", [stats[g]["by_type"][t] for g in order]) for t in QUOTE_TYPES]
    rows += [(f"label {lab}", [stats[g]["by_label"][lab] for g in order])
             for lab in STANCE_LABELS]
    cats = sorted(stats["all"]["by_category"])
    rows += [(f"category {c}", [stats[g]["by_category"].get(c, 0) for g in order]) for c in cats]
    lines = []
    if markdown:
        lines.append("| statistic | " + " | ".join(order) + " |")
        lines.append("|---|" + "---:|" * len(order))
        lines += [f"| {k} | " + " | ".join(str(v) for v in vals) + " |" for k, vals in rows]
        lines += ["", "| quota | value | goal | met |", "|---|---:|---:|---|"]
        for q in stats["all"]["quotas"]:
            lines.append(f"| {q['what']} | {_fmt(q['value'], q['goal'])} | "
                         f"{_fmt(q['goal'], q['goal'])} | {'yes' if q['met'] else 'NO'} |")
        return "\n".join(lines) + "\n"
    w = max(len(k) for k, _ in rows) + 2
    lines.append("statistic".ljust(w) + "".join(g.rjust(12) for g in order))
    lines += [k.ljust(w) + "".join(str(v).rjust(12) for v in vals) for k, vals in rows]
    lines.append("")
    lines.append("quotas (whole corpus):")
    for q in stats["all"]["quotas"]:
        mark = "ok  " if q["met"] else "MISS"
        lines.append(f"  {mark} {q['what']}: {_fmt(q['value'], q['goal'])} "
                     f"(goal >= {_fmt(q['goal'], q['goal'])})")
    return "\n".join(lines) + "\n"


def _fmt(v: float, goal: float) -> str:
    if isinstance(goal, float) and goal < 1:
        return f"{100 * v:.1f}%"
    return str(v)
