"""The prediction format: parsing, checking against gold, and speaker/target resolution.

A prediction is the article format restricted to what a system predicts (docs/scoring.md):
an object with ``id`` and ``quotes``; each quote has ``start`` and ``end`` and optionally
``type``, a speaker (``speaker``: an entity id, or ``speaker_name``: free text matched against
the gold entity's name and aliases) and ``stances``. Every other field of the article format is
allowed and ignored, so any gold file is a valid prediction file. Unknown fields are errors.

When a prediction carries its own non-empty ``entities`` (or ``targets``) list, as a second
annotator's file does, its ``speaker`` (or stance ``target``) ids refer to that list and are
mapped to the gold article's entities (targets) by kb_id and name; otherwise they must be ids
of the gold article.
"""

from __future__ import annotations

import gc
import os
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..labels import QUOTE_TYPES, STANCE_LABELS
from ..validate import _JSON_TYPE

ARTICLE_FIELDS = frozenset(("id", "text", "title", "outlet", "published", "language", "url",
                            "source_id", "provenance", "split", "genre", "entities", "targets",
                            "quotes", "annotation"))
QUOTE_FIELDS = frozenset(("id", "start", "end", "text", "type", "speaker", "speaker_name",
                          "speaker_mention", "cue", "continues", "stances"))
UNRESOLVED = "\x00unresolved"
"""Resolved speaker or target of a name that matches no gold entity (never equal to an id)."""

MAX_MESSAGES = 20


