"""Label Studio: tasks out, full JSON export back in, every span checked.

The recorded export (tests/fixtures/interchange/labelstudio_export.json) came from a real Label
Studio 1.23 server (tests/integration/test_labelstudio_server.py with QS_RECORD_LS_FIXTURE=1);
replaying it is the reduced form of the server round trip that runs in every CI run.
"""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotestance.interchange.labelstudio import (
    export_tasks, import_export, labeling_config, read_export, to_task)
from quotestance.interchange.offsets import InterchangeError
from quotestance.labels import QUOTE_TYPES, STANCE_LABELS
from quotestance.validate import check_article

from .conftest import FIXTURES

FX = FIXTURES / "interchange"


def _load(name: str) -> list[dict]:
    return [json.loads(x) for x in (FX / name).read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    return _load("articles.jsonl") + _load("seed.jsonl")


def _accepted(task: dict) -> dict:
    """The task as if an annotator had accepted its pre-annotation unchanged."""
    t = copy.deepcopy(task)
    t["annotations"] = [{"id": 1, "result": t["predictions"][0]["result"],
                         "was_cancelled": False, "updated_at": "2024-01-01T00:00:00Z"}]
    return t


def _region(task: dict, rid: str, from_name: str = "label") -> dict:
    return next(r for r in task["annotations"][0]["result"]
                if r.get("id") == rid and r.get("from_name") == from_name)


# --------------------------------------------------------------------- the configuration

def test_config_declares_every_quote_type_and_both_span_roles():
    root = ET.fromstring(labeling_config())
    labels = [x.get("value") for x in root.iter("Label")]
    assert labels == [*QUOTE_TYPES, "speaker", "cue"]
    assert {x.get("value") for x in root.iter("Relation")} == {"speaker", "cue", "continues"}
    choices = {c.get("name"): c for c in root.iter("Choices")}
    assert choices["speaker"].get("perRegion") == "true"
    assert choices["stance"].get("choice") == "multiple"


def test_every_variable_of_the_config_is_in_the_task_data(gold):
    variables = {v[1:] for v in
                 (el.get("value") for el in ET.fromstring(labeling_config()).iter())
                 if v and v.startswith("$")}
    data = to_task(gold[0])["data"]
    assert variables and variables <= set(data)


def test_stance_choices_cover_every_target_and_label(gold):
    data = to_task(gold[0])["data"]
    assert [c["value"] for c in data["stance_choices"]] == [
        f"{t['id']}={lab}" for t in gold[0]["targets"] for lab in STANCE_LABELS]
    assert [c["value"] for c in data["entity_choices"]] == [e["id"] for e in gold[0]["entities"]]


# --------------------------------------------------------------------- round trips

def test_accepted_pre_annotations_give_back_the_same_records(gold):
    tasks = export_tasks(gold, {a["id"]: a for a in gold})
    res = import_export([_accepted(t) for t in tasks])
    assert res.problems == []
    assert res.articles == gold


def test_recorded_server_export_gives_back_the_gold():
    """The reduced round trip: an export made by a real Label Studio server."""
    tasks = read_export(FX / "labelstudio_export.json")
    res = import_export(tasks, "labelstudio_export.json")
    assert res.problems == [] and res.notes == []
    want = {a["id"]: a for a in _load("articles.jsonl") + _load("seed.jsonl")}
    assert {a["id"]: a for a in res.articles} == want


def test_emoji_offsets_are_code_points(gold):
    """Offsets after an emoji are code points in the task, as in the corpus."""
    art = gold[0]
    assert any(ord(ch) > 0xFFFF for ch in art["text"])
    q = art["quotes"][1]
    region = _region(_accepted(to_task(art, art)), q["id"])
    assert region["value"]["start"] == q["start"]
    assert art["text"][region["value"]["start"]:region["value"]["end"]] == \
        region["value"]["text"]


def test_utf16_offsets_from_an_older_tool_are_converted_and_noted(gold):
    art = gold[0]
    t = _accepted(to_task(art, art))
    q = art["quotes"][1]
    before = art["text"][:q["start"]]
    shift = sum(1 for ch in before if ord(ch) > 0xFFFF)
    assert shift > 0
    for r in t["annotations"][0]["result"]:
        if r.get("id") == q["id"]:
            r["value"]["start"] += shift
            r["value"]["end"] += shift
    res = import_export([t], "x.json")
    assert res.problems == []
    assert res.articles == [art]
    assert any("UTF-16" in n for n in res.notes)


def test_new_regions_from_the_editor_get_fresh_quote_ids(gold):
    art = gold[1]
    t = _accepted(to_task(art, art))
    text = art["text"]
    start = text.index("Budget")
    t["annotations"][0]["result"].append(
        {"id": "Xk3v9_aQ", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": start, "end": start + 13, "text": text[start:start + 13],
                   "labels": ["indirect"]}})
    res = import_export([t])
    assert res.problems == []
    quotes = res.articles[0]["quotes"]
    assert [q["id"] for q in quotes] == ["q2", "q1"]  # text order; q1 kept, new one numbered
    assert quotes[0]["text"] == "Budget passes"


