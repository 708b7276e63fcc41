"""Interchange with annotation tools: Label Studio (export tasks, import the full JSON export),
brat standoff (export), and doccano / INCEpTION-style span JSONL (import, UTF-16 aware).

Every importer checks each span against ``text[start:end]`` and returns records that the
validator accepts, or problems of the form ``path: task N (article ID), region R: what``.
"""

from __future__ import annotations

from .offsets import ImportResult, InterchangeError

__all__ = ["ImportResult", "InterchangeError"]
