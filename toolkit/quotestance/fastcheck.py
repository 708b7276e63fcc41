"""The validator's fast path: yes/no checks generated from the record types.

Most articles are valid, so the validator first asks these functions, which return at the first
problem without building any message; only an article they reject goes through the detailed
checks in ``validate.py`` that explain every finding. The structural checker is Python source
generated from ``records.py`` (one source of truth) and compiled once; ``tests/test_fastcheck.py``
checks that both paths agree on every invalid fixture and on generated mutations.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from . import records
from .format import field_kinds
from .labels import (CLOSING_MARKS, DETERMINERS, ISO_DATE, OPENING_MARKS, PRONOUNS,
                     target_category_ids)

_ISO = re.compile(ISO_DATE)


class _Gen:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.consts: dict[str, Any] = {}
        self.n = 0

    def var(self, stem: str) -> str:
        self.n += 1
        return f"{stem}{self.n}"

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def record(self, cls: type, obj: str, depth: int) -> None:
        kinds = field_kinds(cls)
        self.emit(depth, f"if type({obj}) is not dict or len({obj}) != {len(kinds)}: return -1")
        self.emit(depth, f"nk += {len(kinds)}")
        for name, kind in kinds:
            v = self.var("v")
            self.emit(depth, f"{v} = {obj}[{name!r}]")
            self.value(kind, v, depth, cls, name)

    def value(self, kind: tuple, v: str, depth: int, cls: type, name: str) -> None:
        tag = kind[0]
        if tag == "opt":
            self.emit(depth, f"if {v} is not None:")
            self.value(kind[1], v, depth + 1, cls, name)
            return
        if tag == "str":
            extra = f" or not {v}" if name in ("id", "name", "target") else ""
            self.emit(depth, f"if type({v}) is not str{extra}: return -1")
            if cls is records.Target and name == "category":
                self.consts["_CATS"] = target_category_ids()
                self.emit(depth, f"if {v} not in _CATS: return -1")
        elif tag == "int":
            self.emit(depth, f"if type({v}) is not int: return -1")
        elif tag == "enum":
            const = f"_E_{kind[1].__name__}"
            self.consts[const] = frozenset(m.value for m in kind[1])
            self.emit(depth, f"if type({v}) is not str or {v} not in {const}: return -1")
        elif tag == "list":
            self.emit(depth, f"if type({v}) is not list: return -1")
            x = self.var("x")
            self.emit(depth, f"for {x} in {v}:")
            if kind[1][0] == "record":
                self.record(kind[1][1], x, depth + 1)
            else:
                self.value(kind[1], x, depth + 1, cls, name)
        elif tag == "record":
            self.record(kind[1], v, depth)
        else:
            raise AssertionError(kind)


def structure_source() -> tuple[str, dict[str, Any]]:
    g = _Gen()
    g.emit(0, "def check_structure(o):")
    g.emit(1, "nk = 0")
    g.emit(1, "try:")
    g.record(records.Article, "o", 2)
    g.emit(1, "except KeyError:  # a field is missing (the length check let an unknown one in)")
    g.emit(2, "return -1")
    g.emit(1, "return nk")
    return "\n".join(g.lines) + "\n", g.consts


@lru_cache(maxsize=None)
def _compiled() -> Callable[[Any], int]:
    src, consts = structure_source()
    ns: dict[str, Any] = dict(consts)
    exec(compile(src, "<quotestance.fastcheck>", "exec"), ns)  # noqa: S102 - our own source
    return ns["check_structure"]


def check_structure(obj: Any) -> int:
    """Number of keys in the article when its structure is valid, else -1."""
    return _compiled()(obj)


def _span_ok(s: dict, text: str, n: int) -> bool:
    a, b, t = s["start"], s["end"], s["text"]
    return 0 <= a < b <= n and b - a == len(t) and text.startswith(t, a)


def _mention_ok(t: str, ent: dict) -> bool:
    """A speaker mention is the entity's name, an alias, a pronoun or a description."""
    if t == ent["name"] or t in ent["aliases"]:
        return True
    low = t.lower()
    if low in PRONOUNS or low.startswith(DETERMINERS):
        return True
    return low == ent["name"].lower() or any(low == a.lower() for a in ent["aliases"])


def check_semantics(o: dict, registry: frozenset[str] | None) -> bool:
    """True when the (structurally valid) article passes every semantic check without even a
    warning."""
    text = o["text"]
    n = len(text)
    pub = o["published"]
    if pub is not None and not _ISO.match(pub):
        return False
    ents: dict[str, dict] = {}
    for e in o["entities"]:
        ents[e["id"]] = e
        if registry is not None:
            kb = e["kb_id"]
            if kb and kb.startswith("QSW:") and kb not in registry:
                return False
    if len(ents) != len(o["entities"]):
        return False
    targets = {t["id"] for t in o["targets"]}
    if len(targets) != len(o["targets"]):
        return False
    quotes = o["quotes"]
    links: dict[str, str | None] = {}
    speakers: dict[str, str | None] = {}
    for q in quotes:
        links[q["id"]] = q["continues"]
        speakers[q["id"]] = q["speaker"]
        qs, qe = q["start"], q["end"]
        qt = q["text"]
        if not (0 <= qs < qe <= n and qe - qs == len(qt) and text.startswith(qt, qs)):
            return False
        if q["type"] == "direct" and (qt[0] not in OPENING_MARKS or qt[-1] not in CLOSING_MARKS):
            return False
        sp = q["speaker"]
        m = q["speaker_mention"]
        if sp is not None:
            ent = ents.get(sp)
            if ent is None:
                return False
            if m is not None:
                if not _span_ok(m, text, n) or not _mention_ok(m["text"], ent):
                    return False
                if qs <= m["start"] and m["end"] <= qe:
                    return False
        elif m is not None:
            return False
        c = q["cue"]
        if c is not None and not _span_ok(c, text, n):
            return False
        st = q["stances"]
        if st:
            seen = {s["target"] for s in st}
            if len(seen) != len(st) or not seen <= targets:
                return False
    if len(links) != len(quotes):
        return False
    for start, nxt in links.items():
        if nxt is None:
            continue
        if nxt in speakers and speakers[nxt] != speakers[start]:
            return False
        steps = 0
        while nxt is not None:
            if nxt not in links or nxt == start or steps > len(links):
                return False
            nxt = links[nxt]
            steps += 1
    return True
