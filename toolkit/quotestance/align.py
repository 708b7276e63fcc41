"""Authoring files (spans as strings) to corpus records (spans as code-point offsets).

See ``schema/authoring.md``. ``align_file`` refuses missing and ambiguous matches with a message
naming the file, the quote and the string; what it returns always passes the validator.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .incidents import Incident
from .records import canonical
from .validate import check_article

ARTICLE_KEYS = ("id", "text", "title", "outlet", "published", "language", "url", "source_id",
                "provenance", "split", "genre", "entities", "targets", "quotes", "annotation")
OPTIONAL_DEFAULTS: dict[str, Any] = {"outlet": None, "published": None, "language": "en",
                                     "url": None, "source_id": None, "split": None,
                                     "genre": None}
QUOTE_KEYS = ("id", "text", "occurrence", "start", "end", "type", "speaker", "speaker_mention",
              "cue", "continues", "stances")
ENTITY_KEYS = ("id", "name", "type", "aliases", "role", "affiliation", "kb_id")


@dataclass
class AlignResult:
    articles: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not any(i.level == "error" for i in self.incidents)


class AlignError(Exception):
    pass


def _load_yaml(path: Path) -> Any:
    if path.suffix == ".json":  # a corpus record (e.g. added by `corpus add`): plain JSON
        import json

        with open(path, encoding="utf-8") as f:
            return json.load(f)
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=loader)  # noqa: S506 - a safe loader


def _occurrences(text: str, s: str) -> list[int]:
    out, i = [], text.find(s)
    while i != -1:
        out.append(i)
        i = text.find(s, i + 1)
    return out


def _word_occurrences(text: str, s: str) -> list[int]:
    pat = re.compile(r"(?<!\w)" + re.escape(s) + r"(?!\w)")
    return [m.start() for m in pat.finditer(text)]


_MARKS = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "„": '"', "«": '"', "»": '"'})


def _given_offsets(text: str, spec: dict, where: str) -> tuple[int, int] | None:
    """Offsets written out (a record that is already aligned): checked, then kept."""
    a, b = spec.get("start"), spec.get("end")
    if a is None and b is None:
        return None
    if type(a) is not int or type(b) is not int or not 0 <= a < b <= len(text):
        raise AlignError(f"{where}: offsets [{a!r}, {b!r}) are not a span of the text")
    if text[a:b] != spec.get("text"):
        raise AlignError(f"{where}: text[{a}:{b}] = {_clip(text[a:b])} differs from "
                         f"{_clip(str(spec.get('text')))}")
    return a, b


def _quote_span(text: str, q: dict, where: str) -> tuple[int, int]:
    s = q.get("text")
    if not isinstance(s, str) or not s:
        raise AlignError(f"{where}: quote text is missing or not a string")
    given = _given_offsets(text, q, where)
    if given is not None:
        return given
    occ = _occurrences(text, s)
    n = q.get("occurrence")
    if not occ:
        hint = ""
        if _occurrences(text.translate(_MARKS), s.translate(_MARKS)):
            hint = " (it matches if curly and straight quotation marks are ignored: use the " \
                   "article's exact characters)"
        elif _occurrences(" ".join(text.split()), " ".join(s.split())):
            hint = " (it matches if white space is ignored: check line breaks and spaces)"
        raise AlignError(f"{where}: quote text {_clip(s)} does not occur in the article{hint}")
    if n is None:
        if len(occ) > 1:
            raise AlignError(f"{where}: quote text {_clip(s)} occurs {len(occ)} times; add "
                             f"`occurrence: N` (1 to {len(occ)})")
        return occ[0], occ[0] + len(s)
    if not isinstance(n, int) or not 1 <= n <= len(occ):
        raise AlignError(f"{where}: occurrence {n!r} of {_clip(s)}: it occurs {len(occ)} times")
    return occ[n - 1], occ[n - 1] + len(s)


def _paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line: blank lines do not count as paragraphs."""
    out, start = [], 0
    for m in re.finditer(r"\n", text):
        if text[start:m.start()].strip():
            out.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        out.append((start, len(text)))
    return out


def _near_span(text: str, spec: Any, qs: int, qe: int, paras: list[tuple[int, int]],
               where: str, anchor: tuple[int, int] | None = None) -> dict[str, Any] | None:
    """Resolve a mention or cue string near the quote [qs, qe). Distances are measured to
    ``anchor`` when given (the cue is looked up next to the resolved mention)."""
    if spec is None:
        return None
    if isinstance(spec, dict):
        given = _given_offsets(text, spec, where)
        if given is not None:
            return {"start": given[0], "end": given[1], "text": text[given[0]:given[1]]}
        s, n = spec.get("text"), spec.get("occurrence")
    else:
        s, n = spec, None
    if not isinstance(s, str) or not s:
        raise AlignError(f"{where}: expected a string or {{text, occurrence}}, got {spec!r}")
    occ = _word_occurrences(text, s)
    if not occ:
        raise AlignError(f"{where}: {_clip(s)} does not occur in the article as a whole word")
    if n is not None:
        if not isinstance(n, int) or not 1 <= n <= len(occ):
            raise AlignError(f"{where}: occurrence {n!r} of {_clip(s)}: it occurs "
                             f"{len(occ)} times as a whole word")
        a = occ[n - 1]
        return {"start": a, "end": a + len(s), "text": s}
    first = next((i for i, (a, b) in enumerate(paras) if b >= qs), len(paras) - 1)
    last = next((i for i, (a, b) in enumerate(paras) if b >= qe), len(paras) - 1)
    lo = paras[max(0, first - 1)][0]
    hi = paras[min(len(paras) - 1, last + 1)][1]
    own_lo, own_hi = paras[first][0], paras[last][1]
    cands = []
    for a in occ:
        b = a + len(s)
        if a < lo or b > hi or (a < qe and b > qs):
            continue
        ax, ay = anchor or (qs, qe)
        dist = ax - b if b <= ax else max(0, a - ay)
        outside = 0 if own_lo <= a and b <= own_hi else 1  # the quote's own paragraphs first
        cands.append((outside, dist, a))
    if not cands:
        raise AlignError(f"{where}: {_clip(s)} does not occur outside the quote in its "
                         f"paragraph or the paragraphs around it; give `occurrence: N`")
    cands.sort()
    if len(cands) > 1 and cands[0][:2] == cands[1][:2]:
        raise AlignError(f"{where}: {_clip(s)} occurs equally near the quote on both sides; "
                         f"give `occurrence: N`")
    a = cands[0][2]
    return {"start": a, "end": a + len(s), "text": s}


