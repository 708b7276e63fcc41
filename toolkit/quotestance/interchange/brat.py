"""brat standoff export: ``ID.txt`` + ``ID.ann`` per article, and the collection's
``annotation.conf`` / ``visual.conf``, so the corpus opens in brat (and tools that read brat).

* ``T`` lines: ``Quote``, ``Speaker`` (the attributing mention) and ``Cue`` spans. brat spans
  cannot cross a line break, so a span over several lines becomes discontinuous fragments
  ``start end;start end``, split at every ``\\n`` (empty fragments dropped); the text field is
  the fragments joined by one space, as brat writes it.
* ``R`` lines: ``Speaker_of`` (quote -> mention), ``Cue_of`` (quote -> cue), ``Continues``
  (later part -> earlier part of a quote split by its attribution).
* ``A`` lines: ``QuoteType`` (direct / indirect / mixed), ``Speaker`` (entity id, also when
  the quote has no mention) and ``Stance_<target>`` (favor / against / neutral) on quotes.
* ``#`` lines: annotator notes naming the speaker entity and the targets in words.

Offsets are code points in both brat and our format, so they are copied unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..labels import QUOTE_TYPES, STANCE_LABELS

_NAME = re.compile(r"[^A-Za-z0-9_]")
_FILE = re.compile(r"[^A-Za-z0-9_.-]")


def type_name(s: str) -> str:
    """A brat type or attribute-value name for an id (letters, digits, underscore)."""
    return _NAME.sub("_", s) or "_"


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut at every line break, without empty pieces."""
    out, s = [], start
    for i in range(start, end):
        if text[i] == "\n":
            if i > s:
                out.append((s, i))
            s = i + 1
    if end > s:
        out.append((s, end))
    return out


def _one_line(s: str) -> str:
    return " ".join(s.split())


def to_standoff(article: Mapping[str, Any]) -> tuple[str, str]:
    """``(txt, ann)`` of one article."""
    text = article["text"]
    ents = {e["id"]: e for e in article["entities"]}
    tnames = {t["id"]: t["name"] for t in article["targets"]}
    lines: list[str] = []
    tid: dict[tuple[str, int, int], str] = {}
    counters = {"T": 0, "R": 0, "A": 0, "#": 0}

    def nxt(kind: str) -> str:
        counters[kind] += 1
        return f"{kind}{counters[kind]}"

    def span_line(kind: str, start: int, end: int) -> str | None:
        key = (kind, start, end)
        if key in tid:
            return tid[key]
        frags = fragments(text, start, end)
        if not frags:  # only line breaks: nothing brat can show
            return None
        t = nxt("T")
        tid[key] = t
        offs = ";".join(f"{s} {e}" for s, e in frags)
        lines.append(f"{t}\t{kind} {offs}\t{' '.join(text[s:e] for s, e in frags)}")
        return t

    quote_t: dict[str, str] = {}
    for q in article["quotes"]:
        t = span_line("Quote", q["start"], q["end"])
        if t is None:
            continue
        quote_t[q["id"]] = t
        lines.append(f"{nxt('A')}\tQuoteType {t} {q['type']}")
        note = []
        if q.get("speaker"):
            lines.append(f"{nxt('A')}\tSpeaker {t} {type_name(q['speaker'])}")
            e = ents.get(q["speaker"])
            note.append(f"{q['id']} speaker {q['speaker']}"
                        + (f" = {e['name']}" if e else ""))
        for s in q.get("stances") or ():
            lines.append(f"{nxt('A')}\tStance_{type_name(s['target'])} {t} {s['label']}")
            note.append(f"{s['label']} {s['target']} = {tnames.get(s['target'], '?')}")
        if note:
            lines.append(f"{nxt('#')}\tAnnotatorNotes {t}\t{_one_line('; '.join(note))}")
    for q in article["quotes"]:
        t = quote_t.get(q["id"])
        if t is None:
            continue
        for key, kind, rel in (("speaker_mention", "Speaker", "Speaker_of"),
                               ("cue", "Cue", "Cue_of")):
            sp = q.get(key)
            if sp:
                m = span_line(kind, sp["start"], sp["end"])
                if m is not None:
                    lines.append(f"{nxt('R')}\t{rel} Arg1:{t} Arg2:{m}")
        if q.get("continues") in quote_t:
            lines.append(f"{nxt('R')}\tContinues Arg1:{t} Arg2:{quote_t[q['continues']]}")
    return text, "".join(ln + "\n" for ln in lines)