def test_the_latest_annotation_that_is_not_cancelled_wins(gold):
    art = gold[1]
    t = _accepted(to_task(art, art))
    later = copy.deepcopy(t["annotations"][0])
    later.update(id=2, updated_at="2024-02-01T00:00:00Z")
    for r in later["result"]:
        if r.get("type") == "labels" and r["id"] == "q1":
            r["value"]["labels"] = ["direct"]
    cancelled = copy.deepcopy(later)
    cancelled.update(id=3, updated_at="2024-03-01T00:00:00Z", was_cancelled=True, result=[])
    t["annotations"] += [later, cancelled]
    res = import_export([t])
    assert res.articles[0]["quotes"][0]["type"] == "direct"


def test_tasks_without_annotation_are_skipped_with_a_note_or_read_from_predictions(gold):
    t = to_task(gold[1], gold[1])
    res = import_export([t], "x.json")
    assert res.articles == [] and res.problems == []
    assert "no annotation" in res.notes[0]
    assert import_export([t], use_predictions=True).articles == [gold[1]]


def test_annotator_is_added_once(gold):
    res = import_export([_accepted(to_task(gold[1], gold[1]))], annotator="ann-7")
    assert res.articles[0]["annotation"]["annotators"] == ["fixture", "ann-7"]


# --------------------------------------------------------------------- errors name task and region

def _problems(task: dict) -> list[str]:
    res = import_export([task], "exp.json")
    assert res.articles == []
    return res.problems


def test_a_region_whose_text_differs_is_refused(gold):
    t = _accepted(to_task(gold[1], gold[1]))
    _region(t, "q1")["value"]["start"] += 1
    (p,) = _problems(t)
    assert p.startswith("exp.json: task 1 (article qs-fx-0002), region 'q1' (indirect): ")
    assert "differs from text[" in p


def test_a_region_outside_the_text_is_refused(gold):
    t = _accepted(to_task(gold[1], gold[1]))
    v = _region(t, "q1")["value"]
    v["end"] = 10_000
    assert "outside the text" in _problems(t)[0]


def test_a_mention_without_relation_is_refused(gold):
    t = _accepted(to_task(gold[1], gold[1]))
    t["annotations"][0]["result"] = [r for r in t["annotations"][0]["result"]
                                     if r.get("type") != "relation"]
    probs = _problems(t)
    assert any("not joined to a quote" in p and "speaker" in p for p in probs)


def test_a_speaker_that_is_not_an_entity_is_refused(gold):
    t = _accepted(to_task(gold[1], gold[1]))
    _region(t, "q1", "speaker")["value"]["choices"] = ["e9"]
    assert any("speaker 'e9' is not an entity" in p for p in _problems(t))


def test_a_mention_without_a_chosen_speaker_is_refused(gold):
    t = _accepted(to_task(gold[1], gold[1]))
    t["annotations"][0]["result"].remove(_region(t, "q1", "speaker"))
    assert any("no speaker entity is chosen" in p for p in _problems(t))


def test_two_stances_toward_one_target_are_refused(gold):
    t = _accepted(to_task(gold[1], gold[1]))
    _region(t, "q1", "stance")["value"]["choices"] = ["t1=favor", "t1=against"]
    assert any("two stances toward target 't1'" in p for p in _problems(t))


def test_a_stance_toward_an_unknown_target_fails_validation(gold):
    t = _accepted(to_task(gold[1], gold[1]))
    _region(t, "q1", "stance")["value"]["choices"] = ["t7=favor"]
    assert any("ref.target" in p and "task 1" in p for p in _problems(t))


def test_tasks_not_made_by_us_are_refused(gold):
    t = _accepted(to_task(gold[1], gold[1]))
    del t["data"]["quotestance"]
    assert "quotestance export labelstudio" in _problems(t)[0]


def test_every_imported_record_passes_the_validator():
    for a in import_export(read_export(FX / "labelstudio_export.json")).articles:
        found: list = []
        assert check_article(a, "x", 1, found), found


# --------------------------------------------------------------------- malformed exports

def _annotated_task(gold: list[dict]) -> dict:
    return _accepted(to_task(gold[0], gold[0]))


@pytest.mark.parametrize("mutate, says", [
    (lambda t: _region(t, "q1")["value"].update(labels={"a": 1}),
     "region 'q1': value.labels must be a list of one label, got an object"),
    (lambda t: _region(t, "q1")["value"].update(labels=[["direct"]]),
     "region 'q1': unknown label ['direct']"),
    (lambda t: t.update(annotations=5), "'annotations' must be a list, got an integer"),
    (lambda t: _region(t, "q1", "stance")["value"].update(choices=1.5),
     "region 'q1': value.choices of 'stance' must be a list of strings, got 1.5"),
    (lambda t: _region(t, "q1", "speaker")["value"].update(choices=[["e1"]]),
     "region 'q1': value.choices of 'speaker' must be a list of strings"),
    (lambda t: t["annotations"][0]["result"].append(
        {"type": "relation", "from_id": "q1", "to_id": "q2", "labels": True}),
     "relation 'q1' -> 'q2': 'labels' must be a list of strings, got True"),
    (lambda t: t["data"]["quotestance"].update(entities=7),
     "data.quotestance.entities must be a list, got an integer"),
])
def test_malformed_tasks_are_problems_naming_task_and_region(gold, mutate, says):
    t = _annotated_task(gold)
    mutate(t)
    problems = _problems(t)
    assert any(p.startswith("exp.json: task 1 (article qs-fx-0001)") and says in p
               for p in problems), problems