def _clip(s: str, n: int = 60) -> str:
    return repr(s) if len(s) <= n else repr(s[: n - 1] + "…")


def align_document(doc: Any, where: str) -> tuple[dict[str, Any] | None, list[str]]:
    """One authoring document to one article dict, or None and the problems found."""
    problems: list[str] = []
    if not isinstance(doc, dict):
        return None, [f"{where}: expected a mapping of article fields, got {type(doc).__name__}"]
    for k in doc:
        if k not in ARTICLE_KEYS:
            problems.append(f"{where}: unknown field {k!r}")
    text = doc.get("text")
    if not isinstance(text, str) or not text:
        return None, problems + [f"{where}: `text` is missing or empty"]
    art: dict[str, Any] = {"id": doc.get("id"), "text": text, "title": doc.get("title")}
    for k, default in OPTIONAL_DEFAULTS.items():
        v = doc.get(k, default)
        if isinstance(v, (_dt.date, _dt.datetime)):
            v = v.isoformat()
        art[k] = v
    art["provenance"] = doc.get("provenance", "constructed")
    art["entities"] = []
    for i, e in enumerate(doc.get("entities") or []):
        if not isinstance(e, dict):
            problems.append(f"{where}: entities[{i}] is not a mapping")
            continue
        for k in e:
            if k not in ENTITY_KEYS:
                problems.append(f"{where}: entities[{i}] ({e.get('id')}): unknown field {k!r}")
        art["entities"].append({"id": e.get("id"), "name": e.get("name"), "type": e.get("type"),
                                "aliases": list(e.get("aliases") or []),
                                "role": e.get("role"), "affiliation": e.get("affiliation"),
                                "kb_id": e.get("kb_id")})
    art["targets"] = [{"id": t.get("id"), "name": t.get("name"), "category": t.get("category")}
                      if isinstance(t, dict) else t for t in doc.get("targets") or []]
    paras = _paragraph_bounds(text)
    quotes = []
    for i, q in enumerate(doc.get("quotes") or []):
        qw = f"{where}: quotes[{i}]"
        if not isinstance(q, dict):
            problems.append(f"{qw}: not a mapping")
            continue
        qw = f"{qw} ({q.get('id')})"
        for k in q:
            if k not in QUOTE_KEYS:
                problems.append(f"{qw}: unknown field {k!r}")
        try:
            qs, qe = _quote_span(text, q, qw)
            mention = _near_span(text, q.get("speaker_mention"), qs, qe, paras,
                                 f"{qw} speaker_mention")
            anchor = (mention["start"], mention["end"]) if mention else None
            cue = _near_span(text, q.get("cue"), qs, qe, paras, f"{qw} cue", anchor)
        except AlignError as e:
            problems.append(str(e))
            continue
        quotes.append({"id": q.get("id"), "start": qs, "end": qe, "text": text[qs:qe],
                       "type": q.get("type"), "speaker": q.get("speaker"),
                       "speaker_mention": mention, "cue": cue,
                       "continues": q.get("continues"),
                       "stances": [dict(s) if isinstance(s, dict) else s
                                   for s in q.get("stances") or []]})
    quotes.sort(key=lambda x: (x["start"], x["end"]))
    art["quotes"] = quotes
    ann = doc.get("annotation") or {}
    art["annotation"] = {"guidelines": str(ann.get("guidelines", "1.0")),
                         "annotators": list(ann.get("annotators") or []),
                         "notes": ann.get("notes")}
    return art, problems


def align_paths(paths: list[str | os.PathLike[str]],
                registry: frozenset[str] | None = None) -> AlignResult:
    """Align every ``.yaml``/``.yml``/``.json`` authoring file under the given paths."""
    res = AlignResult()
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(x for x in p.rglob("*") if x.suffix in (".yaml", ".yml", ".json")))
        elif p.is_file():
            files.append(p)
        else:
            res.problems.append(f"{p}: no such file or folder")
    for f in files:
        try:
            doc = _load_yaml(f)
        except Exception as e:  # yaml.YAMLError, UnicodeDecodeError
            mark = getattr(e, "problem_mark", None)
            loc = f":{mark.line + 1}" if mark is not None else ""
            res.problems.append(f"{f}{loc}: cannot parse YAML: "
                                f"{getattr(e, 'problem', None) or e}")
            continue
        art, problems = align_document(doc, str(f))
        res.problems.extend(problems)
        if art is None:
            continue
        if check_article(art, str(f), 0, res.incidents, registry):
            res.articles.append(canonical(art))
    return res
