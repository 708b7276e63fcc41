"""QuoteStance: a news corpus of quotations, their speakers and their stance, with tools.

Public API (imported lazily so the command line starts fast)::

    from quotestance import load_corpus, load_hf, validate_files, Article
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "load_corpus": ("corpus", "load_corpus"),
    "load_hf": ("corpus", "load_hf"),
    "CorpusError": ("corpus", "CorpusError"),
    "validate_files": ("validate", "validate_files"),
    "validate_corpus": ("corpus_checks", "validate_corpus"),
    "align_paths": ("align", "align_paths"),
    "Article": ("records", "Article"),
    "Quote": ("records", "Quote"),
    "Entity": ("records", "Entity"),
    "Target": ("records", "Target"),
    "Stance": ("records", "Stance"),
    "Span": ("records", "Span"),
    "Incident": ("incidents", "Incident"),
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        mod, attr = _LAZY[name]
        return getattr(importlib.import_module(f".{mod}", __name__), attr)
    raise AttributeError(f"module 'quotestance' has no attribute {name!r}")
