"""Everything derived from the record types: JSON Schema, Hugging Face features, docs table.

``python -m quotestance.format --write`` regenerates ``schema/article.schema.json`` and
``schema/FORMAT.md``; ``tests/test_format.py`` fails when either drifts from ``records.py``.
"""

from __future__ import annotations

import json
import sys
import typing
from dataclasses import fields
from enum import Enum
from functools import lru_cache
from typing import Any, Union

from . import records
from .labels import target_category_ids

_OPTIONAL_NOTE = " (nullable)"


@lru_cache(maxsize=None)
def field_kinds(cls: type) -> tuple[tuple[str, tuple], ...]:
    """(name, kind) for each field; kind is ('str'|'int',) ('enum', E) ('record', C) ('list', k),
    wrapped as ('opt', k) when nullable."""
    hints = typing.get_type_hints(cls, vars(records))
    out = []
    for f in fields(cls):
        out.append((f.name, _kind(hints[f.name])))
    return tuple(out)


def _kind(tp: Any) -> tuple:
    origin = typing.get_origin(tp)
    if origin is Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return ("opt", _kind(args[0]))
    if origin is tuple:
        return ("list", _kind(typing.get_args(tp)[0]))
    if isinstance(tp, type) and issubclass(tp, Enum):
        return ("enum", tp)
    if isinstance(tp, type) and hasattr(tp, "__dataclass_fields__"):
        return ("record", tp)
    if tp is str:
        return ("str",)
    if tp is int:
        return ("int",)
    raise TypeError(f"unsupported field type {tp!r}")


def _docs(cls: type) -> dict[str, str]:
    return {f.name: f.metadata.get("doc", "") for f in fields(cls)}


# ---------------------------------------------------------------- JSON Schema

def json_schema() -> dict[str, Any]:
    defs: dict[str, Any] = {}
    for cls in records.RECORD_TYPES:
        if cls is records.Article:
            continue
        defs[cls.__name__] = _object_schema(cls)
    top = _object_schema(records.Article)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://quotestance.invalid/schema/article.schema.json",
        "title": "QuoteStance article",
        "description": (
            "One news article per JSONL line. Offsets are Unicode code point offsets, "
            "half-open [start, end). Generated from toolkit/quotestance/records.py."
        ),
        **top,
        "$defs": defs,
    }


def _object_schema(cls: type) -> dict[str, Any]:
    docs = _docs(cls)
    props = {}
    for name, kind in field_kinds(cls):
        s = _kind_schema(kind, name, cls)
        s["description"] = docs[name]
        props[name] = s
    return {
        "type": "object",
        "description": (cls.__doc__ or "").strip(),
        "properties": props,
        "required": [n for n, _ in field_kinds(cls)],
        "additionalProperties": False,
    }


def _kind_schema(kind: tuple, name: str = "", cls: type | None = None) -> dict[str, Any]:
    tag = kind[0]
    if tag == "opt":
        inner = _kind_schema(kind[1], name, cls)
        if "$ref" in inner:
            return {"anyOf": [inner, {"type": "null"}]}
        if "enum" in inner:
            return {**inner, "enum": [*inner["enum"], None]}
        return {**inner, "type": [inner["type"], "null"]}
    if tag == "list":
        return {"type": "array", "items": _kind_schema(kind[1])}
    if tag == "record":
        return {"$ref": f"#/$defs/{kind[1].__name__}"}
    if tag == "enum":
        return {"type": "string", "enum": [m.value for m in kind[1]]}
    if tag == "int":
        return {"type": "integer", "minimum": 0}
    if cls is records.Target and name == "category":
        return {"type": "string", "enum": sorted(target_category_ids())}
    return {"type": "string"}


# ---------------------------------------------------------------- Hugging Face features

def hf_features(view: str = "articles") -> Any:
    """``datasets.Features`` for a view: ``articles`` (whole records) or ``quotes`` (flat)."""
    import datasets

    if view == "articles":
        return datasets.Features(_hf_record(records.Article))
    if view == "quotes":
        return datasets.Features(_hf_quote_row())
    raise ValueError(f"The 'view' parameter must be one of {{'articles', 'quotes'}}. Got {view!r} instead.")


def _hf_record(cls: type) -> dict[str, Any]:
    return {name: _hf_kind(kind) for name, kind in field_kinds(cls)}


def _hf_kind(kind: tuple) -> Any:
    import datasets

    tag = kind[0]
    if tag == "opt":
        return _hf_kind(kind[1])
    if tag == "list":
        return datasets.List(_hf_kind(kind[1]))
    if tag == "record":
        return _hf_record(kind[1])
    if tag == "enum":
        return datasets.ClassLabel(names=[m.value for m in kind[1]])
    if tag == "int":
        return datasets.Value("int32")
    return datasets.Value("string")