def test_a_task_that_is_not_an_object_is_a_problem():
    res = import_export([5], "exp.json")
    assert res.problems == ["exp.json: task 1: expected an object, got an integer"]


def _paths(o, p=()):
    if isinstance(o, dict):
        for k, v in o.items():
            yield p + (k,)
            yield from _paths(v, p + (k,))
    elif isinstance(o, list):
        for i, v in enumerate(o):
            yield p + (i,)
            yield from _paths(v, p + (i,))


RECORDED = json.loads((FX / "labelstudio_export.json").read_text("utf-8"))
PATHS = sorted(_paths(RECORDED), key=repr)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 10**20) | st.floats(allow_nan=False)
    | st.text(max_size=5) | st.sampled_from(["direct", "speaker", "cue", "q1", "e1", "t1=favor"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                               max_size=3),
    max_leaves=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PATHS), JSON_VALUES), min_size=1, max_size=3),
       st.booleans())
def test_fuzz_mutated_exports_never_crash_the_import(edits, use_predictions):
    """Any value anywhere in a real export: the import reports problems (or raises its own
    InterchangeError), never a Python error; what it does return passes the validator."""
    tasks = copy.deepcopy(RECORDED)
    for path, value in edits:
        o = tasks
        try:
            for k in path[:-1]:
                o = o[k]
            o[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed this path
    try:
        res = import_export(tasks, "exp.json", use_predictions, "fuzz")
    except InterchangeError:
        return
    assert all(isinstance(p, str) and p.startswith("exp.json: task ") for p in res.problems)
    for a in res.articles:
        found: list = []
        assert check_article(a, "x", 1, found), found


def test_json_min_and_non_json_exports_are_refused(tmp_path):
    m = tmp_path / "min.json"
    m.write_text(json.dumps([{"id": 1, "text": "x", "label": []}]))
    with pytest.raises(InterchangeError, match="JSON_MIN"):
        read_export(m)
    j = tmp_path / "lines.json"
    j.write_text('{"a": 1}\n{"a": 2}\n')
    with pytest.raises(InterchangeError, match="not a JSON document"):
        read_export(j)


# --------------------------------------------------------------------- command line

def test_cli_export_then_import(tmp_path, run_cli, gold):
    src = FX / "articles.jsonl"
    tasks = tmp_path / "tasks.json"
    r = run_cli("export", "labelstudio", src, "-p", src, "-o", tasks)
    assert r.exit_code == 0, r.output
    data = json.loads(tasks.read_text("utf-8"))
    assert len(data) == 2 and all(t["predictions"] for t in data)
    exp = tmp_path / "export.json"
    exp.write_text(json.dumps([_accepted(t) for t in data]), "utf-8")
    out = tmp_path / "back.jsonl"
    r = run_cli("import", "labelstudio", exp, "-o", out)
    assert r.exit_code == 0, r.output
    assert [json.loads(x) for x in out.read_text("utf-8").splitlines()] == gold[:2]


def test_cli_import_with_problems_exits_1_and_writes_nothing(tmp_path, run_cli, gold):
    t = _accepted(to_task(gold[1], gold[1]))
    _region(t, "q1")["value"]["start"] += 1
    exp = tmp_path / "export.json"
    exp.write_text(json.dumps([t]), "utf-8")
    out = tmp_path / "back.jsonl"
    r = run_cli("import", "labelstudio", exp, "-o", out)
    assert r.exit_code == 1
    assert "region 'q1'" in r.stdout
    assert not out.exists()


def test_cli_import_usage_errors(tmp_path, run_cli):
    exp = FX / "labelstudio_export.json"
    assert run_cli("import", "labelstudio", exp).exit_code == 2  # no --output nor --check
    assert run_cli("import", "labelstudio", exp, "--check").exit_code == 0
    r = run_cli("import", "labelstudio", exp, "-o", exp)
    assert r.exit_code == 2 and "refusing to overwrite" in r.stderr
    r = run_cli("import", "labelstudio", tmp_path / "missing.json", "--check")
    assert r.exit_code == 1 and "no such file" in r.stderr


def test_cli_export_strip_gold_leaves_only_text_entities_targets(tmp_path, run_cli):
    out = tmp_path / "tasks.json"
    r = run_cli("export", "labelstudio", FX / "seed.jsonl", "--strip-gold", "-o", out)
    assert r.exit_code == 0
    (task,) = json.loads(out.read_text("utf-8"))
    assert "predictions" not in task and "quotes" not in task["data"]["quotestance"]
    assert task["data"]["quotestance"]["targets"]