class PredictionError(Exception):
    """Predictions that cannot be scored. ``messages`` holds every ``path:line: what``."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        shown = messages[:MAX_MESSAGES]
        more = len(messages) - len(shown)
        super().__init__("\n".join(shown) + (f"\n(and {more} more)" if more > 0 else ""))


@dataclass(frozen=True, slots=True)
class PredictedQuote:
    start: int
    end: int
    text: str | None
    type: str | None
    speaker: str | None
    speaker_name: str | None
    stances: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class PredictedArticle:
    """One parsed prediction and where it came from."""

    id: str
    quotes: tuple[PredictedQuote, ...]
    text: str | None = None
    entities: tuple[tuple[str, str, tuple[str, ...], str | None], ...] | None = None
    targets: tuple[tuple[str, str], ...] | None = None
    path: str = "<predictions>"
    line: int = 0

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


def _type_name(v: Any) -> str:
    return _JSON_TYPE.get(type(v), type(v).__name__)


def parse_prediction(obj: Any, path: str, line: int, errors: list[str]
                     ) -> PredictedArticle | None:
    """Structural checks of one prediction object; None (and messages) when unusable."""
    where = f"{path}:{line}" if line else path
    n0 = len(errors)

    def err(msg: str) -> None:
        errors.append(f"{where}: {msg}")

    if type(obj) is not dict:
        err(f"expected a JSON object, got {_type_name(obj)}")
        return None
    aid = obj.get("id")
    if type(aid) is not str or not aid:
        err(f"'id' must be a non-empty string (the gold article's id); got {aid!r}")
        return None
    for k in obj:
        if k not in ARTICLE_FIELDS:
            err(f"article {aid!r}: unknown field {k!r} (a prediction has 'id' and 'quotes'; "
                "other fields of the article format are allowed and ignored)")
    text = obj.get("text")
    if text is not None and type(text) is not str:
        err(f"article {aid!r}: 'text' must be a string, got {_type_name(text)}")
    quotes_raw = obj.get("quotes", ...)
    if quotes_raw is ...:
        err(f"article {aid!r}: missing field 'quotes' (use [] for an article with no quote)")
        return None
    if type(quotes_raw) is not list:
        err(f"article {aid!r}: 'quotes' must be an array, got {_type_name(quotes_raw)}")
        return None
    entities = _parse_list(obj.get("entities"), "entities", aid, err, _entity)
    targets = _parse_list(obj.get("targets"), "targets", aid, err, _target)
    quotes = []
    for k, q in enumerate(quotes_raw):
        pq = _parse_quote(q, f"article {aid!r} quotes[{k}]", err)
        if pq is not None:
            quotes.append(pq)
    if len(errors) > n0:
        return None
    return PredictedArticle(aid, tuple(quotes), text, entities, targets, path, line)


def _parse_quote(q: Any, jp: str, err) -> PredictedQuote | None:
    if type(q) is not dict:
        err(f"{jp}: expected an object, got {_type_name(q)}")
        return None
    ok = True
    if not q.keys() <= QUOTE_FIELDS:
        for k in q:
            if k not in QUOTE_FIELDS:
                err(f"{jp}: unknown field {k!r}")
                ok = False
    start, end = q.get("start"), q.get("end")
    for name, v in (("start", start), ("end", end)):
        if type(v) is not int:
            err(f"{jp}.{name}: expected an integer code-point offset, got {_type_name(v)} {v!r}")
            ok = False
    if ok and not 0 <= start < end:
        err(f"{jp}: span [{start}, {end}) is empty or negative (need 0 <= start < end)")
        ok = False
    text = q.get("text")
    if text is not None and type(text) is not str:
        err(f"{jp}.text: expected a string, got {_type_name(text)}")
        ok = False
    qtype = q.get("type")
    if qtype is not None and qtype not in QUOTE_TYPES:
        err(f"{jp}.type: must be one of {{{', '.join(QUOTE_TYPES)}}} or null; got {qtype!r}")
        ok = False
    speaker, name = q.get("speaker"), q.get("speaker_name")
    for fld, v in (("speaker", speaker), ("speaker_name", name)):
        if v is not None and (type(v) is not str or not v):
            err(f"{jp}.{fld}: expected a non-empty string or null, got {v!r}")
            ok = False
    if speaker is not None and name is not None:
        err(f"{jp}: give 'speaker' (an entity id) or 'speaker_name' (a name), not both")
        ok = False
    stances = []
    raw = q.get("stances")
    if raw is not None and type(raw) is not list:
        err(f"{jp}.stances: expected an array, got {_type_name(raw)}")
        ok = False
    seen: set[str] = set()
    for k, s in enumerate(raw if type(raw) is list else ()):
        sp = f"{jp}.stances[{k}]"
        if type(s) is not dict or set(s) != {"target", "label"}:
            err(f"{sp}: expected an object with exactly 'target' and 'label', got {s!r}")
            ok = False
            continue
        t, lab = s["target"], s["label"]
        if type(t) is not str or not t:
            err(f"{sp}.target: expected a target id, got {t!r}")
            ok = False
        elif t in seen:
            err(f"{sp}: two stances toward target {t!r} in one quote")
            ok = False
        if lab not in STANCE_LABELS:
            err(f"{sp}.label: must be one of {{{', '.join(STANCE_LABELS)}}}; got {lab!r}")
            ok = False
        if ok:
            seen.add(t)
            stances.append((t, lab))
    if not ok:
        return None
    return PredictedQuote(start, end, text, qtype, speaker, name, tuple(stances))


def _parse_list(raw: Any, field: str, aid: str, err, item):
    """A prediction's own ``entities`` or ``targets`` list (None when absent or empty): every
    element an object with string ``id`` and ``name``, then ``item(obj)`` gives its tuple, or a
    message when the element's other fields are wrong."""
    if raw is None or raw == []:
        return None
    if type(raw) is not list:
        err(f"article {aid!r}: {field!r} must be an array, got {_type_name(raw)}")
        return None
    out = []
    for k, e in enumerate(raw):
        if type(e) is not dict or type(e.get("id")) is not str or type(e.get("name")) is not str:
            err(f"article {aid!r} {field}[{k}]: expected an object with string 'id' and 'name'")
            continue
        r = item(e)
        if type(r) is str:
            err(f"article {aid!r} {field}[{k}]: {r}")
            continue
        out.append(r)
    return tuple(out)


def _entity(e: dict) -> tuple | str:
    aliases = e.get("aliases") or []
    kb = e.get("kb_id")
    if type(aliases) is not list or any(type(a) is not str for a in aliases) or \
            (kb is not None and type(kb) is not str):
        return "'aliases' must be strings, 'kb_id' a string or null"
    return (e["id"], e["name"], tuple(aliases), kb)


def _target(t: dict) -> tuple:
    return (t["id"], t["name"])


