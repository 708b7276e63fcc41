"""Where the shipped corpus and schema live, in a checkout and in an installed wheel."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def data_root() -> Path:
    """The folder holding ``corpus/`` and ``schema/``.

    An installed wheel carries them in ``quotestance/_data``; a source checkout (editable
    install or ``PYTHONPATH=toolkit``) has them two levels above the package.
    """
    packaged = _PKG / "_data"
    if (packaged / "schema").is_dir():
        return packaged
    checkout = _PKG.parent.parent
    if (checkout / "schema").is_dir():
        return checkout
    raise FileNotFoundError(
        f"cannot find the QuoteStance schema folder next to {_PKG}: reinstall the package"
    )


def schema_dir() -> Path:
    return data_root() / "schema"


def corpus_dir() -> Path:
    return data_root() / "corpus"
