"""Label Studio: tasks with optional pre-annotations, and records back from the full JSON export.

The labeling configuration is ``schema/labelstudio.xml``. One task is one article:

* ``data.text`` the article text, ``data.title``, ``data.article_id``;
* ``data.entity_choices`` / ``data.stance_choices`` the per-article options of the dynamic
  ``speaker`` and ``stance`` choices (entity ids; ``TARGET=LABEL`` for every target and label);
* ``data.quotestance`` the article record without ``text`` and ``quotes``, so the import can
  rebuild a complete record.

One quotation is a region labelled ``direct``, ``indirect`` or ``mixed``, carrying per-region
``speaker`` (one entity id) and ``stance`` (``t1=favor`` ...) choices. Its speaker mention is a
region labelled ``speaker`` and its cue a region labelled ``cue``, each joined to the quote by a
relation; a quote that continues an earlier one is joined to it by a ``continues`` relation.
Relations survive only in Label Studio's full JSON export (``JSON``), not in ``JSON_MIN``,
CSV or TSV, so the import reads the full JSON export only.

Label Studio counts text offsets in code points, like us; every span is still checked against
``text[start:end]`` and a UTF-16 reading is accepted (and noted) when only it matches.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..labels import QUOTE_TYPES, STANCE_LABELS
from ..paths import schema_dir
from .offsets import ImportResult, InterchangeError, Utf16Index, resolve_span

LABELS_TAG, TEXT_TAG = "label", "text"
SPEAKER_TAG, STANCE_TAG = "speaker", "stance"
MENTION_LABEL, CUE_LABEL = "speaker", "cue"
CONTINUES = "continues"
META_KEY = "quotestance"
_QUOTE_ID = re.compile(r"^q\d+$")


def config_path() -> Path:
    """The labeling configuration to paste into (or send to) a Label Studio project."""
    return schema_dir() / "labelstudio.xml"


def labeling_config() -> str:
    return config_path().read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- export


def to_task(article: Mapping[str, Any], prediction: Mapping[str, Any] | None = None,
            model_version: str = "quotestance") -> dict[str, Any]:
    """One Label Studio task for an article; ``prediction`` (an article dict with the same id
    and text, e.g. a system's output or the gold itself) becomes its pre-annotation."""
    entities = list(article["entities"])
    if prediction is not None:
        if prediction.get("text") not in (None, article["text"]):
            raise ValueError(f"article {article['id']!r}: the prediction's text differs from "
                             "the article's text")
        known = {e["id"] for e in entities}
        entities += [e for e in prediction.get("entities") or () if e["id"] not in known]
    meta = {k: v for k, v in article.items() if k not in ("text", "quotes")}
    meta["entities"] = entities
    task: dict[str, Any] = {"data": {
        "text": article["text"],
        "title": article.get("title") or "",
        "article_id": article["id"],
        "entity_choices": [_entity_choice(e) for e in entities],
        "stance_choices": [{"value": f"{t['id']}={lab}", "hint": t["name"]}
                           for t in article["targets"] for lab in STANCE_LABELS],
        "targets_legend": "; ".join(f"{t['id']}: {t['name']}" for t in article["targets"])
                          or "(no targets)",
        META_KEY: meta,
    }}
    if prediction is not None:
        task["predictions"] = [{"model_version": model_version,
                                "result": to_results(prediction)}]
    return task


def _entity_choice(e: Mapping[str, Any]) -> dict[str, str]:
    """The editor shows ``html`` (escaped here: it is article data) and stores ``value``."""
    from html import escape

    return {"value": e["id"], "html": f"{escape(e['id'])} · {escape(e['name'])}",
            "hint": f"{e['name']} ({e['type']})"}


def to_results(article: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The quotes of an article as Label Studio result items (regions, choices, relations)."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()

    def region(rid: str, span: Mapping[str, Any], label: str) -> None:
        if rid in seen:
            return
        seen.add(rid)
        out.append({"id": rid, "from_name": LABELS_TAG, "to_name": TEXT_TAG, "type": "labels",
                     "origin": "prediction",
                     "value": {"start": span["start"], "end": span["end"], "text": span["text"],
                               "labels": [label]}})

    def per_region(rid: str, span: Mapping[str, Any], name: str, choices: list[str]) -> None:
        out.append({"id": rid, "from_name": name, "to_name": TEXT_TAG, "type": "choices",
                    "origin": "prediction",
                    "value": {"start": span["start"], "end": span["end"], "text": span["text"],
                              "choices": choices}})

    relations = []
    for q in article["quotes"]:
        region(q["id"], q, q["type"])
        if q.get("speaker"):
            per_region(q["id"], q, SPEAKER_TAG, [q["speaker"]])
        if q.get("stances"):
            per_region(q["id"], q, STANCE_TAG,
                       [f"{s['target']}={s['label']}" for s in q["stances"]])
        for key, label in (("speaker_mention", MENTION_LABEL), ("cue", CUE_LABEL)):
            span = q.get(key)
            if span:
                rid = f"{label}-{span['start']}-{span['end']}"
                region(rid, span, label)
                relations.append((q["id"], rid, label))
        if q.get("continues"):
            relations.append((q["id"], q["continues"], CONTINUES))
    for a, b, label in relations:
        out.append({"from_id": a, "to_id": b, "type": "relation", "direction": "right",
                    "labels": [label]})
    return out


def export_tasks(articles: Iterable[Mapping[str, Any]],
                 predictions: Mapping[str, Mapping[str, Any]] | None = None,
                 model_version: str = "quotestance") -> list[dict[str, Any]]:
    """Tasks for many articles; ``predictions`` maps article id to its predicted article."""
    tasks = []
    for a in articles:
        p = predictions.get(a["id"]) if predictions is not None else None
        tasks.append(to_task(a, p, model_version))
    return tasks


# ----------------------------------------------------------------------------- import


def read_export(path: str | Path) -> list[dict[str, Any]]:
    """The task list of a full JSON export (``JSON`` in Label Studio's export dialog)."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise InterchangeError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InterchangeError(f"{path}: is a directory, expected a JSON export") from None
    try:
        tasks = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as e:
        hint = (" (this looks like JSONL: Label Studio's full export is one JSON array)"
                if raw.lstrip().startswith(b"{") else "")
        raise InterchangeError(f"{path}: not a JSON document: {e}{hint}") from None
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list) or not all(isinstance(t, dict) for t in tasks):
        raise InterchangeError(f"{path}: expected a JSON array of tasks (Label Studio's full "
                               "JSON export)")
    if tasks and all("data" not in t for t in tasks):
        raise InterchangeError(f"{path}: the tasks have no 'data' field: this is the JSON_MIN, "
                               "CSV or TSV export, which drops relations; export as JSON")
    return tasks


def import_export(tasks: list[dict[str, Any]], source: str = "export.json",
                  use_predictions: bool = False, annotator: str | None = None) -> ImportResult:
    """Corpus records from a full JSON export.

    Each task takes its most recently updated annotation that was not cancelled; a task
    without one is skipped with a note, or read from its last prediction when
    ``use_predictions``. Every record returned passes the validator.
    """
    from ..incidents import Incident
    from ..validate import check_article

    res = ImportResult()
    for i, task in enumerate(tasks):
        if not isinstance(task, dict):
            res.problems.append(f"{source}: task {i + 1}: expected an object, got "
                                f"{_json_type(task)}")
            continue
        where = _task_name(source, i, task)
        try:
            ann = _pick(task, use_predictions, where)
            if ann is None:
                res.notes.append(f"{where}: no annotation (not cancelled); skipped")
                continue
            article = _rebuild(task, ann, where, res)
        except _TaskError as e:
            res.problems.extend(e.messages)
            continue
        annotators = article["annotation"]["annotators"]
        if annotator and isinstance(annotators, list) and annotator not in annotators:
            annotators.append(annotator)
        found: list[Incident] = []
        check_article(article, source, 0, found)
        errors = [f"{where}: {x.rule}: {x.message} [{x.json_path}]" for x in found
                  if x.level == "error"]
        if errors:
            res.problems.extend(errors)
        else:
            res.notes.extend(f"{where}: warning {x.rule}: {x.message}" for x in found)
            res.articles.append(article)
    return res


class _TaskError(Exception):
    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


def _task_name(source: str, i: int, task: dict[str, Any]) -> str:
    data = task.get("data") if isinstance(task.get("data"), dict) else {}
    aid = data.get("article_id")
    tid = task.get("id", i + 1)
    return f"{source}: task {tid}" + (f" (article {aid})" if aid else "")


def _pick(task: dict[str, Any], use_predictions: bool, where: str) -> dict[str, Any] | None:
    anns = _list_field(task, "annotations", where)
    anns = [a for a in anns if isinstance(a, dict) and not a.get("was_cancelled")]
    if anns:
        return max(anns, key=lambda a: (str(a.get("updated_at") or ""),
                                        a["id"] if type(a.get("id")) is int else 0))
    if use_predictions:
        preds = [p for p in _list_field(task, "predictions", where) if isinstance(p, dict)]
        return preds[-1] if preds else None
    return None


def _list_field(obj: dict[str, Any], key: str, where: str) -> list[Any]:
    """``obj[key]`` when it is a list; [] when absent or null; a problem otherwise."""
    v = obj.get(key)
    if v is None:
        return []
    if not isinstance(v, list):
        raise _TaskError([f"{where}: '{key}' must be a list, got {_json_type(v)}"])
    return v


def _json_type(v: Any) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "a boolean",
            list: "a list", dict: "an object", type(None): "null"}.get(type(v), type(v).__name__)


def _rebuild(task: dict[str, Any], ann: dict[str, Any], where: str,
             res: ImportResult) -> dict[str, Any]:
    data = task.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise _TaskError([f"{where}: the task has no data.text"])
    meta = data.get(META_KEY)
    if not isinstance(meta, dict):
        raise _TaskError([f"{where}: the task has no data.{META_KEY} (the article record); "
                          "create tasks with `quotestance export labelstudio`"])
    text = data["text"]
    index = Utf16Index(text)
    problems: list[str] = []
    regions: dict[str, dict[str, Any]] = {}
    choices: dict[str, dict[str, list[str]]] = {}
    relations: list[tuple[str, str, list[str]]] = []
    refused: set[str] = set()  # regions already reported: no follow-on errors about them
    result = ann.get("result")
    if not isinstance(result, list):
        raise _TaskError([f"{where}: the annotation has no result list"])
    for item in result:
        if not isinstance(item, dict):
            problems.append(f"{where}: a result item is not an object")
            continue
        kind = item.get("type")
        if kind == "relation":
            rel_labels = item.get("labels") or []
            if not isinstance(rel_labels, list) or \
                    not all(isinstance(x, str) for x in rel_labels):
                problems.append(f"{where}, relation {str(item.get('from_id'))!r} -> "
                                f"{str(item.get('to_id'))!r}: 'labels' must be a list of "
                                f"strings, got {rel_labels!r}")
                continue
            relations.append((str(item.get("from_id")), str(item.get("to_id")), rel_labels))
            continue
        rid = str(item.get("id"))
        value = item.get("value") if isinstance(item.get("value"), dict) else {}
        if kind == "labels":
            labels = value.get("labels") or []
            rname = f"{where}, region {rid!r}"
            if not isinstance(labels, list):
                problems.append(f"{rname}: value.labels must be a list of one label, got "
                                f"{_json_type(labels)} {labels!r}")
                refused.add(rid)
                continue
            if len(labels) != 1:
                problems.append(f"{rname}: expected one label, got {labels!r}")
                refused.add(rid)
                continue
            label = labels[0]
            if not isinstance(label, str) or \
                    label not in QUOTE_TYPES and label not in (MENTION_LABEL, CUE_LABEL):
                problems.append(f"{rname}: unknown label {label!r}")
                refused.add(rid)
                continue
            try:
                s, e, note = resolve_span(text, value.get("start"), value.get("end"),
                                          value.get("text"), index)
            except ValueError as err:
                problems.append(f"{rname} ({label}): {err}")
                refused.add(rid)
                continue
            if note:
                res.notes.append(f"{rname}: {note}")
            regions[rid] = {"label": label, "start": s, "end": e, "text": text[s:e]}
        elif kind == "choices":
            name = item.get("from_name")
            if name in (SPEAKER_TAG, STANCE_TAG):
                picked = value.get("choices") or []
                if not isinstance(picked, list) or not all(isinstance(c, str) for c in picked):
                    problems.append(f"{where}, region {rid!r}: value.choices of '{name}' must "
                                    f"be a list of strings, got {picked!r}")
                    refused.add(rid)
                    continue
                choices.setdefault(rid, {})[name] = picked
        # other result types (e.g. a textarea for notes) are ignored
    quotes_by_rid = {rid: r for rid, r in regions.items() if r["label"] in QUOTE_TYPES}
    linked: dict[str, dict[str, str]] = {rid: {} for rid in quotes_by_rid}
    used: set[str] = set()
    cont: dict[str, str] = {}
    for a, b, labels in relations:
        rn = f"{where}, relation {a!r} -> {b!r}"
        if a in refused or b in refused:
            used.update((a, b))
            continue
        if a not in regions or b not in regions:
            problems.append(f"{rn}: joins a region that does not exist")
            continue
        ra, rb = regions[a], regions[b]
        if a in quotes_by_rid and b in quotes_by_rid:
            later, earlier = (a, b) if (ra["start"], a) > (rb["start"], b) else (b, a)
            if later in cont and cont[later] != earlier:
                problems.append(f"{rn}: quote {later!r} already continues {cont[later]!r}")
            cont[later] = earlier
            continue
        if a in quotes_by_rid:
            q, other = a, b
        elif b in quotes_by_rid:
            q, other = b, a
        else:
            problems.append(f"{rn}: joins two regions neither of which is a quote")
            continue
        kind = regions[other]["label"]
        if kind in linked[q] and linked[q][kind] != other:
            problems.append(f"{rn}: quote {q!r} has two {kind} regions "
                            f"({linked[q][kind]!r} and {other!r})")
            continue
        linked[q][kind] = other
        used.add(other)
    for rid, r in regions.items():
        if rid not in quotes_by_rid and rid not in used:
            problems.append(f"{where}, region {rid!r} ({r['label']} {r['text'][:40]!r}): not "
                            "joined to a quote; draw a relation from the quote to it")
    entities = meta.get("entities") or []
    if not isinstance(entities, list):
        problems.append(f"{where}: data.{META_KEY}.entities must be a list, got "
                        f"{_json_type(entities)}")
        entities = []
    entity_ids = {e["id"] for e in entities
                  if isinstance(e, dict) and isinstance(e.get("id"), str)}
    ids = _quote_ids(sorted(quotes_by_rid, key=lambda r: (quotes_by_rid[r]["start"],
                                                          quotes_by_rid[r]["end"], r)))
    quotes = []
    for rid in sorted(quotes_by_rid, key=lambda r: (quotes_by_rid[r]["start"],
                                                   quotes_by_rid[r]["end"], r)):
        r = quotes_by_rid[rid]
        rn = f"{where}, region {rid!r} ({r['label']} {r['text'][:40]!r})"
        links = linked[rid]
        mention = regions[links[MENTION_LABEL]] if MENTION_LABEL in links else None
        ch = choices.get(rid, {})
        speakers = ch.get(SPEAKER_TAG) or (choices.get(links.get(MENTION_LABEL, ""), {})
                                           .get(SPEAKER_TAG) or [])
        if len(speakers) > 1:
            problems.append(f"{rn}: {len(speakers)} speakers chosen ({speakers!r}); choose one")
        speaker = speakers[0] if speakers else None
        if speaker is not None and speaker not in entity_ids:
            problems.append(f"{rn}: speaker {speaker!r} is not an entity of the article")
        if mention is not None and speaker is None:
            problems.append(f"{rn}: a speaker mention is joined but no speaker entity is "
                            "chosen")
        stances, seen = [], set()
        for c in ch.get(STANCE_TAG) or ():
            tgt, sep, lab = str(c).rpartition("=")
            if not sep or lab not in STANCE_LABELS:
                problems.append(f"{rn}: stance choice {c!r} is not TARGET=LABEL")
                continue
            if tgt in seen:
                problems.append(f"{rn}: two stances toward target {tgt!r}")
                continue
            seen.add(tgt)
            stances.append({"target": tgt, "label": lab})
        quotes.append({
            "id": ids[rid], "start": r["start"], "end": r["end"], "text": r["text"],
            "type": r["label"], "speaker": speaker,
            "speaker_mention": _span(mention),
            "cue": _span(regions[links[CUE_LABEL]] if CUE_LABEL in links else None),
            "continues": ids[cont[rid]] if rid in cont else None,
            "stances": stances,
        })
    if problems:
        raise _TaskError(problems)
    return _assemble(meta, text, quotes)


def _span(r: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if r is None else {"start": r["start"], "end": r["end"], "text": r["text"]}


def _quote_ids(rids: list[str]) -> dict[str, str]:
    """Keep region ids of the form q<N> (those we exported); number the others after them."""
    out: dict[str, str] = {}
    taken = {r for r in rids if _QUOTE_ID.match(r)}
    n = max((int(r[1:]) for r in taken), default=0)
    for r in rids:
        if r in taken:
            out[r] = r
        else:
            n += 1
            out[r] = f"q{n}"
    return out


def _assemble(meta: dict[str, Any], text: str, quotes: list[dict[str, Any]]) -> dict[str, Any]:
    from ..format import field_kinds
    from ..records import Article

    out: dict[str, Any] = {}
    for name, _ in field_kinds(Article):
        if name == "text":
            out[name] = text
        elif name == "quotes":
            out[name] = quotes
        elif name == "annotation":
            ann = meta.get("annotation")
            ann = dict(ann) if isinstance(ann, dict) else {}
            ann.setdefault("guidelines", "")
            raw = ann.get("annotators")
            # a list is copied; anything else is left for the validator to report
            ann["annotators"] = [] if raw is None else list(raw) if isinstance(raw, list) else raw
            ann.setdefault("notes", None)
            out[name] = ann
        else:
            out[name] = meta.get(name)
    return out
