"""``validate``, ``align`` and ``stats``: commands over article files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from .common import EXIT_FINDINGS, check_choice, emit, fail, log


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
    app.command("align")(align)
    app.command("stats")(stats)


def _render_report(report, fmt: str, ignore: list[str]) -> str:
    from ..incidents import RULES

    incidents = [i for i in report.incidents if i.rule not in ignore]
    report.incidents = incidents
    if fmt == "json":
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n"
    lines = [i.render() for i in incidents]
    by_rule: dict[str, int] = {}
    for i in incidents:
        by_rule[i.rule] = by_rule.get(i.rule, 0) + 1
    if by_rule:
        lines.append("")
        lines.append("findings by rule:")
        for rule, n in sorted(by_rule.items()):
            lines.append(f"  {rule} ({RULES[rule][0]}) x{n}: {RULES[rule][1]}")
    verdict = "OK" if report.ok else "FAILED"
    lines.append(f"{verdict}: {report.files} file(s), {report.articles} article(s), "
                 f"{report.quotes} quote(s): {report.errors} error(s), "
                 f"{report.warnings} warning(s)")
    return "\n".join(lines) + "\n"


def validate(
    paths: list[Path] = typer.Argument(..., help="JSONL files of articles, or corpus folders."),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
    ignore: list[str] = typer.Option([], "--ignore", help="Rule id to leave out (repeatable)."),
    no_checksums: bool = typer.Option(False, "--no-checksums",
                                      help="Corpus folders: skip the manifest check."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 on warnings too."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1,
                             help="Processes for article files (same output as one)."),
    engine: str = typer.Option("local", "--engine",
                               help="local, or dask: one task per file (a sharded archive)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                            help="Dask scheduler address (default: a local "
                                                 "cluster of --jobs workers)."),
) -> None:
    """Check article files (or a corpus folder) and report every finding.

    Exit 0 when clean, 1 when there are errors, 2 on usage errors.
    """
    from ..corpus_checks import is_corpus_dir, validate_corpus
    from ..incidents import RULES
    from ..jsonl import InputError
    from ..validate import Report, validate_files

    check_choice("--format", fmt, ("text", "json"))
    check_choice("--engine", engine, ("local", "dask"))
    for r in ignore:
        if r not in RULES:
            fail(f"unknown rule id {r!r} for --ignore (see `quotestance validate --help`)")
    total = Report()
    files: list[Path] = []
    for p in paths:
        if is_corpus_dir(p):
            rep = validate_corpus(p, check_checksums=not no_checksums)
            total.incidents += rep.incidents
            total.files += rep.files
            total.articles += rep.articles
            total.quotes += rep.quotes
        elif p.is_dir():
            found = sorted(p.rglob("*.jsonl"))
            if not found:
                fail(f"{p}: a folder with no .jsonl files and no corpus layout (data/articles/)")
            files += found
        else:
            files.append(p)
    if files:
        try:
            if engine == "dask":
                from ..distributed import EngineError, validate_shards

                try:
                    rep = validate_shards(files, scheduler=scheduler, workers=max(jobs, 2))
                except EngineError as e:
                    fail(str(e))
            else:
                rep = validate_files(files, jobs=jobs)
        except InputError as e:
            fail(str(e))
        total.incidents += rep.incidents
        total.files += rep.files
        total.articles += rep.articles
        total.quotes += rep.quotes
    emit(_render_report(total, fmt, ignore), None)
    if not total.ok or (strict and total.warnings):
        raise typer.Exit(EXIT_FINDINGS)


def align(
    paths: list[Path] = typer.Argument(..., help="Authoring YAML files or folders of them."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="JSONL file to write."),
    check: bool = typer.Option(False, "--check", help="Only report problems; write nothing."),
    split: Optional[str] = typer.Option(None, "--split", help="Set this split on every article."),
) -> None:
    """Turn authoring files (spans as strings) into corpus records (code-point offsets).

    Refuses missing or ambiguous matches; writes only when everything aligns and validates.
    """
    from ..align import align_paths
    from ..corpus_checks import load_registry
    from ..jsonl import InputError, write_jsonl
    from ..labels import SPLITS
    from ..paths import corpus_dir

    if split is not None:
        check_choice("--split", split, SPLITS)
    if output is None and not check:
        fail("give --output FILE, or --check to only report problems")
    res = align_paths(paths, registry=load_registry(corpus_dir()))
    for msg in res.problems:
        print(msg)
    for inc in res.incidents:
        print(inc.render())
    n_err = len(res.problems) + sum(1 for i in res.incidents if i.level == "error")
    n_q = sum(len(a["quotes"]) for a in res.articles)
    log(f"{'OK' if res.ok else 'FAILED'}: {len(res.articles)} article(s) aligned, {n_q} "
        f"quote(s); {n_err} problem(s)")
    if not res.ok:
        raise typer.Exit(EXIT_FINDINGS)
    if output is not None and not check:
        if split is not None:
            for a in res.articles:
                a["split"] = split
        try:
            write_jsonl(output, res.articles, refuse=paths)
        except InputError as e:
            fail(str(e))
        log(f"wrote {output}")


def stats(
    paths: Optional[list[Path]] = typer.Argument(
        None, help="Corpus folder, JSONL files or authoring folders (default: shipped corpus)."),
    fmt: str = typer.Option("text", "--format", "-f", help="text, markdown or json."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file."),
) -> None:
    """Corpus statistics, per split, with the v1.0 variety quotas."""
    from ..align import align_paths
    from ..corpus import CorpusError, iter_article_dicts, resolve_files
    from ..stats import compute, render_text

    check_choice("--format", fmt, ("text", "json", "markdown"))
    articles = []
    try:
        for p in paths or [None]:
            if p is not None and (p.suffix in (".yaml", ".yml") or
                                  (p.is_dir() and any(p.rglob("*.yaml")) and
                                   not (p / "data").is_dir())):
                res = align_paths([p])
                if res.problems or res.incidents:
                    log(f"note: {len(res.problems) + len(res.incidents)} alignment problem(s) "
                        f"in {p}; run `quotestance align {p} --check`")
                articles += res.articles
            else:
                articles += list(iter_article_dicts(resolve_files(None, p)))
    except CorpusError as e:
        fail(str(e), EXIT_FINDINGS)
    s = compute(articles)
    if fmt == "json":
        text = json.dumps(s, indent=1, ensure_ascii=False) + "\n"
    else:
        text = render_text(s, markdown=fmt == "markdown")
    emit(text, output, tuple(paths or ()))