QUOTE_ROW_FIELDS: tuple[tuple[str, str], ...] = (
    ("article_id", "Id of the article."),
    ("quote_id", "Id of the quote in its article."),
    ("start", "Offset of the quote in the article text."),
    ("end", "End offset (half-open)."),
    ("text", "The quotation text."),
    ("type", "direct, indirect or mixed."),
    ("speaker_id", "Entity id of the speaker, or null."),
    ("speaker_name", "Canonical name of the speaker, or null."),
    ("speaker_kb_id", "Registry or Wikidata id of the speaker, or null."),
    ("speaker_mention", "Text of the attributing mention, or null."),
    ("cue", "Text of the reporting cue, or null."),
    ("stances", "List of {target, target_category, label}."),
    ("outlet", "Outlet of the article."),
    ("genre", "Genre of the article."),
    ("provenance", "real or constructed."),
)


def _hf_quote_row() -> dict[str, Any]:
    import datasets

    from .labels import GENRES, PROVENANCES, QUOTE_TYPES, STANCE_LABELS

    s = datasets.Value("string")
    return {
        "article_id": s, "quote_id": s,
        "start": datasets.Value("int32"), "end": datasets.Value("int32"),
        "text": s, "type": datasets.ClassLabel(names=list(QUOTE_TYPES)),
        "speaker_id": s, "speaker_name": s, "speaker_kb_id": s,
        "speaker_mention": s, "cue": s,
        "stances": datasets.List({
            "target": s, "target_category": s,
            "label": datasets.ClassLabel(names=list(STANCE_LABELS)),
        }),
        "outlet": s,
        "genre": datasets.ClassLabel(names=list(GENRES)),
        "provenance": datasets.ClassLabel(names=list(PROVENANCES)),
    }


def quote_rows(article: dict[str, Any]) -> list[dict[str, Any]]:
    """The flat per-quote view of one article dict."""
    ents = {e["id"]: e for e in article.get("entities") or ()}
    cats = {t["id"]: t for t in article.get("targets") or ()}
    rows = []
    for q in article.get("quotes") or ():
        e = ents.get(q.get("speaker")) if q.get("speaker") else None
        rows.append({
            "article_id": article["id"], "quote_id": q["id"],
            "start": q["start"], "end": q["end"], "text": q["text"], "type": q["type"],
            "speaker_id": q.get("speaker"),
            "speaker_name": e["name"] if e else None,
            "speaker_kb_id": e.get("kb_id") if e else None,
            "speaker_mention": (q.get("speaker_mention") or {}).get("text"),
            "cue": (q.get("cue") or {}).get("text"),
            "stances": [{"target": cats[s["target"]]["name"] if s["target"] in cats else s["target"],
                         "target_category": (cats.get(s["target"]) or {}).get("category"),
                         "label": s["label"]} for s in q.get("stances") or ()],
            "outlet": article.get("outlet"), "genre": article.get("genre"),
            "provenance": article.get("provenance"),
        })
    return rows


# ---------------------------------------------------------------- docs table

def format_markdown() -> str:
    lines = [
        "# The article format",
        "",
        "Generated from `toolkit/quotestance/records.py` by "
        "`python -m quotestance.format --write`; do not edit by hand.",
        "",
        "One JSON object per line (JSONL, UTF-8, no byte-order mark, `\\n` line ends). Offsets are "
        "Python string offsets (Unicode code points), half-open `[start, end)`: "
        "`text[start:end]` is the span. Every field is present; nullable fields may be `null`.",
        "",
    ]
    for cls in reversed(records.RECORD_TYPES):
        lines += [f"## {cls.__name__}", "", (cls.__doc__ or "").strip(), "",
                  "| field | type | description |", "|---|---|---|"]
        docs = _docs(cls)
        for name, kind in field_kinds(cls):
            lines.append(f"| `{name}` | {_kind_md(kind)} | {docs[name]} |")
        lines.append("")
    lines += ["## Flat quote view (`quotes` config)", "", "| field | description |", "|---|---|"]
    lines += [f"| `{n}` | {d} |" for n, d in QUOTE_ROW_FIELDS]
    lines.append("")
    return "\n".join(lines)


def _kind_md(kind: tuple) -> str:
    tag = kind[0]
    if tag == "opt":
        return _kind_md(kind[1]) + " or null"
    if tag == "list":
        return f"list of {_kind_md(kind[1])}"
    if tag == "record":
        return kind[1].__name__
    if tag == "enum":
        return " \\| ".join(f"`{m.value}`" for m in kind[1])
    return {"str": "string", "int": "integer ≥ 0"}[tag]


def generated_files() -> dict[str, str]:
    """Generated file name (relative to ``schema/``) -> expected content."""
    return {
        "article.schema.json": json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n",
        "FORMAT.md": format_markdown(),
    }


def main(argv: list[str] | None = None) -> int:
    from .paths import schema_dir

    argv = sys.argv[1:] if argv is None else argv
    stale = []
    for name, content in generated_files().items():
        path = schema_dir() / name
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != content:
            stale.append(name)
            if "--write" in argv:
                tmp = path.with_suffix(path.suffix + ".tmp")
                tmp.write_text(content, encoding="utf-8")
                tmp.replace(path)
    if stale and "--write" not in argv:
        print("stale generated files: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
