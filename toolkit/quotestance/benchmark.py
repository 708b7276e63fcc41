"""The benchmark: every registered system, each task in its standard setting, one leaderboard
per task with evaluation signatures.

Settings (``SETTINGS``; ``make_input`` builds a system's input from a gold article):

- ``quotes``: quotation extraction from raw text (quotes and entities removed).
- ``speakers``: speaker attribution given gold quotes (speaker, mention, cue and stances
  removed; the article's entities are given).
- ``stance``: stance given gold quotes and the article's targets (stances removed).
- ``e2e``: the full pipeline from raw text (quotes and entities removed, targets given).

Each system is fitted on the training split once per setting of its ``param_grid``; the
setting with the best validation score (the task's primary metric; ties go to the first in
grid order) is kept and scored on the test split (or ``split``). Nothing is refitted on
validation. Runs are deterministic: every system gets the same seed (``random_state``).
The JSON form (``BenchmarkResult.to_dict``) is documented in docs/baselines.md.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .records import Article
from .systems import System, available_systems, get_system, setting_of

SCHEMA = "quotestance-benchmark/1"
DEFAULT_SEED = 12345
MAX_OVERLAP_MESSAGES = 20
SETTINGS = {
    "quotes": "quotation extraction from raw text",
    "speakers": "speaker attribution given gold quotes (and the article's entities)",
    "stance": "stance given gold quotes and the article's targets",
    "e2e": "full pipeline from raw text, the article's targets given",
}
SCORED_TASKS = {"quotes": ("quotes",), "speakers": ("speakers",), "stance": ("stance",),
                "e2e": ("quotes", "speakers", "stance", "e2e")}
PRIMARY = {"quotes": "quotes.exact.f1", "speakers": "speakers.accuracy",
           "stance": "stance.macro_f1", "e2e": "e2e.f1"}
COLUMNS = {
    "quotes": ("quotes.exact.p", "quotes.exact.r", "quotes.exact.f1", "quotes.partial.f1",
               "quotes.iou50.f1"),
    "speakers": ("speakers.accuracy",),
    "stance": ("stance.macro_f1", "stance.f_avg_pooled", "stance.accuracy"),
    "e2e": ("e2e.p", "e2e.r", "e2e.f1", "quotes.exact.f1", "speakers.e2e.f1"),
}


def make_input(article: Article, setting: str) -> Article:
    """What a system sees of a gold article in a benchmark setting."""
    if setting in ("quotes", "e2e"):
        return dataclasses.replace(article, quotes=(), entities=(),
                                   targets=article.targets if setting == "e2e" else ())
    if setting == "speakers":
        return dataclasses.replace(article, quotes=tuple(
            dataclasses.replace(q, speaker=None, speaker_mention=None, cue=None, stances=())
            for q in article.quotes))
    if setting == "stance":
        return dataclasses.replace(article, quotes=tuple(
            dataclasses.replace(q, stances=()) for q in article.quotes))
    raise ValueError(f"The 'setting' parameter must be one of {set(SETTINGS)}. "
                     f"Got {setting!r} instead.")


@dataclass
class SystemResult:
    name: str
    setting: str
    tasks: list[str]
    params: dict[str, Any]
    selection: list[dict[str, Any]]
    validation_score: float | None
    scores: dict[str, float]
    signature: str
    seconds: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class BenchmarkResult:
    """Scores of every system; ``to_dict`` is the ``--output`` JSON, ``render`` the tables."""

    split: str
    seed: int
    corpus_version: str
    data: dict[str, dict[str, Any]]
    systems: list[SystemResult] = field(default_factory=list)

    def leaderboards(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for task in SETTINGS:
            rows = []
            for s in self.systems:
                if s.setting == task or (task == "quotes" and s.setting == "e2e"):
                    rows.append({"system": s.name, "setting": s.setting,
                                 "scores": {k: s.scores.get(k) for k in COLUMNS[task]},
                                 "primary": s.scores.get(PRIMARY[task]),
                                 "signature": s.signature})
            rows.sort(key=lambda r: (-(r["primary"] or 0.0), r["system"]))
            if rows:
                out[task] = rows
        return out

    def to_dict(self) -> dict[str, Any]:
        from . import __version__

        return {"schema": SCHEMA, "toolkit_version": __version__,
                "corpus_version": self.corpus_version, "split": self.split, "seed": self.seed,
                "settings": SETTINGS, "primary": PRIMARY, "data": self.data,
                "leaderboards": self.leaderboards(),
                "systems": [s.to_dict() for s in self.systems]}

    def render(self, fmt: str = "text") -> str:
        return render(self.to_dict(), fmt)


def render(d: dict[str, Any], fmt: str = "text") -> str:
    """Leaderboard tables from a result dict (``BenchmarkResult.to_dict`` or a saved JSON)."""
    md = fmt == "markdown"
    lines: list[str] = []
    data = d["data"]
    lines.append(f"QuoteStance benchmark: scored on {d['split']} "
                 f"({data['test']['articles']} articles, {data['test']['quotes']} quotes); "
                 f"trained on {data['train']['articles']} articles; settings chosen on "
                 + (f"validation ({data['validation']['articles']} articles)"
                    if data.get("validation") else "no validation data (defaults)")
                 + f"; seed {d['seed']}")
    for task, rows in d["leaderboards"].items():
        cols = COLUMNS[task]
        head = ["system", *[c.split(".", 1)[1] if c.startswith(task + ".") else c
                            for c in cols]]
        lines.append("")
        lines.append(f"{'### ' if md else '== '}{task}: {d['settings'][task]}"
                     f"{'' if md else ' =='}")
        table = [[r["system"] + ("" if r["setting"] == task else f" ({r['setting']})"),
                  *["–" if r["scores"][c] is None else f"{100 * r['scores'][c]:.1f}"
                    for c in cols]] for r in rows]
        if md:
            lines.append("")
            lines.append("| " + " | ".join(head) + " |")
            lines.append("|" + "|".join("---" if i == 0 else "--:" for i in range(len(head)))
                         + "|")
            lines += ["| " + " | ".join(r) + " |" for r in table]
        else:
            widths = [max(len(str(x)) for x in col) for col in zip(head, *table)]
            lines.append("  ".join(h.ljust(w) for h, w in zip(head, widths)))
            lines += ["  ".join(x.ljust(w) if i == 0 else x.rjust(w)
                                for i, (x, w) in enumerate(zip(r, widths))) for r in table]
        lines.append("")
        for sig in dict.fromkeys(r["signature"] for r in rows):
            lines.append(f"{'' if not md else '`'}{sig}{'' if not md else '`'}")
    lines.append("")
    lines.append("Scores are percentages. Settings chosen on validation:")
    for s in d["systems"]:
        params = ", ".join(f"{k}={v}" for k, v in sorted(s["params"].items())) or "defaults"
        lines.append(f"{'- ' if md else '  '}{s['name']}: {params}")
    return "\n".join(lines) + "\n"


def _describe(source: str, articles: Sequence[Article]) -> dict[str, Any]:
    return {"source": source, "articles": len(articles),
            "quotes": sum(len(a.quotes) for a in articles)}


def split_overlaps(parts: dict[str, tuple[str, Sequence[Article]]]) -> list[str]:
    """Articles that are in two of the parts (train, validation, test): the same id, the same
    text, or a near-identical text (``corpus_checks.find_leaks``: word 5-gram Jaccard >= 0.8).

    ``parts`` maps a part's name to (source, articles); an article's line is its 1-based
    position, its line in the source JSONL file. Returns ``source:line: what`` messages."""
    from .corpus_checks import find_leaks

    items = [(name, a.id, src, k, a.text) for name, (src, arts) in parts.items()
             for k, a in enumerate(arts, 1)]
    out: list[str] = []
    reported: set[frozenset[tuple[str, int]]] = set()  # pairs of (part, line) reported

    def pair(a: tuple, b: tuple) -> frozenset[tuple[str, int]]:
        return frozenset(((a[0], a[3]), (b[0], b[3])))

    by_id: dict[str, tuple] = {}
    by_text: dict[str, tuple] = {}
    for it in items:
        for table, key, what in ((by_id, it[1], f"article id {it[1]!r} is"),
                                 (by_text, it[4], "the same text is")):
            first = table.setdefault(key, it)
            if first[0] != it[0] and pair(first, it) not in reported:
                reported.add(pair(first, it))
                out.append(f"{it[2]}:{it[3]}: {what} in the {it[0]} data and in the {first[0]} "
                           f"data ({first[2]}:{first[3]}, article {first[1]!r})")
    for a, b, jac in find_leaks(items):
        if pair(a, b) not in reported:
            out.append(f"{b[2]}:{b[3]}: article {b[1]!r} ({b[0]} data) shares {100 * jac:.0f}% "
                       f"of its word 5-grams with article {a[1]!r} ({a[0]} data, {a[2]}:{a[3]})")
    return out


def _grid(system_cls: type[System]) -> list[dict[str, Any]]:
    from sklearn.model_selection import ParameterGrid

    return list(ParameterGrid(system_cls.param_grid)) if system_cls.param_grid else [{}]


def _predict_dicts(system: System, gold: Sequence[Article], setting: str) -> list[dict]:
    return [system.predict_article(make_input(a, setting)).to_dict() for a in gold]


def _score(gold_dicts, pred_dicts, setting, split, corpus_version, seed, bootstrap=0):
    from .evaluation import evaluate_articles

    return evaluate_articles(gold_dicts, pred_dicts, tasks=SCORED_TASKS[setting],
                             bootstrap=bootstrap, seed=seed, split=split,
                             corpus_version=corpus_version)


def run_benchmark(train: Sequence[Article], test: Sequence[Article],
                  validation: Sequence[Article] | None = None, *,
                  systems: Sequence[str] | None = None, split: str = "test",
                  seed: int = DEFAULT_SEED, corpus_version: str = "unknown",
                  sources: dict[str, str] | None = None,
                  progress: Callable[[str], None] | None = None) -> BenchmarkResult:
    """Fit, select and score systems (all registered ones by default). Raises ``ValueError``
    when an article is in two of train, validation and test (``split_overlaps``)."""
    import numpy as np

    say = progress or (lambda _m: None)
    names = list(systems) if systems is not None else available_systems()
    sources = sources or {}
    parts = {"train": train, "validation": validation or [], "test": test}
    overlaps = split_overlaps({k: (sources.get(k) or k, v) for k, v in parts.items()})
    if overlaps:
        more = len(overlaps) - MAX_OVERLAP_MESSAGES
        raise ValueError(f"{len(overlaps)} article(s) in two of train, validation and test; "
                         "a system would be scored on what it was trained or tuned on:\n"
                         + "\n".join(overlaps[:MAX_OVERLAP_MESSAGES])
                         + (f"\n(and {more} more)" if more > 0 else ""))
    result = BenchmarkResult(split=split, seed=seed, corpus_version=corpus_version, data={
        "train": _describe(sources.get("train", "train"), train),
        "validation": _describe(sources.get("validation", "validation"), validation)
        if validation else None,
        "test": _describe(sources.get("test", split), test)})
    test_gold = [a.to_dict() for a in test]
    val_gold = [a.to_dict() for a in validation] if validation else []
    for n, name in enumerate(names, 1):
        proto = get_system(name)
        setting = setting_of(proto)
        grid = _grid(type(proto)) if validation else [{}]
        tag = f"[{n}/{len(names)}] {name} ({setting})"
        best = None
        selection = []
        t_fit = t_pred = 0.0
        for params in grid:
            if "random_state" in proto.get_params():
                params = {**params, "random_state": seed}
            np.random.seed(seed)
            system = get_system(name, **params)
            t0 = time.perf_counter()
            system.fit(train)
            t_fit += time.perf_counter() - t0
            score = None
            if validation:
                t0 = time.perf_counter()
                preds = _predict_dicts(system, validation, setting)
                t_pred += time.perf_counter() - t0
                res = _score(val_gold, preds, setting, "validation", corpus_version, seed)
                score = res.scores.get(PRIMARY[setting], 0.0)
                shown = {k: v for k, v in params.items() if k != "random_state"}
                selection.append({"params": shown, "score": score})
                say(f"{tag}: {shown or 'defaults'} -> validation "
                    f"{PRIMARY[setting]} {100 * score:.1f}")
            if best is None or (score is not None and score > best[0]):
                best = (score, params, system)
        assert best is not None
        score, params, system = best
        t0 = time.perf_counter()
        preds = _predict_dicts(system, test, setting)
        t_test = time.perf_counter() - t0
        res = _score(test_gold, preds, setting, split, corpus_version, seed)
        say(f"{tag}: {split} {PRIMARY[setting]} "
            f"{100 * res.scores.get(PRIMARY[setting], 0.0):.1f} "
            f"(fit {t_fit:.1f}s, predict {t_pred + t_test:.1f}s)")
        result.systems.append(SystemResult(
            name=name, setting=setting, tasks=sorted(proto.tasks),
            params={k: v for k, v in system.get_params().items() if k != "random_state"},
            selection=selection, validation_score=score,
            scores={k: v for k, v in res.scores.items() if isinstance(v, (int, float))},
            signature=res.signature,
            seconds={"fit": round(t_fit, 3), "predict": round(t_pred + t_test, 3)}))
    return result
