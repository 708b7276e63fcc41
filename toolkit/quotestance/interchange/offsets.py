"""Offsets of other tools, and the result type shared by the importers.

Our offsets are Python string offsets (code points). Label Studio and brat count code points
too; tools written in JavaScript or Java (doccano, INCEpTION/WebAnno JSON) may count UTF-16 code
units, which differ after every character outside the Basic Multilingual Plane (emoji, some CJK).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any


class InterchangeError(Exception):
    """An export file cannot be read at all (not JSON, wrong shape). Text: ``path: what``."""


@dataclass
class ImportResult:
    """Articles rebuilt from a tool's export, and what could not be rebuilt.

    ``articles`` holds only records the validator accepts; ``problems`` one line per finding,
    each naming the file, the task and the region; ``notes`` things worth knowing that are not
    errors (tasks without annotation, offsets converted from UTF-16).
    """

    articles: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class Utf16Index:
    """Convert between code-point offsets and UTF-16 code-unit offsets of one text."""

    __slots__ = ("text", "_astral")

    def __init__(self, text: str):
        self.text = text
        # code-point positions of characters that take two UTF-16 units
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]

    @property
    def same(self) -> bool:
        """True when both counts agree everywhere (no astral characters)."""
        return not self._astral

    def to_utf16(self, cp: int) -> int:
        return cp + bisect_right(self._astral, cp - 1)

    def from_utf16(self, u: int) -> int | None:
        """Code-point offset of UTF-16 offset ``u``; None when ``u`` splits a surrogate pair."""
        # every astral char before the answer adds one unit: search on cp + count <= u
        lo, hi = 0, len(self.text)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.to_utf16(mid) <= u:
                lo = mid
            else:
                hi = mid - 1
        return lo if self.to_utf16(lo) == u else None


def resolve_span(text: str, start: Any, end: Any, quoted: str | None,
                 index: Utf16Index | None = None) -> tuple[int, int, str | None]:
    """Check a span from a tool; return ``(start, end, note)`` in code points or raise ValueError.

    ``quoted`` is the text the tool says the span covers (None if it gives none). When the
    code-point reading does not match it but the UTF-16 reading does, the converted offsets
    are returned with a note.
    """
    if type(start) is not int or type(end) is not int:
        raise ValueError(f"offsets must be integers, got start={start!r} end={end!r}")
    n = len(text)
    cp_ok = 0 <= start < end <= n and (quoted is None or text[start:end] == quoted)
    if cp_ok:
        return start, end, None
    index = index or Utf16Index(text)
    if not index.same:
        s, e = index.from_utf16(start), index.from_utf16(end)
        if s is not None and e is not None and s < e and (quoted is None or text[s:e] == quoted):
            return s, e, (f"offsets [{start}, {end}) read as UTF-16 code units = "
                          f"code points [{s}, {e})")
    if not (0 <= start < end):
        raise ValueError(f"span [{start}, {end}) is empty or reversed")
    if end > n:
        raise ValueError(f"span [{start}, {end}) lies outside the text (length {n})")
    raise ValueError(f"region text {_short(quoted)} differs from text[{start}:{end}] = "
                     f"{_short(text[start:end])}")


def _short(v: Any, n: int = 50) -> str:
    s = repr(v)
    return s if len(s) <= n else s[: n - 1] + "…"
