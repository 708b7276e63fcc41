"""``show``, ``report``, ``overview`` (HTML pages) and ``export`` / ``import`` (annotation tools)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Optional

import typer

from .common import EXIT_FINDINGS, emit, fail, log

export_app = typer.Typer(help="Write articles for an annotation tool (Label Studio, brat).",
                         no_args_is_help=True, add_completion=False, rich_markup_mode=None)
import_app = typer.Typer(help="Read an annotation tool's export back into corpus records.",
                         no_args_is_help=True, add_completion=False, rich_markup_mode=None)


def register(app: typer.Typer) -> None:
    app.command("show")(show)
    app.command("report")(report)
    app.command("overview")(overview)
    app.add_typer(export_app, name="export")
    app.add_typer(import_app, name="import")
    export_app.command("labelstudio")(export_labelstudio)
    export_app.command("brat")(export_brat)
    import_app.command("labelstudio")(import_labelstudio)


def _articles(inputs: list[Path] | None, split: str | None = None) -> list[dict[str, Any]]:
    """Validated article dicts from files or corpus folders (default: the shipped corpus)."""
    from ..corpus import CorpusError, iter_article_dicts, resolve_files
    from ..labels import SPLITS

    if split is not None and split not in SPLITS:
        fail(f"The '--split' option must be one of {{{', '.join(SPLITS)}}}. Got {split!r} "
             "instead.")
    out: list[dict[str, Any]] = []
    try:
        for p in inputs or [None]:
            out += list(iter_article_dicts(resolve_files(split, p)))
    except CorpusError as e:
        fail(str(e), EXIT_FINDINGS)
    return out


def _html_out(text: str, output: Optional[Path], inputs: tuple[Path, ...]) -> None:
    if output is None and sys.stdout.isatty():
        log("note: writing HTML to the terminal; give -o FILE.html to save the page")
    emit(text, output, inputs)
    if output is not None:
        log(f"wrote {output}")


def show(
    article: str = typer.Argument(..., help="An article id of the corpus, or a JSONL file."),
    pred: Optional[Path] = typer.Option(None, "--pred", "-p",
                                        help="Predictions (JSONL): show gold and predictions "
                                             "side by side."),
    article_id: Optional[str] = typer.Option(None, "--id",
                                             help="Which article of a multi-article file."),
    corpus: Optional[Path] = typer.Option(None, "--corpus",
                                          help="Corpus folder or JSONL file to look the id up "
                                               "in (default: the shipped corpus)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="HTML file to write."),
) -> None:
    """One article as a self-contained HTML page: quotes by type, speakers, cues, stances.

    With --pred, gold and predictions side by side, misses and false alarms marked.
    """
    from ..views import render_article, render_comparison

    path = Path(article)
    if path.is_file():
        arts = _articles([path])
        wanted = article_id
    else:
        if path.suffix in (".jsonl", ".json") or "/" in article:
            fail(f"{article}: no such file")
        arts = _articles([corpus] if corpus else None)
        wanted = article
    if wanted is None:
        if len(arts) != 1:
            ids = ", ".join(a["id"] for a in arts[:10]) + (" ..." if len(arts) > 10 else "")
            fail(f"{article}: holds {len(arts)} articles; choose one with --id ({ids})")
        gold = arts[0]
    else:
        found = [a for a in arts if a["id"] == wanted]
        if not found:
            fail(f"no article with id {wanted!r} in "
                 f"{path if path.is_file() else (corpus or 'the shipped corpus')}",
                 EXIT_FINDINGS)
        gold = found[0]
    inputs: tuple[Path, ...] = (path,) if path.is_file() else ()
    if pred is None:
        html = render_article(gold)
    else:
        from ..evaluation.predictions import PredictionError

        obj, line = _prediction(pred, gold)
        inputs += (pred,)
        try:
            html = render_comparison(gold, obj, pred_name=pred.name, path=str(pred), line=line)
        except PredictionError as e:
            fail(str(e), EXIT_FINDINGS)
    _html_out(html, output, inputs)


def _prediction(pred: Path, gold: dict[str, Any]) -> tuple[Any, int]:
    """The prediction object for ``gold`` (by article id) and its line; the whole file must be
    well-formed JSONL (as for ``evaluate``) with at most one line for the article."""
    from ..evaluation.predictions import PredictionError
    from ..jsonl import InputError, read_lines

    incidents: list = []
    found: list[tuple[Any, int]] = []
    try:
        for ln in read_lines(pred, incidents, strict_json=True):
            if ln.obj.get("id") == gold["id"]:
                found.append((ln.obj, ln.lineno))
    except InputError as e:
        fail(str(e))
    errs = [i.render() for i in incidents
            if i.level == "error" and i.rule != "format.empty-file"]
    errs += [f"{pred}:{n}: duplicate article id {gold['id']!r} (first at {pred}:{found[0][1]})"
             for _, n in found[1:]]
    if errs:
        fail(str(PredictionError(errs)), EXIT_FINDINGS)
    if not found:
        fail(f"{pred}: no prediction for article {gold['id']!r}", EXIT_FINDINGS)
    return found[0]


def report(
    results: list[Path] = typer.Argument(..., help="JSON of `benchmark --output` or "
                                                   "`evaluate --format json` (one or more)."),
    title: str = typer.Option("QuoteStance results", "--title", help="Page title."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="HTML file to write."),
) -> None:
    """Results as a self-contained HTML page: leaderboard, charts, confusion matrix,
    per-category bars, signatures.

    Entries without a system name (evaluate output) are named after their file.
    """
    from ..views import find_entries, render_entries
    from ..views.report import ResultsError

    def no_constant(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON number")

    entries = []
    for path in results:
        try:
            data = json.loads(path.read_text(encoding="utf-8"), parse_constant=no_constant)
        except FileNotFoundError:
            fail(f"{path}: no such file")
        except IsADirectoryError:
            fail(f"{path}: is a directory, expected a JSON file")
        except (UnicodeDecodeError, ValueError) as e:
            fail(f"{path}: not a JSON document: {e}", EXIT_FINDINGS)
        try:
            found = find_entries(data, default_system=path.stem)
        except ResultsError as e:
            fail(f"{path}: {e}", EXIT_FINDINGS)
        if not found:
            log(f"warning: {path}: no score entries found (objects with a 'scores' field)")
        entries += found
    _html_out(render_entries(entries, title), output, tuple(results))


def overview(
    paths: Optional[list[Path]] = typer.Argument(
        None, help="Corpus folder or JSONL files (default: the shipped corpus)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="HTML file to write."),
) -> None:
    """Corpus statistics (what `stats` computes) as a self-contained HTML page of charts."""
    from ..corpus import corpus_version
    from ..stats import compute
    from ..views import render_overview

    arts = _articles(paths)
    version = corpus_version() if not paths else None
    _html_out(render_overview(compute(arts), version=version), output, tuple(paths or ()))


def export_labelstudio(
    inputs: list[Path] = typer.Argument(..., help="Article JSONL files or corpus folders."),
    output: Path = typer.Option(..., "--output", "-o", help="Task file to write (JSON)."),
    predictions: Optional[Path] = typer.Option(
        None, "--predictions", "-p", help="Articles (JSONL) whose quotes become "
                                          "pre-annotations, matched by article id; may be "
                                          "the input itself."),
    model_version: str = typer.Option("quotestance", "--model-version",
                                      help="Label of the pre-annotations in Label Studio."),
    strip: bool = typer.Option(False, "--strip-gold",
                               help="Leave the input's own quotes out (only text, entities, "
                                    "targets)."),
) -> None:
    """Label Studio tasks (one per article), optionally with pre-annotations.

    Create the Label Studio project with the labeling configuration schema/labelstudio.xml
    (its installed path is printed).
    """
    from ..interchange.labelstudio import config_path, export_tasks

    arts = _articles(inputs)
    preds = None
    if predictions is not None:
        preds = {a["id"]: a for a in _articles([predictions])}
        missing = [a["id"] for a in arts if a["id"] not in preds]
        if missing:
            log(f"note: {len(missing)} article(s) have no prediction: "
                f"{', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}")
    if strip:
        arts = [{**a, "quotes": []} for a in arts]
    try:
        tasks = export_tasks(arts, preds, model_version)
    except ValueError as e:
        fail(str(e), EXIT_FINDINGS)
    emit(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", output,
         tuple(inputs) + ((predictions,) if predictions else ()))
    n_pre = sum(1 for t in tasks if t.get("predictions"))
    log(f"wrote {output}: {len(tasks)} task(s), {n_pre} with pre-annotations; labeling "
        f"configuration: {config_path()}")


def export_brat(
    inputs: list[Path] = typer.Argument(..., help="Article JSONL files or corpus folders."),
    output: Path = typer.Option(..., "--output", "-o", help="Folder to write .txt/.ann into."),
) -> None:
    """brat standoff: ID.txt + ID.ann per article, with annotation.conf and visual.conf."""
    from ..interchange.brat import export_brat as write
    from ..jsonl import InputError

    if output.exists() and not output.is_dir():
        fail(f"{output}: exists and is not a folder")
    for p in inputs:
        if p.is_dir() and output.resolve() == p.resolve():
            fail(f"{output}: refusing to write into an input folder; choose another output")
    arts = _articles(inputs)
    try:
        written = write(arts, output)
    except InputError as e:
        fail(str(e))
    except OSError as e:
        fail(f"{output}: cannot write ({e.strerror or e})")
    log(f"wrote {len(written)} file(s) to {output}: {len(arts)} article(s)")


def import_labelstudio(
    export: Path = typer.Argument(..., help="Label Studio's full JSON export (not JSON_MIN)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Article JSONL to write."),
    use_predictions: bool = typer.Option(
        False, "--use-predictions", help="Read tasks without an annotation from their "
                                         "pre-annotation."),
    annotator: Optional[str] = typer.Option(None, "--annotator",
                                            help="Add this id to annotation.annotators."),
    keep_going: bool = typer.Option(False, "--keep-going",
                                    help="Write the valid articles even when some tasks fail."),
    check: bool = typer.Option(False, "--check", help="Only report problems; write nothing."),
) -> None:
    """Corpus records from Label Studio's full JSON export, every span checked.

    Only the full JSON export keeps relations (speaker and cue links); JSON_MIN, CSV and TSV
    are refused. Exit 1 when any task fails (nothing is written unless --keep-going).
    """
    from ..interchange.labelstudio import import_export, read_export
    from ..interchange.offsets import InterchangeError
    from ..jsonl import InputError, write_jsonl

    if output is None and not check:
        fail("give --output FILE, or --check to only report problems")
    try:
        tasks = read_export(export)
    except InterchangeError as e:
        fail(str(e), EXIT_FINDINGS)
    res = import_export(tasks, str(export), use_predictions, annotator)
    for m in res.problems:
        print(m)
    for m in res.notes:
        log(f"note: {m}")
    verdict = "OK" if res.ok else "FAILED"
    log(f"{verdict}: {len(tasks)} task(s), {len(res.articles)} article(s) rebuilt, "
        f"{sum(len(a['quotes']) for a in res.articles)} quote(s); "
        f"{len(res.problems)} problem(s)")
    if output is not None and not check and (res.ok or keep_going):
        try:
            write_jsonl(output, res.articles, refuse=[export])
        except InputError as e:
            fail(str(e))
        log(f"wrote {output}")
    if not res.ok:
        raise typer.Exit(EXIT_FINDINGS)