def annotation_conf(articles: Iterable[Mapping[str, Any]]) -> str:
    """The collection's type declarations; entity ids and targets are the union over articles."""
    speakers: set[str] = set()
    targets: set[str] = set()
    for a in articles:
        speakers.update(type_name(e["id"]) for e in a["entities"])
        targets.update(type_name(t["id"]) for t in a["targets"])
    attrs = [f"QuoteType\tArg:Quote, Value:{'|'.join(QUOTE_TYPES)}"]
    if speakers:
        attrs.append(f"Speaker\tArg:Quote, Value:{'|'.join(sorted(speakers))}")
    attrs += [f"Stance_{t}\tArg:Quote, Value:{'|'.join(STANCE_LABELS)}" for t in sorted(targets)]
    return "\n".join([
        "# QuoteStance brat configuration, written by `quotestance export brat`.",
        "[entities]", "Quote", "Speaker", "Cue", "",
        "[relations]",
        "Speaker_of\tArg1:Quote, Arg2:Speaker",
        "Cue_of\tArg1:Quote, Arg2:Cue",
        "Continues\tArg1:Quote, Arg2:Quote",
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "",
        "[events]", "",
        "[attributes]", *attrs, ""])


VISUAL_CONF = """[labels]
Quote | Quote | Q
Speaker | Speaker | S
Cue | Cue | C
Speaker_of | speaker
Cue_of | cue
Continues | continues

[drawing]
Quote\tbgColor:#aec7e8
Speaker\tbgColor:#ffbb78
Cue\tbgColor:#c49c94
QuoteType\tglyph:D|I|M, position:left
"""


def file_stem(article_id: str) -> str:
    return _FILE.sub("_", article_id).lstrip(".") or "article"


def export_brat(articles: Iterable[Mapping[str, Any]], outdir: str | Path) -> list[Path]:
    """Write ``.txt``/``.ann`` per article plus the two configuration files into ``outdir``.
    Each file is written to a temporary name and renamed into place. Returns the paths."""
    from ..jsonl import atomic_writer

    arts = list(articles)
    out = Path(outdir)
    written: list[Path] = []
    stems: set[str] = set()

    def put(name: str, content: str) -> None:
        p = out / name
        with atomic_writer(p) as f:
            f.write(content.encode("utf-8"))
        written.append(p)

    for a in arts:
        stem = file_stem(a["id"])
        base, k = stem, 1
        while stem in stems:
            k += 1
            stem = f"{base}-{k}"
        stems.add(stem)
        txt, ann = to_standoff(a)
        put(f"{stem}.txt", txt)
        put(f"{stem}.ann", ann)
    put("annotation.conf", annotation_conf(arts))
    put("visual.conf", VISUAL_CONF)
    return written


def check_standoff(txt: str, ann: str) -> list[str]:
    """Problems of a ``.ann`` against its ``.txt`` (brat's own rules for what we write): every
    ``T`` line's offsets inside the text, no fragment crossing a line break, and its text
    equal to the covered text (fragments joined by a space); references to known ids."""
    problems: list[str] = []
    ids: set[str] = set()
    refs: list[tuple[int, str]] = []
    for n, line in enumerate(ann.split("\n"), 1):
        if not line:
            continue
        parts = line.split("\t")
        ident = parts[0]
        if ident in ids:
            problems.append(f"line {n}: id {ident} used twice")
        ids.add(ident)
        if ident.startswith("T"):
            if len(parts) != 3:
                problems.append(f"line {n}: a T line has three tab-separated fields")
                continue
            kind, _, offs = parts[1].partition(" ")
            pieces = []
            try:
                for frag in offs.split(";"):
                    s, e = (int(x) for x in frag.split(" "))
                    if not 0 <= s < e <= len(txt):
                        problems.append(f"line {n}: fragment {s} {e} outside the text")
                    elif "\n" in txt[s:e]:
                        problems.append(f"line {n}: fragment {s} {e} crosses a line break")
                    pieces.append(txt[s:e])
            except ValueError:
                problems.append(f"line {n}: bad offsets {offs!r}")
                continue
            if " ".join(pieces) != parts[2]:
                problems.append(f"line {n}: text {parts[2]!r} differs from the covered text "
                                f"{' '.join(pieces)!r}")
        elif ident.startswith("R"):
            for arg in parts[1].split(" ")[1:]:
                refs.append((n, arg.partition(":")[2]))
        elif ident.startswith(("A", "#")):
            refs.append((n, parts[1].split(" ")[1]))
        else:
            problems.append(f"line {n}: unknown annotation id {ident!r}")
    problems += [f"line {n}: reference to unknown id {r!r}" for n, r in refs if r not in ids]
    return problems
