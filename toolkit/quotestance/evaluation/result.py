"""``EvaluationResult``: scores with their signature, and their text, Markdown and JSON forms.

The JSON form (``to_dict``) is documented field by field in docs/scoring.md; its ``format``
field names its version and changes only when a field changes meaning or is removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSON_FORMAT = "quotestance.scores/1"

_PRF = {
    "quotes": [("exact match", "quotes.exact"), ("partial (token-proportional)", "quotes.partial"),
               ("IoU >= 0.5", "quotes.iou50"), ("span + type", "quotes.typed")],
    "speakers": [("quote + speaker (end-to-end)", "speakers.e2e")],
    "e2e": [("quote + speaker + stance triples", "e2e")],
}
_VALUES = {
    "speakers": [("accuracy on gold quotes", "speakers.accuracy"),
                 ("accuracy on matched quotes", "speakers.accuracy_matched")],
    "stance": [("macro-F1 (favor, against, neutral)", "stance.macro_f1"),
               ("accuracy", "stance.accuracy"),
               ("F_avg pooled (SemEval-2016: mean F1 of favor and against, pooled counts)",
                "stance.f_avg_pooled"),
               ("F_avg by category (mean of per-category F_avg; not the SemEval measure)",
                "stance.f_avg_by_category")],
    "agreement": [("quotes: span F1, exact", "agreement.quotes.exact.f1"),
                  ("quotes: span F1, partial (token-proportional)",
                   "agreement.quotes.partial.f1"),
                  ("quotes: span F1, IoU >= 0.5", "agreement.quotes.iou50.f1"),
                  ("speakers: same speaker on quotes both found", "agreement.speakers.accuracy"),
                  ("stance: observed agreement", "agreement.stance.observed"),
                  ("stance: Cohen's kappa", "agreement.stance.kappa"),
                  ("stance: Krippendorff's alpha (nominal)", "agreement.stance.alpha")],
}
_TITLES = {"quotes": "Quotation extraction", "speakers": "Speaker attribution",
           "stance": "Stance on gold (quote, target) pairs",
           "e2e": "End to end: quote + speaker + stance",
           "agreement": "Inter-annotator agreement (B scored against A)"}


def task_of(score_key: str) -> str:
    return score_key.split(".", 1)[0]


@dataclass
class EvaluationResult:
    """What ``evaluate_articles`` and ``agreement_articles`` return."""

    kind: str
    tasks: tuple[str, ...]
    scores: dict[str, float]
    signature: str
    signatures: dict[str, str]
    settings: dict[str, Any]
    articles: dict[str, Any]
    counts: dict[str, float]
    breakdown: dict[str, Any] = field(default_factory=dict)
    confusion: dict[str, Any] | None = None
    ci: dict[str, tuple[float, float]] | None = None
    comparison: dict[str, Any] | None = None

    def signature_of(self, score_key: str) -> str:
        return self.signatures[task_of(score_key)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": JSON_FORMAT,
            "kind": self.kind,
            "signature": self.signature,
            "signatures": dict(self.signatures),
            "settings": dict(self.settings),
            "articles": dict(self.articles),
            "scores": {k: _num(v) for k, v in self.scores.items()},
            "ci": None if self.ci is None else {k: [_num(a), _num(b)]
                                                for k, (a, b) in self.ci.items()},
            "counts": {k: _count(v) for k, v in sorted(self.counts.items())},
            "breakdown": _nums(self.breakdown),
            "confusion": self.confusion,
            "comparison": _nums(self.comparison),
        }

    def to_json(self) -> str:
        import json

        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n"

    def render(self, fmt: str = "text") -> str:
        if fmt == "json":
            return self.to_json()
        if fmt not in ("text", "markdown"):
            raise ValueError(f"The 'fmt' parameter must be one of {{'text', 'markdown', 'json'}}."
                             f" Got {fmt!r} instead.")
        return _render(self, fmt == "markdown")


def _num(v: Any) -> Any:
    """Scores stay floats; counts that are whole numbers become integers."""
    return v


def _count(v: float) -> float | int:
    return int(v) if float(v).is_integer() else v


def _nums(o: Any) -> Any:
    if isinstance(o, dict):
        return {k: _nums(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_nums(v) for v in o]
    return _num(o)


# ---------------------------------------------------------------- text and Markdown

def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.4f}"


def _table(header: list[str], rows: list[list[str]], md: bool) -> list[str]:
    if md:
        out = ["", "| " + " | ".join(header) + " |",
               "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
        out += ["| " + " | ".join(r) + " |" for r in rows]
        return out
    widths = [max(len(x[i]) for x in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _ci(res: EvaluationResult, key: str) -> list[str]:
    if res.ci is None:
        return []
    lo, hi = res.ci.get(key, (None, None))
    return [f"[{_fmt(lo)}, {_fmt(hi)}]"]


def _render(res: EvaluationResult, md: bool) -> str:
    conf = res.settings.get("confidence", 0.95)
    ci_head = [f"{round(conf * 100)}% CI (F1)"] if res.ci is not None else []
    ci_head_v = [f"{round(conf * 100)}% CI"] if res.ci is not None else []
    a = res.articles
    lines: list[str] = []
    if res.kind == "agreement":
        title = (f"QuoteStance agreement: {a['scored']} article(s) in both files; "
                 f"{len(a['only_in_a'])} only in A, {len(a['only_in_b'])} only in B")
    else:
        title = (f"QuoteStance evaluation: {a['gold']} gold article(s), {a['predicted']} "
                 f"predicted, {len(a['missing'])} missing (scored as empty)")
    lines += [("# " if md else "") + title, ""]
    for task in res.tasks:
        lines.append(("## " if md else "") + _TITLES[task])
        lines.append(("`" + res.signatures[task] + "`") if md else
                     "signature: " + res.signatures[task])
        lines.append("")
        if task in _VALUES:
            rows = [[lab, _fmt(res.scores[k]), *_ci(res, k)] for lab, k in _VALUES[task]]
            lines += _table(["metric", "value", *ci_head_v], rows, md) + [""]
        if task in _PRF:
            rows = [[lab, _fmt(res.scores[f"{p}.p"]), _fmt(res.scores[f"{p}.r"]),
                     _fmt(res.scores[f"{p}.f1"]), *_ci(res, f"{p}.f1")] for lab, p in _PRF[task]]
            lines += _table(["", "P", "R", "F1", *ci_head], rows, md) + [""]
        lines += _breakdowns(res, task, md)
    if res.comparison is not None:
        lines += _comparison(res, md)
    missing = a.get("missing") or a.get("only_in_a") or []
    if missing:
        shown = ", ".join(missing[:10]) + (f", … ({len(missing)} in all)" if len(missing) > 10
                                           else "")
        label = "missing from the predictions" if res.kind != "agreement" else "only in A"
        lines += [f"Articles {label}: {shown}", ""]
    return "\n".join(lines).rstrip() + "\n"


def _breakdowns(res: EvaluationResult, task: str, md: bool) -> list[str]:
    out: list[str] = []
    bd = res.breakdown
    if task == "quotes" and "quotes.by_type" in bd:
        rows = [[ty, str(int(r["gold"])), str(int(r["pred"])), _fmt(r["exact.r"]),
                 _fmt(r["partial.r"]), _fmt(r["iou50.r"]), _fmt(r["typed.f1"])]
                for ty, r in bd["quotes.by_type"].items()]
        out += ["By gold quote type (recall of spans; span+type F1 needs predicted types):"]
        out += _table(["type", "gold", "pred", "exact R", "partial R", "IoU R", "typed F1"],
                      rows, md) + [""]
    if task == "agreement" and res.confusion is not None:
        cm = res.confusion
        rows = [[g, *(str(v) for v in row)] for g, row in zip(cm["labels"], cm["matrix"])]
        out += ["Stance labels of quotes both marked (rows: A, columns: B; none = B gave no "
                "stance):"]
        out += _table(["A \\ B", *cm["pred_labels"]], rows, md) + [""]
        c = bd.get("agreement.counts", {})
        if c:
            out += ["Counts: " + ", ".join(f"{k} {int(v)}" for k, v in c.items()), ""]
    if task == "stance" and "stance.by_label" in bd:
        rows = [[lab, str(r["gold"]), str(r["pred"]), _fmt(r["p"]), _fmt(r["r"]), _fmt(r["f1"])]
                for lab, r in bd["stance.by_label"].items()]
        out += ["Per label (- : no gold and no predicted pair with this label):"]
        out += _table(["label", "gold", "pred", "P", "R", "F1"], rows, md) + [""]
    if task == "stance" and res.confusion is not None:
        cm = res.confusion
        rows = [[g, *(str(v) for v in row)] for g, row in zip(cm["labels"], cm["matrix"])]
        out += ["Confusion matrix (rows: gold, columns: predicted; none = no stance given):"]
        out += _table(["gold \\ pred", *cm["pred_labels"]], rows, md) + [""]
    if task == "stance" and bd.get("stance.by_category"):
        rows = [[c, str(int(r["pairs"])), _fmt(r["macro_f1"]), _fmt(r["accuracy"]),
                 _fmt(r["f_avg"]), _fmt(r["f1.favor"]), _fmt(r["f1.against"])]
                for c, r in bd["stance.by_category"].items()]
        out += ["By target category:"]
        out += _table(["category", "pairs", "macro-F1", "accuracy", "F_avg", "F1 favor",
                       "F1 against"], rows, md) + [""]
    return out


def _comparison(res: EvaluationResult, md: bool) -> list[str]:
    c = res.comparison
    assert c is not None
    out = [("## " if md else "") + f"Paired bootstrap: {c['system']} vs {c['other']} "
           f"({c['samples']} samples, seed {c['seed']})",
           f"delta = {c['system']} - {c['other']}; p = two-sided p-value of the delta", ""]
    rows = []
    for k in c["keys"]:
        rows.append([k, _fmt(res.scores[k]), _fmt(c["other_scores"][k]), f"{c['delta'][k]:+.4f}",
                     f"{c['p_value'][k]:.4f}"])
    out += _table(["score", "system", "other", "delta", "p"], rows, md) + [""]
    return out
