"""``evaluate`` and ``agreement``: thin commands over ``quotestance.evaluation``."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any, Optional

import typer

from .common import EXIT_FINDINGS, FORMATS, check_choice, emit, fail, log

TASK_CHOICES = ("quotes", "speakers", "stance", "e2e", "all")
DEFAULT_COMPARE_SAMPLES = 1000
MAX_BOOTSTRAP = 100_000
"""Upper bound of --bootstrap: more samples add nothing to an interval and would run for days."""


def register(app: typer.Typer) -> None:
    app.command("evaluate")(evaluate)
    app.command("agreement")(agreement)


def _file_version(p: Path) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return "file:" + h.hexdigest()[:12]


def _resolve_gold(gold: str, split: Optional[str]) -> tuple[list[Path], str | None, str]:
    """(files, split label or None to infer, corpus version) of the GOLD argument."""
    from ..corpus import CorpusError, corpus_version, resolve_files
    from ..labels import SPLITS

    p = Path(gold)
    if gold in SPLITS and not p.exists():
        files = resolve_files(gold)
        if not files[0].is_file():
            fail(f"the shipped corpus has no {gold} split yet ({files[0]}); give a gold JSONL "
                 "file or corpus folder instead", EXIT_FINDINGS)
        return files, gold, corpus_version()
    if p.is_dir():
        s = split or "test"
        try:
            return resolve_files(s, p), s, corpus_version(p)
        except (CorpusError, ValueError) as e:
            fail(str(e))
    if p.is_file():
        parts = p.resolve().parts
        if len(parts) >= 4 and parts[-3:-1] == ("data", "articles") and \
                p.stem in SPLITS and (p.resolve().parents[2] / "VERSION").is_file():
            return [p], p.stem, corpus_version(p.resolve().parents[2])
        return [p], None, _file_version(p)
    fail(f"{gold}: no such file or folder, and not a split name ({', '.join(SPLITS)})")


def _load_gold(files: list[Path]) -> list[dict[str, Any]]:
    from ..corpus import CorpusError, iter_article_dicts

    try:
        return list(iter_article_dicts(files))
    except CorpusError as e:
        fail(f"gold: {e}", EXIT_FINDINGS)


def _check_gold(files: list[Path], jobs: int = 1, splits: bool = True) -> set[Any]:
    """Check every gold article before anything is scored (a broken gold file is reported
    first) and collect their ``split`` fields, without holding the articles: the scorer then
    streams them (``_stream_gold``), so memory does not grow with the gold."""
    from ..corpus import CorpusError, iter_article_dicts

    if jobs > 1:  # check in parallel; on any finding, check in one process for the same message
        from ..jsonl import InputError
        from ..validate import validate_files

        try:
            ok = validate_files(files, jobs=jobs).ok
        except InputError:
            ok = False
        if ok:
            return {d.get("split") for d in iter_article_dicts(files, validate=False)} \
                if splits else set()
    try:
        return {d.get("split") for d in iter_article_dicts(files)}
    except CorpusError as e:
        fail(f"gold: {e}", EXIT_FINDINGS)


def _stream_gold(files: list[Path]):
    from ..corpus import iter_article_dicts

    return iter_article_dicts(files, validate=False)  # checked by _check_gold


def _split_of(splits: set[Any]) -> str:
    if len(splits) == 1 and None not in splits:
        return str(next(iter(splits)))
    return "mixed" if len(splits - {None}) > 1 else "custom"


def _infer_split(gold: list[dict[str, Any]]) -> str:
    return _split_of({g.get("split") for g in gold})


def _load_pred(path: Path):
    from ..evaluation import PredictionError, load_predictions
    from ..jsonl import InputError

    try:
        return load_predictions(path)
    except InputError as e:
        fail(str(e))
    except PredictionError as e:
        print(str(e), file=sys.stderr)
        fail(f"{path}: {len(e.messages)} problem(s) in the predictions; nothing scored",
             EXIT_FINDINGS)


MIN_BOOTSTRAP_ARTICLES = 30


def _warn_small(n: int, bootstrap: int) -> None:
    if bootstrap and n < MIN_BOOTSTRAP_ARTICLES:
        log(f"warning: the bootstrap resamples only {n} article(s); with fewer than "
            f"{MIN_BOOTSTRAP_ARTICLES} its intervals and p-values are not reliable")


def _parse_tasks(task: str) -> tuple[str, ...]:
    names = [t.strip() for t in task.split(",") if t.strip()]
    for t in names:
        check_choice("--task", t, TASK_CHOICES)
    if not names or "all" in names:
        return ("quotes", "speakers", "stance", "e2e")
    return tuple(names)


def evaluate(
    gold: str = typer.Argument(..., help="Gold articles: a split name of the shipped corpus "
                                         "(train, validation, test), a corpus folder, or a "
                                         "JSONL file."),
    pred: Path = typer.Argument(..., help="Predictions (JSONL, the article format restricted "
                                          "to what a system predicts; docs/scoring.md)."),
    task: str = typer.Option("all", "--task", "-t",
                             help="quotes, speakers, stance, e2e or all (comma-separated list "
                                  "allowed)."),
    fmt: str = typer.Option("text", "--format", "-f", help="text, json or markdown."),
    bootstrap: int = typer.Option(0, "--bootstrap", "-b", min=0, max=MAX_BOOTSTRAP,
                                  help="Bootstrap samples for 95% confidence intervals "
                                       "(resampling articles); 0 = none."),
    seed: int = typer.Option(12345, "--seed", min=0, help="Seed of the bootstrap."),
    compare: Optional[Path] = typer.Option(None, "--compare",
                                           help="A second prediction file: paired bootstrap "
                                                "test of PRED against it."),
    match: str = typer.Option("exact", "--match",
                              help="How predicted quotes are paired with gold ones for the "
                                   "speakers, stance and e2e tasks: exact or iou50."),
    split: Optional[str] = typer.Option(None, "--split",
                                        help="Split of a corpus folder GOLD (default test)."),
    confidence: float = typer.Option(0.95, "--confidence", help="Confidence level of the CIs."),
    strict: bool = typer.Option(False, "--strict",
                                help="Exit 1 when a gold article has no prediction."),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Write the result here instead of stdout."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1,
                             help="Worker processes (same result as one)."),
) -> None:
    """Score predictions against gold: quotes, speakers, stance, end to end.

    Results go to stdout (or --output), notes to stderr. Exit 0 on success, 1 when the gold or
    the predictions have errors (each printed as path:line: what), 2 on usage errors.
    """
    from ..evaluation import PredictionError, evaluate_articles
    from ..labels import SPLITS

    check_choice("--format", fmt, FORMATS)
    check_choice("--match", match, ("exact", "iou50"))
    if split is not None:
        check_choice("--split", split, SPLITS)
    if not 0 < confidence < 1:
        fail(f"--confidence must be between 0 and 1; got {confidence}")
    tasks = _parse_tasks(task)
    files, split_label, version = _resolve_gold(gold, split)
    inputs = [*files, pred, *([compare] if compare else [])]
    if compare is not None and not bootstrap:
        bootstrap = DEFAULT_COMPARE_SAMPLES
        log(f"note: --compare without --bootstrap: using {bootstrap} bootstrap samples")
    splits = _check_gold(files, jobs, splits=split_label is None)
    predictions = _load_pred(pred)
    other = _load_pred(compare) if compare is not None else None
    from ..corpus import CorpusError

    try:
        res = evaluate_articles(_stream_gold(files), predictions, tasks, match=match,
                                bootstrap=bootstrap, seed=seed,
                                split=split_label or _split_of(splits),
                                corpus_version=version, compare=other,
                                names=(pred.name, compare.name if compare else "other"),
                                confidence=confidence, jobs=jobs)
    except PredictionError as e:
        print(str(e), file=sys.stderr)
        fail(f"{len(e.messages)} problem(s) in the predictions; nothing scored", EXIT_FINDINGS)
    except (ValueError, CorpusError) as e:
        fail(str(e), EXIT_FINDINGS)
    missing = res.articles["missing"]
    _warn_small(res.articles["scored"], bootstrap)
    log(f"scored {res.articles['gold']} gold article(s) against {res.articles['predicted']} "
        f"prediction(s) from {pred}")
    if missing:
        log(f"note: {len(missing)} gold article(s) have no prediction and count as empty: "
            + ", ".join(missing[:5]) + (" …" if len(missing) > 5 else ""))
    emit(res.render(fmt), output, inputs)
    if strict and missing:
        raise typer.Exit(EXIT_FINDINGS)


def agreement(
    a: Path = typer.Argument(..., help="Annotator A's articles (JSONL, the article format)."),
    b: Path = typer.Argument(..., help="Annotator B's articles (JSONL) of the same texts."),
    fmt: str = typer.Option("text", "--format", "-f", help="text, json or markdown."),
    bootstrap: int = typer.Option(0, "--bootstrap", "-b", min=0, max=MAX_BOOTSTRAP,
                                  help="Bootstrap samples for confidence intervals; 0 = none."),
    seed: int = typer.Option(12345, "--seed", min=0, help="Seed of the bootstrap."),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Write the result here instead of stdout."),
) -> None:
    """Inter-annotator agreement between two annotations of the same articles.

    Uses the evaluation scorer (B against A) on the articles both files hold: span F1 (exact,
    partial, IoU>=0.5), speaker agreement on quotes both marked, and for stance Cohen's kappa
    and Krippendorff's alpha (nominal) on (quote, target) pairs both labelled.
    """
    from ..evaluation import PredictionError
    from ..evaluation.scorer import agreement_articles

    check_choice("--format", fmt, FORMATS)
    for p in (a, b):
        if not p.is_file():
            fail(f"{p}: no such file")
    gold = _load_gold([a])
    _load_gold([b])  # B must be valid articles too
    other = _load_pred(b)
    try:
        res = agreement_articles(gold, other, bootstrap=bootstrap, seed=seed,
                                 split=_infer_split(gold), corpus_version=_file_version(a))
    except PredictionError as e:
        print(str(e), file=sys.stderr)
        fail(f"{len(e.messages)} problem(s) in {b}; nothing scored", EXIT_FINDINGS)
    arts = res.articles
    _warn_small(arts["scored"], bootstrap)
    log(f"compared {arts['scored']} article(s) present in both files")
    if arts["only_in_a"] or arts["only_in_b"]:
        log(f"note: {len(arts['only_in_a'])} article(s) only in {a}, "
            f"{len(arts['only_in_b'])} only in {b}; not scored")
    emit(res.render(fmt), output, [a, b])
