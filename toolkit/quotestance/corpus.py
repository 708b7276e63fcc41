"""The shipped corpus: its layout, typed loading, and the Hugging Face loader.

Layout of ``corpus/``::

    README.md                      dataset card (its YAML header declares the HF configs)
    VERSION, CHANGELOG.md, MANIFEST.sha256
    data/articles/{split}.jsonl    whole articles (the gold files)
    data/quotes/{split}.jsonl      one row per quote (generated from the articles)
    world/registry.jsonl           recurring entities of the constructed world
    sources/                       the authoring YAML files (``quotestance align``)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .incidents import Incident
from .labels import SPLITS
from .paths import corpus_dir
from .records import Article

ARTICLES = Path("data") / "articles"
QUOTES = Path("data") / "quotes"
VIEWS = ("articles", "quotes")


class CorpusError(Exception):
    """A corpus or file cannot be loaded; the message lists ``path:line: rule: message``."""


def split_file(split: str, root: str | os.PathLike[str] | None = None,
               view: str = "articles") -> Path:
    if split not in SPLITS:
        raise ValueError(f"The 'split' parameter must be one of {set(SPLITS)}. "
                         f"Got {split!r} instead.")
    base = Path(root) if root is not None else corpus_dir()
    return base / (ARTICLES if view == "articles" else QUOTES) / f"{split}.jsonl"


def corpus_version(root: str | os.PathLike[str] | None = None) -> str:
    base = Path(root) if root is not None else corpus_dir()
    try:
        return (base / "VERSION").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return "unknown"


def resolve_files(split: str | None = None, path: str | os.PathLike[str] | None = None
                  ) -> list[Path]:
    """The JSONL files meant by (split, path): a corpus folder, a file, or the shipped corpus.

    Paths are checked here, so a mistyped path is an error at once (never a Hub lookup).
    """
    if path is not None:
        p = Path(path)
        if p.is_file():
            return [p]
        if p.is_dir():
            splits = [split] if split else list(SPLITS)
            files = [split_file(s, p) for s in splits]
            missing = [str(f) for f in files if not f.is_file()]
            if missing:
                raise CorpusError(f"{p}: not a QuoteStance corpus folder "
                                  f"(missing {', '.join(missing)})")
            return files
        raise CorpusError(f"{path}: no such file or folder")
    splits = [split] if split else list(SPLITS)
    return [split_file(s) for s in splits]


def iter_article_dicts(files: list[Path], validate: bool = True) -> Iterator[dict[str, Any]]:
    """Article dicts from files; with ``validate`` every article is checked first and the
    first errors raise ``CorpusError``."""
    from .jsonl import InputError, iter_objects, read_lines
    from .validate import check_article

    for f in files:
        if not validate:
            try:
                for ln in iter_objects([f]):
                    yield ln.obj
            except InputError as e:
                raise CorpusError(str(e)) from None
            continue
        incidents: list[Incident] = []
        try:
            for ln in read_lines(f, incidents):
                if not check_article(ln.obj, ln.path, ln.lineno, incidents):
                    break
                yield ln.obj
        except InputError as e:
            raise CorpusError(str(e)) from None
        errors = [i for i in incidents if i.level == "error"]
        if errors:
            more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
            raise CorpusError("invalid input; run `quotestance validate` for all findings:\n"
                              + "\n".join(i.render() for i in errors[:5]) + more)


def load_corpus(split: str | None = None, path: str | os.PathLike[str] | None = None,
                validate: bool = True) -> list[Article]:
    """Typed article records of a split (or all splits) of the shipped corpus, of a corpus
    folder, or of one JSONL file (``path``)."""
    return [Article.from_dict(d) for d in iter_article_dicts(resolve_files(split, path), validate)]


def load_hf(view: str = "articles", path: str | os.PathLike[str] | None = None,
            splits: tuple[str, ...] = SPLITS) -> Any:
    """A ``datasets.DatasetDict`` of a view (``articles`` or ``quotes``) of the corpus.

    Built in memory from the validated JSONL, so it is never stale after the corpus changes
    (the ``datasets`` cache keys local YAML configs on paths, not content) and never coerces
    invalid values silently. A single JSONL file (``path``) becomes one ``train`` split, as
    with ``datasets.load_dataset("json", data_files=path)``.
    """
    import datasets

    from .format import hf_features, quote_rows

    if view not in VIEWS:
        raise ValueError(f"The 'view' parameter must be one of {set(VIEWS)}. Got {view!r} instead.")
    features = hf_features(view)
    single = resolve_files(None, path) if path is not None and not Path(path).is_dir() else None
    out = {}
    for s in ("train",) if single else splits:
        rows: list[dict[str, Any]] = []
        for d in iter_article_dicts(single or resolve_files(s, path)):
            if view == "articles":
                rows.append(d)
            else:
                rows.extend(quote_rows(d))
        out[s] = datasets.Dataset.from_list(rows, features=features)
    return datasets.DatasetDict(out)