def iter_predictions(objs: Iterable[Any], path: str = "<predictions>",
                     errors: list[str] | None = None) -> Iterator[PredictedArticle]:
    """Parse prediction dicts (or pass ``PredictedArticle`` through); line = 1-based index."""
    errs = errors if errors is not None else []
    for n, obj in enumerate(objs, 1):
        if isinstance(obj, PredictedArticle):
            yield obj
            continue
        p = parse_prediction(obj, path, n, errs)
        if p is not None:
            yield p
    if errors is None and errs:
        raise PredictionError(errs)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while many acyclic objects are built: its full
    collections would otherwise make loading and scoring grow faster than linearly."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_predictions(path: str | os.PathLike[str]) -> list[PredictedArticle]:
    """Parse a prediction JSONL file; raise ``PredictionError`` listing every ``path:line``
    problem (bad JSON, duplicate keys, bad fields, duplicate article ids)."""
    from ..incidents import Incident
    from ..jsonl import read_lines

    incidents: list[Incident] = []
    errors: list[str] = []
    out: list[PredictedArticle] = []
    with paused_gc():
        for ln in read_lines(path, incidents, strict_json=True):
            p = parse_prediction(ln.obj, ln.path, ln.lineno, errors)
            if p is not None:
                out.append(p)
    bad = [i.render() for i in incidents if i.level == "error" and i.rule != "format.empty-file"]
    errors = bad + errors
    errors += duplicate_errors(out)
    if errors:
        raise PredictionError(errors)
    return out


def duplicate_errors(preds: Iterable[PredictedArticle]) -> list[str]:
    seen: dict[str, PredictedArticle] = {}
    out = []
    for p in preds:
        if p.id in seen:
            out.append(f"{p.where}: duplicate article id {p.id!r} (first at {seen[p.id].where})")
        else:
            seen[p.id] = p
    return out


# ---------------------------------------------------------------- resolution against gold

def norm_name(s: str) -> str:
    """Names compare after NFKC, curly apostrophes made straight, casefold, spaces collapsed."""
    s = unicodedata.normalize("NFKC", s).replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(s.casefold().split())


class GoldIndex:
    """Id sets and (built on first use) name lookups of one gold article."""

    __slots__ = ("entity_ids", "target_ids", "_gold", "_names", "_aliases", "_kb", "_tnames")

    def __init__(self, gold: dict[str, Any]):
        self._gold = gold
        self.entity_ids = {e["id"] for e in gold["entities"]}
        self.target_ids = {t["id"] for t in gold["targets"]}
        self._names: dict[str, set[str]] | None = None

    def _build(self) -> None:
        gold = self._gold
        self._names, self._aliases, self._kb, self._tnames = {}, {}, {}, {}
        for e in gold["entities"]:
            self._names.setdefault(norm_name(e["name"]), set()).add(e["id"])
            for a in (e["name"], *e["aliases"]):
                self._aliases.setdefault(norm_name(a), set()).add(e["id"])
            if e.get("kb_id"):
                self._kb.setdefault(e["kb_id"], set()).add(e["id"])
        for t in gold["targets"]:
            self._tnames.setdefault(norm_name(t["name"]), set()).add(t["id"])

    def entity_by_name(self, name: str) -> str:
        """Gold entity id for a free-text name: a unique canonical-name match, else a unique
        name-or-alias match, else ``UNRESOLVED``."""
        if self._names is None:
            self._build()
        key = norm_name(name)
        for table in (self._names, self._aliases):
            ids = table.get(key)
            if ids:
                return next(iter(ids)) if len(ids) == 1 else UNRESOLVED
        return UNRESOLVED

    def entity_for(self, name: str, aliases: tuple[str, ...], kb: str | None) -> str:
        """Gold entity id for another annotator's entity: by kb_id, then name, then aliases."""
        if self._names is None:
            self._build()
        if kb and len(self._kb.get(kb, ())) == 1:
            return next(iter(self._kb[kb]))
        r = self.entity_by_name(name)
        if r != UNRESOLVED:
            return r
        found = set()
        for a in aliases:
            found |= self._aliases.get(norm_name(a), set())
        return next(iter(found)) if len(found) == 1 else UNRESOLVED

    def target_for(self, name: str) -> str:
        if self._names is None:
            self._build()
        ids = self._tnames.get(norm_name(name))
        return next(iter(ids)) if ids and len(ids) == 1 else UNRESOLVED
