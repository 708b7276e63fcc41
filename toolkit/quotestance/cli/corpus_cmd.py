"""``quotestance corpus build|add|manifest``: maintaining the corpus folder."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import EXIT_FINDINGS, fail, log

corpus_app = typer.Typer(help="Build the release files, add contributed articles, rewrite the "
                              "manifest.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(corpus_app, name="corpus")


def _root(root: Optional[Path]) -> Path:
    from ..paths import corpus_dir

    r = root or corpus_dir()
    if not r.is_dir():
        fail(f"{r}: no such corpus folder")
    return r


@corpus_app.command("build")
def build(
    root: Optional[Path] = typer.Option(None, "--corpus", help="Corpus folder (default: shipped)."),
    sources: Optional[Path] = typer.Option(None, "--sources", help="Authoring files folder."),
    assign_new: bool = typer.Option(False, "--assign-new",
                                    help="Assign splits to articles that have none yet."),
    drop_unsourced: bool = typer.Option(False, "--drop-unsourced",
                                        help="Drop data articles that have no source file."),
) -> None:
    """Align all authoring files and write data/, the quote view and the manifest."""
    from ..corpus import CorpusError
    from ..release import build as do_build

    r = _root(root)
    try:
        counts = do_build(r, sources or r / "sources", r / "splits.json", assign_new,
                          drop_unsourced)
    except CorpusError as e:
        fail(str(e), EXIT_FINDINGS)
    log("built: " + ", ".join(f"{s} {n}" for s, n in counts.items()))


@corpus_app.command("add")
def add(
    file: Path = typer.Argument(..., help="JSONL file of validated articles."),
    split: str = typer.Option(..., "--split", help="train, validation or test."),
    root: Optional[Path] = typer.Option(None, "--corpus", help="Corpus folder (default: shipped)."),
) -> None:
    """Add a contributor's articles to a split; refuses clashes, duplicates and leaks."""
    from ..corpus import CorpusError
    from ..jsonl import InputError
    from ..release import add as do_add

    r = _root(root)
    try:
        res = do_add(r, file, split)
    except (CorpusError, InputError) as e:
        fail(str(e))
    for p in res.problems:
        print(p)
    if res.problems:
        log(f"refused: {len(res.problems)} problem(s); the corpus is unchanged")
        raise typer.Exit(EXIT_FINDINGS)
    log(f"added {res.added} article(s) to {split}; views and manifest rewritten. Record the "
        f"change in CHANGELOG.md and bump VERSION (new articles: a minor version).")


@corpus_app.command("manifest")
def manifest(
    root: Optional[Path] = typer.Option(None, "--corpus", help="Corpus folder (default: shipped)."),
) -> None:
    """Regenerate the quote view from the articles and rewrite MANIFEST.sha256."""
    from ..corpus import CorpusError
    from ..corpus_checks import write_views_and_manifest

    try:
        counts = write_views_and_manifest(_root(root))
    except CorpusError as e:
        fail(str(e), EXIT_FINDINGS)
    log("quote rows: " + ", ".join(f"{s} {n}" for s, n in counts.items()))


@corpus_app.command("recover")
def recover(
    root: Optional[Path] = typer.Option(None, "--corpus", help="Corpus folder (default: shipped)."),
) -> None:
    """Finish a commit that a killed corpus command left half done (or clean its temp files)."""
    from ..staging import recover as do_recover

    log(do_recover(_root(root)) or "nothing to recover")
