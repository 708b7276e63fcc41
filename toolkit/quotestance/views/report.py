"""The results page (``quotestance report RESULTS.json``): leaderboard per task, per-task
charts, stance confusion matrices, per-category bars, and the evaluation signatures.

It reads the JSON of ``quotestance benchmark --output`` and of ``quotestance evaluate --format
json``. Rather than tie the page to one layout, it looks for *score entries*: every object that
holds a ``scores`` object of numbers. An entry's system is its ``system`` (or ``name``) field or
the nearest enclosing one, its task its ``task`` field (or the enclosing key), and its
signature its ``signature`` field (or ``signatures``). Confusion matrices are objects under a
key containing ``confusion``; per-category breakdowns are objects under ``by_category`` or
``per_category``.

Numbers must be finite, and confusion-matrix cells numbers >= 0; anything else raises
``ResultsError`` naming the place in the document (``confusion.favor.against: ...``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .html import PALETTE, bar_chart, esc, fmt_num, heatmap, page

CSS = """
.leader td.best { font-weight: 700; background: #e8f5e9; }
.task { margin-bottom: 1.5em; }
.sigs li { margin: 2px 0; }
"""

# Headline metric of each task, first one present wins; then any of GENERIC.
TASKS = ("quotes", "speakers", "stance", "e2e")
PRIMARY = {"quotes": ("exact.f1",), "speakers": ("accuracy", "e2e.f1"),
           "stance": ("macro_f1", "f_avg_pooled"), "e2e": ("f1",)}
GENERIC = ("exact.f1", "macro_f1", "f_avg_pooled", "f1", "accuracy")
CATEGORY_KEYS = ("by_category", "per_category")
CATEGORY_METRICS = ("f_avg", "macro_f1", "f1", "typed.f1", "exact.f1", "accuracy", "exact.r")


class ResultsError(ValueError):
    """A results document the page cannot draw; the text is ``where: what``."""


def _where(path: str, key: Any) -> str:
    return f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else str(key)


def _finite(v: Any, where: str) -> float:
    try:
        f = float(v)
    except OverflowError:
        f = math.inf
    if not math.isfinite(f):
        raise ResultsError(f"{where}: expected a finite number, got {v!r}")
    return f


def _cell(v: Any, where: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ResultsError(f"{where}: a confusion-matrix cell must be a number, got {v!r}")
    f = _finite(v, where)
    if f < 0:
        raise ResultsError(f"{where}: a confusion-matrix cell must be >= 0, got {v!r}")
    return f


@dataclass
class Entry:
    system: str
    task: str
    scores: dict[str, float]
    signature: str = ""
    confusion: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    categories: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    primary: str | None = None


def _flatten(d: Mapping[str, Any], prefix: str = "", where: str = "") -> dict[str, float]:
    """Numbers of a nested mapping under dotted keys (other values are skipped); a number
    that is not finite raises ``ResultsError``."""
    out: dict[str, float] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, bool):
            continue
        if isinstance(v, (int, float)):
            out[key] = _finite(v, _where(where, k))
        elif isinstance(v, Mapping):
            out.update(_flatten(v, key + ".", _where(where, k)))
    return out


def _signature(d: Mapping[str, Any]) -> str:
    s = d.get("signature")
    if isinstance(s, str):
        return s
    sigs = d.get("signatures")
    if isinstance(sigs, Mapping):
        return " ; ".join(f"{k}: {v}" for k, v in sigs.items() if isinstance(v, str))
    if isinstance(sigs, list):
        return " ; ".join(str(x) for x in sigs if isinstance(x, str))
    return ""


def benchmark_entries(obj: Mapping[str, Any]) -> list[Entry]:
    """Entries of ``quotestance benchmark --output`` (schema quotestance-benchmark/1): its
    ``leaderboards``, one row per system and task, with the task's primary metric."""
    out = []
    primary = obj.get("primary") if isinstance(obj.get("primary"), Mapping) else {}
    for task, rows in obj["leaderboards"].items():
        for n, r in enumerate(rows if isinstance(rows, list) else ()):
            if not isinstance(r, Mapping) or not isinstance(r.get("scores"), Mapping):
                continue
            where = f"leaderboards.{task}[{n}].scores"
            name = str(r.get("system", "(system)"))
            if r.get("setting") not in (None, task):
                name += f" ({r['setting']} setting)"
            # keys without the task's own prefix, as in a split evaluate result
            strip = (lambda k, t=f"{task}.": k[len(t):] if k.startswith(t) else k)
            scores = {strip(k): v for k, v in _flatten(r["scores"], where=where).items()}
            pk = primary.get(task)
            out.append(Entry(name, str(task), scores, str(r.get("signature") or ""),
                             primary=strip(pk) if isinstance(pk, str) else None))
    return out


def find_entries(obj: Any, default_system: str = "(system)") -> list[Entry]:
    """Every score entry of a results document, in document order."""
    if isinstance(obj, Mapping) and isinstance(obj.get("leaderboards"), Mapping) and \
            str(obj.get("schema", "")).startswith("quotestance-benchmark"):
        return benchmark_entries(obj)
    out: list[Entry] = []

    def walk(o: Any, system: str, task: str, key: str, where: str) -> None:
        if isinstance(o, list):
            for n, x in enumerate(o):
                walk(x, system, task, key, _where(where, n))
            return
        if not isinstance(o, Mapping):
            return
        sys_name = next((o[k] for k in ("system", "name", "model") if isinstance(o.get(k), str)),
                        system)
        task_name = o["task"] if isinstance(o.get("task"), str) else task
        if isinstance(o.get("scores"), Mapping):
            e = Entry(sys_name or default_system, task_name or key or "(task)",
                      _flatten(o["scores"], where=_where(where, "scores")), _signature(o))
            _collect_extras(o, e, "", where)
            out.extend(_split_tasks(e, o.get("signatures")))
            return
        for k, v in o.items():
            if isinstance(v, (Mapping, list)):
                walk(v, sys_name, task_name, k if not task_name else task_name,
                     _where(where, k))

    walk(obj, "", "", "", "")
    return out


def _split_tasks(e: Entry, sigs: Any) -> list[Entry]:
    """An entry scoring several tasks at once (``task:all``, keys ``quotes.*``, ``stance.*``)
    becomes one entry per task, each with that task's signature."""
    prefixes = list(dict.fromkeys(k.split(".", 1)[0] for k in e.scores if "." in k))
    if e.task in TASKS or len(prefixes) < 2 or any("." not in k for k in e.scores) or \
            not set(prefixes) <= set(TASKS):
        return [e]
    out = []
    for p in prefixes:
        sig = sigs.get(p) if isinstance(sigs, Mapping) and isinstance(sigs.get(p), str) \
            else e.signature
        sub = Entry(e.system, p, {k[len(p) + 1:]: v for k, v in e.scores.items()
                                  if k.startswith(p + ".")}, sig)
        sub.confusion = [(n, d) for n, d in e.confusion if p == "stance"]
        sub.categories = [(n, d) for n, d in e.categories if n.split(".")[-2:][0] == p
                          or n.startswith(p) or f".{p}." in f".{n}"]
        out.append(sub)
    return out


def _collect_extras(o: Mapping[str, Any], e: Entry, path: str, where: str) -> None:
    for k, v in o.items():
        if not isinstance(v, Mapping):
            continue
        p = f"{path}{k}"
        w = _where(where, k)
        if "confusion" in k.lower():
            _matrix(v, w)  # check the cells now, to say where a bad one is
            e.confusion.append((p, dict(v)))
        elif k in CATEGORY_KEYS or "by_" in k:
            _category_items(v, None, w)
            e.categories.append((p, dict(v)))
        elif k != "scores":
            _collect_extras(v, e, p + ".", w)


def primary_metric(entries: list[Entry], task: str = "") -> str | None:
    keys = set().union(*(e.scores for e in entries)) if entries else set()
    declared = next((e.primary for e in entries if e.primary in keys), None)
    if declared:
        return declared
    prefs = PRIMARY.get(task, ()) + GENERIC
    for p in prefs:
        if p in keys:
            return p
    for p in prefs:
        for k in sorted(keys, key=lambda k: (k.count("."), k)):
            if k.endswith("." + p):
                return k
    return min(keys) if keys else None


def _matrix(d: Mapping[str, Any], where: str = "confusion"
            ) -> tuple[list[str], list[str], list[list[float]]] | None:
    """A confusion matrix as (rows, cols, values) from {labels, matrix} or {gold: {pred: n}};
    a cell that is not a finite number >= 0 raises ``ResultsError``."""
    labels, m = d.get("labels"), d.get("matrix")
    if isinstance(labels, list) and isinstance(m, list) and all(isinstance(r, list) for r in m):
        cols = next((d[k] for k in ("pred_labels", "predicted_labels") if
                     isinstance(d.get(k), list)), labels)
        return [str(x) for x in labels], [str(x) for x in cols], \
            [[_cell(x, f"{where}.matrix[{i}][{j}]") for j, x in enumerate(r)]
             for i, r in enumerate(m)]
    if d and all(isinstance(v, Mapping) for v in d.values()):
        rows = [str(k) for k in d]
        cols = list(dict.fromkeys(str(c) for v in d.values() for c in v))
        return rows, cols, [[_cell(d[r][c], _where(_where(where, r), c)) if c in d[r] else 0.0
                             for c in cols] for r in rows]
    return None


def _category_items(d: Mapping[str, Any], metric_hint: str | None,
                    where: str = "by_category") -> tuple[str, list]:
    items = []
    name = ""
    for cat, v in d.items():
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            items.append((cat, _finite(v, _where(where, cat))))
        elif isinstance(v, Mapping):
            flat = _flatten(v, where=_where(where, cat))
            key = next((k for k in CATEGORY_METRICS if k in flat), None)
            key = key or next((k for k in flat if k.endswith("f1")), None)
            key = key or next((k for k in flat if 0 <= flat[k] <= 1), None)
            if key is not None:
                items.append((cat, flat[key]))
                name = key
    return name, items


def leaderboard(task: str, entries: list[Entry]) -> str:
    metric = primary_metric(entries, task)
    cols = sorted(set().union(*(e.scores for e in entries)),
                  key=lambda k: (k != metric, k.count("."), k))[:10]
    best = {c: max(e.scores.get(c, float("-inf")) for e in entries) for c in cols}
    ranked = sorted(entries, key=lambda e: -e.scores.get(metric, float("-inf"))) \
        if metric else entries
    head = "".join(f'<th class="num">{esc(c)}</th>' for c in cols)
    rows = []
    for i, e in enumerate(ranked, 1):
        cells = "".join(
            f'<td class="num{" best" if c in e.scores and e.scores[c] == best[c] and len(entries) > 1 else ""}">'
            f'{fmt_num(e.scores[c]) if c in e.scores else ""}</td>' for c in cols)
        rows.append(f"<tr><td class=\"num\">{i}</td><td>{esc(e.system)}</td>{cells}</tr>")
    chart = ""
    if metric:
        chart = bar_chart([(e.system, e.scores.get(metric, 0.0)) for e in ranked],
                          f"{task}: {metric}", max_value=1.0 if all(
                              0 <= e.scores.get(metric, 0) <= 1 for e in ranked) else None,
                          colors=PALETTE, value_fmt="{:.3f}")
    return (f'<table class="leader"><tr><th>#</th><th>system</th>{head}</tr>{"".join(rows)}'
            f"</table>{chart}")


def render_report(results: Any, title: str = "QuoteStance results",
                  default_system: str = "(system)") -> str:
    """The results page of a benchmark or evaluation JSON document; ``default_system`` names
    the system of entries that do not say (``evaluate`` output)."""
    return render_entries(find_entries(results, default_system), title)


def render_entries(entries: list[Entry], title: str = "QuoteStance results") -> str:
    """The results page of score entries (from one or several documents)."""
    tasks: dict[str, list[Entry]] = {}
    for e in entries:
        tasks.setdefault(e.task, []).append(e)
    body = [f'<h1 id="title">{esc(title)}</h1>']
    if not entries:
        body.append('<p class="muted" id="empty">No scores found in this file: expected the '
                    "JSON of <code>quotestance benchmark --output</code> or "
                    "<code>quotestance evaluate --format json</code>.</p>")
    body.append(f'<p class="muted">{len(entries)} result(s) over {len(tasks)} task(s).</p>')
    for task, es in tasks.items():
        body.append(f'<section class="task" id="task-{esc(task)}"><h2>Task: {esc(task)}</h2>')
        body.append(leaderboard(task, es))
        for e in es:
            for name, d in e.confusion:
                m = _matrix(d)
                if m:
                    body.append(f"<h3>{esc(e.system)}: {esc(name)}</h3>")
                    body.append(heatmap(m[0], m[1], m[2]))
            for name, d in e.categories:
                metric, items = _category_items(d, None)
                if items:
                    body.append(bar_chart(items, f"{e.system}: {name} ({metric or 'value'})",
                                          max_value=1.0 if all(0 <= v <= 1 for _, v in items)
                                          else None, colors=PALETTE[3:4], value_fmt="{:.3f}"))
        body.append("</section>")
    sigs = [(e.system, e.task, e.signature) for e in entries if e.signature]
    if sigs:
        body.append('<h2>Signatures</h2><ul class="sigs" id="signatures">')
        body += [f'<li>{esc(s)} · {esc(t)}: <span class="sig">{esc(g)}</span></li>'
                 for s, t, g in sigs]
        body.append("</ul>")
    return page(title, "\n".join(body), CSS)
