"""The validator: structural and semantic checks of article records, file by file.

``validate_files`` streams every file line by line (memory does not grow with file size) and
reports every finding as an ``Incident``; it never modifies its input. Corpus-wide checks
(splits, leakage, checksums) live in ``corpus_checks.py``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from . import records
from .format import field_kinds
from .incidents import Incident
from .fastcheck import _mention_ok, check_semantics, check_structure
from .jsonl import Line, find_duplicate_key, may_have_duplicate_keys, read_lines
from .labels import CLOSING_MARKS, ISO_DATE, OPENING_MARKS, target_category_ids

_ISO = re.compile(ISO_DATE)

_STR_KINDS = {"str": str, "int": int}


@dataclass
class Report:
    """Outcome of a validation run."""

    incidents: list[Incident] = field(default_factory=list)
    files: int = 0
    articles: int = 0
    quotes: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for i in self.incidents if i.level == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for i in self.incidents if i.level == "warning")

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def to_dict(self) -> dict[str, Any]:
        by_rule: dict[str, int] = {}
        for i in self.incidents:
            by_rule[i.rule] = by_rule.get(i.rule, 0) + 1
        return {"ok": self.ok, "files": self.files, "articles": self.articles,
                "quotes": self.quotes, "errors": self.errors, "warnings": self.warnings,
                "by_rule": dict(sorted(by_rule.items())),
                "incidents": [i.to_dict() for i in self.incidents]}


class _Ctx:
    __slots__ = ("path", "line", "aid", "out")

    def __init__(self, path: str, line: int, aid: str | None, out: list[Incident]):
        self.path, self.line, self.aid, self.out = path, line, aid, out

    def add(self, rule: str, message: str, json_path: str) -> None:
        self.out.append(Incident.error(rule, self.path, self.line, message, json_path, self.aid))


def _short(v: Any, n: int = 50) -> str:
    s = repr(v)
    return s if len(s) <= n else s[: n - 1] + "…"


_JSON_TYPE = {str: "string", int: "integer", float: "number", bool: "boolean",
              list: "array", dict: "object", type(None): "null"}


def _check_record(obj: Any, cls: type, jp: str, ctx: _Ctx) -> bool:
    """Structural check of one record against its dataclass. True when every field has the
    right JSON type, so the semantic checks can run (a bad label or category is reported but
    does not stop them)."""
    if type(obj) is not dict:
        ctx.add("field.type", f"expected an object, got {_JSON_TYPE.get(type(obj), '?')} "
                              f"{_short(obj)}", jp or "$")
        return False
    ok = True
    kinds = field_kinds(cls)
    for name, kind in kinds:
        p = f"{jp}.{name}" if jp else name
        if name not in obj:
            ctx.add("field.missing", f"missing field {name!r}", p)
            ok = False
            continue
        if not _check_value(obj[name], kind, p, ctx, cls, name):
            ok = False
    if len(obj) > len(kinds):
        known = {n for n, _ in kinds}
        for k in obj:
            if k not in known:
                ctx.add("field.unknown", f"unknown field {k!r}", f"{jp}.{k}" if jp else k)
    return ok


def _check_value(v: Any, kind: tuple, p: str, ctx: _Ctx, cls: type, name: str) -> bool:
    tag = kind[0]
    if tag == "opt":
        if v is None:
            return True
        kind = kind[1]
        tag = kind[0]
    elif v is None:
        ctx.add("field.type", f"{name!r} must not be null", p)
        return False
    if tag == "str":
        if type(v) is not str:
            ctx.add("field.type", f"expected a string, got {_JSON_TYPE.get(type(v), '?')} "
                                  f"{_short(v)}", p)
            return False
        if not v and name in ("id", "name", "target"):
            ctx.add("field.empty", f"{name!r} is an empty string", p)
            return True  # the type is right: semantic checks can still run
        if cls is records.Target and name == "category" and v not in target_category_ids():
            ctx.add("category.unknown", f"target category {v!r} is not in the registry "
                                        f"(schema/target_categories.json)", p)
        return True
    if tag == "int":
        if type(v) is float and abs(v) >= 2.0 ** 63:
            ctx.add("json.big-int", f"offset {v:.0f} does not fit in 64 bits (the JSON parser "
                                    "read it as a float)", p)
            return False
        if type(v) is not int:
            ctx.add("field.type", f"expected an integer offset, got "
                                  f"{_JSON_TYPE.get(type(v), '?')} {_short(v)}", p)
            return False
        return True
    if tag == "enum":
        if type(v) is not str:
            ctx.add("field.type", f"expected a string label, got {_short(v)}", p)
            return False
        if v not in kind[1]._value2member_map_:
            allowed = ", ".join(m.value for m in kind[1])
            ctx.add("label.unknown", f"{name!r} must be one of {{{allowed}}}; got {v!r}", p)
        return True
    if tag == "list":
        if type(v) is not list:
            ctx.add("field.type", f"expected an array, got {_JSON_TYPE.get(type(v), '?')} "
                                  f"{_short(v)}", p)
            return False
        inner = kind[1]
        ok = True
        if inner[0] == "record":
            for i, x in enumerate(v):
                ok = _check_record(x, inner[1], f"{p}[{i}]", ctx) and ok
        else:
            for i, x in enumerate(v):
                ok = _check_value(x, inner, f"{p}[{i}]", ctx, cls, name) and ok
        return ok
    if tag == "record":
        return _check_record(v, kind[1], p, ctx)
    raise AssertionError(kind)


def _check_span(s: dict, text: str, n: int, jp: str, ctx: _Ctx) -> bool:
    start, end = s["start"], s["end"]
    if start < 0 or end > n:
        ctx.add("span.bounds", f"span [{start}, {end}) lies outside the text (length {n})", jp)
        return False
    if start >= end:
        ctx.add("span.order", f"start {start} is not before end {end}", jp)
        return False
    if text[start:end] != s["text"]:
        ctx.add("span.text", f"text {_short(s['text'])} differs from text[{start}:{end}] = "
                             f"{_short(text[start:end])}{_offset_hint(text, s)}", jp)
        return False
    return True


def _offset_hint(text: str, s: dict) -> str:
    """Say so when the offsets are right in UTF-16 code units or UTF-8 bytes (other tools)."""
    start, end, want = s["start"], s["end"], s["text"]
    for enc, width, name in (("utf-16-le", 2, "UTF-16 code units"), ("utf-8", 1, "UTF-8 bytes")):
        raw = text.encode(enc, "surrogatepass")
        if raw[start * width:end * width].decode(enc, "replace") == want:
            return (f"; the offsets are right if counted in {name}: convert them to code points "
                    f"(Python string offsets)")
    return ""


def check_article(obj: dict, path: str, line: int, out: list[Incident],
                  registry: frozenset[str] | None = None) -> bool:
    """Check one article dict; append incidents to ``out``. True when it has no error."""
    return _check(obj, path, line, out, registry) >= 0


def _check(obj: Any, path: str, line: int, out: list[Incident],
           registry: frozenset[str] | None) -> int:
    """The article's key count when it is clean (fast path), 0 when it only has warnings,
    -1 when it has errors (the detailed checks then explain every finding)."""
    nk = check_structure(obj)
    if nk >= 0 and check_semantics(obj, registry):
        return nk
    if type(obj) is not dict:
        out.append(Incident.error("json.not-object", path, line, "expected a JSON object"))
        return -1
    return 0 if _check_detailed(obj, path, line, out, registry) else -1


def _check_detailed(obj: dict, path: str, line: int, out: list[Incident],
                    registry: frozenset[str] | None) -> bool:
    aid = obj.get("id") if type(obj.get("id")) is str else None
    ctx = _Ctx(path, line, aid, out)
    before = len(out)
    if not _check_record(obj, records.Article, "", ctx):
        return False
    text = obj["text"]
    n = len(text)
    pub = obj["published"]
    if pub is not None and not _ISO.match(pub):
        ctx.add("published.format", f"published {_short(pub)} is not an ISO 8601 date or "
                                    f"date-time", "published")
    ents: dict[str, dict] = {}
    for i, e in enumerate(obj["entities"]):
        if e["id"] in ents:
            ctx.add("id.duplicate", f"entity id {e['id']!r} is used twice", f"entities[{i}].id")
        ents[e["id"]] = e
        kb = e["kb_id"]
        if registry is not None and kb and kb.startswith("QSW:") and kb not in registry:
            ctx.add("kb.unknown", f"kb_id {kb!r} is not in the world registry",
                    f"entities[{i}].kb_id")
    targets: set[str] = set()
    for i, t in enumerate(obj["targets"]):
        if t["id"] in targets:
            ctx.add("id.duplicate", f"target id {t['id']!r} is used twice", f"targets[{i}].id")
        targets.add(t["id"])
    qids: dict[str, str | None] = {}
    for i, q in enumerate(obj["quotes"]):
        jp = f"quotes[{i}]"
        if q["id"] in qids:
            ctx.add("id.duplicate", f"quote id {q['id']!r} is used twice", f"{jp}.id")
        qids[q["id"]] = q["continues"]
        if _check_span(q, text, n, jp, ctx) and q["type"] == "direct" and \
                (q["text"][0] not in OPENING_MARKS or q["text"][-1] not in CLOSING_MARKS):
            ctx.add("quote.direct-marks", f"direct quote {_short(q['text'])} does not run from "
                                          f"an opening to a closing quotation mark", jp)
        sp = q["speaker"]
        if sp is not None and sp not in ents:
            ctx.add("ref.speaker", f"speaker {sp!r} is not an entity of the article "
                                   f"(entities: {', '.join(ents) or 'none'})", f"{jp}.speaker")
        m = q["speaker_mention"]
        if m is not None:
            if _check_span(m, text, n, f"{jp}.speaker_mention", ctx):
                if sp is None:
                    ctx.add("mention.without-speaker",
                            f"mention {_short(m['text'])} is given but speaker is null",
                            f"{jp}.speaker_mention")
                elif sp in ents and not _mention_ok(m["text"], ents[sp]):
                    ctx.add("mention.alias",
                            f"mention {_short(m['text'])} is not a name, alias, pronoun or "
                            f"description of {ents[sp]['name']!r}", f"{jp}.speaker_mention")
                if q["start"] <= m["start"] and m["end"] <= q["end"]:
                    ctx.add("mention.inside-quote", f"mention {_short(m['text'])} lies inside "
                                                    "its quote", f"{jp}.speaker_mention")
        c = q["cue"]
        if c is not None:
            _check_span(c, text, n, f"{jp}.cue", ctx)
        seen: set[str] = set()
        for k, s in enumerate(q["stances"]):
            tg = s["target"]
            if tg not in targets:
                ctx.add("ref.target", f"stance target {tg!r} is not a target of the article "
                                      f"(targets: {', '.join(sorted(targets)) or 'none'})",
                        f"{jp}.stances[{k}].target")
            if tg in seen:
                ctx.add("stance.duplicate", f"quote {q['id']!r} has two stances toward {tg!r}",
                        f"{jp}.stances[{k}]")
            seen.add(tg)
    by_id = {q["id"]: q for q in obj["quotes"]}
    for i, q in enumerate(obj["quotes"]):
        c = q["continues"]
        if c is not None and c not in qids:
            ctx.add("ref.continues", f"continues {c!r}: no such quote", f"quotes[{i}].continues")
        elif c is not None and by_id[c]["speaker"] != q["speaker"]:
            ctx.add("continues.speaker", f"quote {q['id']!r} continues {c!r} but its speaker is "
                                         f"{q['speaker']!r}, not {by_id[c]['speaker']!r}",
                    f"quotes[{i}].speaker")
    _check_cycles(qids, ctx)
    return not any(i.level == "error" for i in out[before:])


def _check_cycles(links: dict[str, str | None], ctx: _Ctx) -> None:
    done: set[str] = set()
    for start in links:
        path: list[str] = []
        on_path: set[str] = set()
        cur: str | None = start
        while cur is not None and cur in links and cur not in done:
            if cur in on_path:
                cyc = path[path.index(cur):] + [cur]
                ctx.add("continues.cycle", "continues links form a cycle: " + " -> ".join(cyc),
                        "quotes")
                break
            on_path.add(cur)
            path.append(cur)
            cur = links[cur]
        done.update(path)


def iter_checked(paths: Iterable[str | os.PathLike[str]], report: Report,
                 registry: frozenset[str] | None = None,
                 on_article: Callable[[Line, bool], None] | None = None,
                 ids: dict[str, tuple[str, int]] | None = None,
                 chunk: tuple[int, int] | None = None) -> Iterator[Line]:
    """Validate files as a stream, yielding each line after its checks. ``ids`` (article id ->
    where first seen) may be shared between calls to catch duplicates across them."""
    ids = {} if ids is None else ids
    for p in paths:
        report.files += 1
        for ln in read_lines(p, report.incidents, strict_json=False, chunk=chunk):
            obj = ln.obj
            nk = _check(obj, ln.path, ln.lineno, report.incidents, registry)
            ok = nk >= 0
            if may_have_duplicate_keys(ln.body, obj, nk if nk > 0 else None):
                dup = find_duplicate_key(ln.body)
                if dup is not None:
                    report.incidents.append(Incident.error(
                        "json.duplicate-key", ln.path, ln.lineno,
                        f"key {dup!r} appears twice in one object; which value counts is "
                        f"undefined"))
                    ok = False
            report.articles += 1
            q = obj.get("quotes")
            if type(q) is list:
                report.quotes += len(q)
            aid = obj.get("id")
            if type(aid) is str:
                if aid in ids:
                    fp, fl = ids[aid]
                    report.incidents.append(Incident.error(
                        "article.duplicate-id", ln.path, ln.lineno,
                        f"article id {aid!r} was already used at {fp}:{fl}", "id", aid))
                else:
                    ids[aid] = (ln.path, ln.lineno)
            if on_article is not None:
                on_article(ln, ok)
            yield ln


def validate_files(paths: Iterable[str | os.PathLike[str]],
                   registry: frozenset[str] | None = None, jobs: int = 1) -> Report:
    """Validate JSONL files of articles; every finding is in the returned report.

    ``jobs`` > 1 checks line-aligned chunks of the files in that many processes; the report is
    identical to the one-process report (same incidents, same order).
    """
    paths = list(paths)
    if jobs <= 1:
        report = Report()
        for _ in iter_checked(paths, report, registry):
            pass
        return report
    return _validate_parallel(paths, registry, jobs)


def _validate_chunk(task: tuple) -> tuple:
    fi, path, chunk, registry = task
    report = Report()
    ids: list[tuple[str, int]] = []
    lines = 0

    def note(ln: Line, ok: bool) -> None:
        aid = ln.obj.get("id")
        if type(aid) is str:
            ids.append((aid, ln.lineno))

    for _ in iter_checked([path], report, registry, note, {}, chunk=chunk):
        pass
    with open(path, "rb") as f:
        f.seek(chunk[0])
        lines = f.read(chunk[1] - chunk[0]).count(b"\n")
        if chunk[1] == os.path.getsize(path) and chunk[1] > chunk[0]:
            f.seek(chunk[1] - 1)
            lines += f.read(1) != b"\n"
    incidents = [i for i in report.incidents if i.rule != "article.duplicate-id"]
    return fi, incidents, ids, lines, report.articles, report.quotes


def _validate_parallel(paths: list, registry: frozenset[str] | None, jobs: int,
                       mapper: Callable | None = None, chunks_per_job: int = 4) -> Report:
    """Check chunks of the files with ``mapper(func, tasks)`` (default: a process pool of
    ``jobs``) and merge the results in file and line order."""
    from concurrent.futures import ProcessPoolExecutor

    from .jsonl import line_chunks, open_input

    tasks = []
    for fi, p in enumerate(paths):
        open_input(p).close()  # raises InputError for missing, folders, unreadable
        if os.path.getsize(p) == 0:
            tasks.append((fi, str(p), None, registry))
            continue
        for ch in line_chunks(p, jobs * chunks_per_job):
            tasks.append((fi, str(p), ch, registry))
    if mapper is None:
        # never more processes than tasks or cores: --jobs 100000 must not fork-bomb
        jobs = max(1, min(jobs, len(tasks), os.cpu_count() or 1))
        with ProcessPoolExecutor(jobs) as ex:
            results = list(ex.map(_run_task, tasks))
    else:
        results = list(mapper(_run_task, tasks))
    return _merge(paths, results)


def _merge(paths: list, results: list[tuple]) -> Report:
    from dataclasses import replace

    report = Report(files=len(paths))
    keyed: list[tuple[int, int, int, Incident]] = []
    seen: dict[str, tuple[str, int]] = {}
    offsets = [0] * len(paths)
    n = 0
    for fi, incidents, ids, lines, arts, quotes in results:
        base = offsets[fi]
        for inc in incidents:
            line = inc.line + base if inc.line else 0
            keyed.append((fi, line or 1 << 62, n, replace(inc, line=line)))
            n += 1
        for aid, rel in ids:
            where = (str(paths[fi]), rel + base)
            if aid in seen:
                fp, fl = seen[aid]
                keyed.append((fi, rel + base, n, Incident.error(
                    "article.duplicate-id", where[0], where[1],
                    f"article id {aid!r} was already used at {fp}:{fl}", "id", aid)))
                n += 1
            else:
                seen[aid] = where
        offsets[fi] += lines
        report.articles += arts
        report.quotes += quotes
    keyed.sort(key=lambda k: k[:3])
    report.incidents = [k[3] for k in keyed]
    return report


def _run_task(task: tuple) -> tuple:
    fi, path, chunk, registry = task
    if chunk is None:  # an empty file: the sequential path says so
        r = Report()
        for _ in iter_checked([path], r, registry):
            pass
        return fi, r.incidents, [], 0, 0, 0
    return _validate_chunk(task)
