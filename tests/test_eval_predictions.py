"""The prediction format: what is accepted, and a `path:line: what` for everything that is not."""

from __future__ import annotations

import copy
import json

import pytest

from quotestance.evaluation import PredictionError, evaluate_articles, load_predictions

from .conftest import FIXTURES, write_jsonl

GOLD_FILE = FIXTURES / "eval" / "walkthrough_gold.jsonl"


@pytest.fixture()
def gold():
    return [json.loads(GOLD_FILE.read_text(encoding="utf-8"))]


def _q(gold, k, **kw):
    q = gold[0]["quotes"][k]
    return {"start": q["start"], "end": q["end"], **kw}


def _errors(gold, preds, tmp_path):
    f = write_jsonl(tmp_path / "pred.jsonl", preds)
    with pytest.raises(PredictionError) as e:
        evaluate_articles(gold, load_predictions(f))
    return f, e.value.messages


def test_any_gold_file_is_a_valid_prediction_file():
    for f in (GOLD_FILE, FIXTURES / "valid" / "small.jsonl"):
        preds = load_predictions(f)
        gold = [json.loads(x) for x in f.read_text(encoding="utf-8").splitlines()]
        res = evaluate_articles(gold, preds)
        assert all(v == 1.0 for k, v in res.scores.items()), res.scores


def test_minimal_prediction_needs_only_id_and_spans(gold):
    res = evaluate_articles(gold, [{"id": "qs-walk1", "quotes": [_q(gold, 1)]}], ("quotes",))
    assert res.scores["quotes.exact.p"] == 1.0 and res.scores["quotes.exact.r"] == 0.25


def test_unknown_article_id(gold, tmp_path):
    f, msgs = _errors(gold, [{"id": "qs-walk1", "quotes": []},
                             {"id": "nope", "quotes": []}], tmp_path)
    assert msgs == [f"{f}:2: article id 'nope' is not in the gold data"]


def test_duplicate_article_id(gold, tmp_path):
    f, msgs = _errors(gold, [{"id": "qs-walk1", "quotes": []}] * 2, tmp_path)
    assert msgs == [f"{f}:2: duplicate article id 'qs-walk1' (first at {f}:1)"]


def test_span_outside_text(gold, tmp_path):
    n = len(gold[0]["text"])
    f, msgs = _errors(gold, [{"id": "qs-walk1", "quotes": [{"start": n - 2, "end": n + 3}]}],
                      tmp_path)
    assert msgs == [f"{f}:1: article 'qs-walk1' quotes[0]: span [{n - 2}, {n + 3}) lies "
                    f"outside the text (length {n})"]


def test_quote_text_mismatch(gold, tmp_path):
    f, msgs = _errors(gold, [{"id": "qs-walk1", "quotes": [_q(gold, 0, text="wrong")]}],
                      tmp_path)
    assert len(msgs) == 1 and msgs[0].startswith(f"{f}:1: article 'qs-walk1' quotes[0]: text")


def test_article_text_mismatch(gold, tmp_path):
    p = copy.deepcopy(gold[0])
    p["text"] = p["text"].replace("Tariff", "Tarrif")
    f, msgs = _errors(gold, [p], tmp_path)
    assert len(msgs) == 1 and "'text' differs from the gold article's text from offset 3" in \
        msgs[0] and msgs[0].startswith(f"{f}:1:")


@pytest.mark.parametrize("quote, needle", [
    ({"start": 5}, "quotes[0].end: expected an integer"),
    ({"start": 5, "end": 5}, "is empty or negative"),
    ({"start": "5", "end": 9}, "quotes[0].start: expected an integer"),
    ({"start": 1, "end": 9, "type": "quoted"}, "quotes[0].type: must be one of"),
    ({"start": 1, "end": 9, "speeker": "e1"}, "unknown field 'speeker'"),
    ({"start": 1, "end": 9, "speaker": "e1", "speaker_name": "Ana"}, "not both"),
    ({"start": 1, "end": 9, "stances": [{"target": "t1", "label": "pro"}]}, "label: must be"),
    ({"start": 1, "end": 9, "stances": [{"target": "t1", "label": "favor"}] * 2},
     "two stances toward target 't1'"),
])
def test_malformed_quotes(gold, tmp_path, quote, needle):
    f = write_jsonl(tmp_path / "p.jsonl", [{"id": "qs-walk1", "quotes": [quote]}])
    with pytest.raises(PredictionError) as e:
        load_predictions(f)
    assert any(m.startswith(f"{f}:1:") and needle in m for m in e.value.messages), \
        e.value.messages


@pytest.mark.parametrize("stances", ["ab", {"target": "t1", "label": "favor"}])
def test_stances_that_are_not_an_array_give_one_message(gold, tmp_path, stances):
    f = write_jsonl(tmp_path / "p.jsonl",
                    [{"id": "qs-walk1", "quotes": [{"start": 1, "end": 9, "stances": stances}]}])
    with pytest.raises(PredictionError) as e:
        load_predictions(f)
    [m] = e.value.messages  # not one more per character or key
    assert m.startswith(f"{f}:1: article 'qs-walk1' quotes[0].stances: expected an array"), m


@pytest.mark.parametrize("extra, needle", [
    ({"entities": "e1"}, "'entities' must be an array, got string"),
    ({"targets": {"t1": "x"}}, "'targets' must be an array, got object"),
    ({"entities": [{"id": "e1"}]}, "entities[0]: expected an object with string 'id' and 'name'"),
    ({"targets": [{"id": "t1", "name": 3}]},
     "targets[0]: expected an object with string 'id' and 'name'"),
    ({"entities": [{"id": "e1", "name": "A", "aliases": "B"}]},
     "entities[0]: 'aliases' must be strings, 'kb_id' a string or null"),
    ({"entities": [{"id": "e1", "name": "A", "kb_id": 7}]}, "entities[0]: 'aliases' must"),
])
def test_malformed_own_entity_and_target_lists(tmp_path, extra, needle):
    f = write_jsonl(tmp_path / "p.jsonl", [{"id": "qs-walk1", "quotes": [], **extra}])
    with pytest.raises(PredictionError) as e:
        load_predictions(f)
    [m] = e.value.messages
    assert m.startswith(f"{f}:1: article 'qs-walk1'") and needle in m, m


def test_bad_json_and_missing_quotes(tmp_path):
    f = tmp_path / "p.jsonl"
    f.write_text('{"id": "a", "quotes": []}\n{"id": "b"\n{"id": "c"}\n[1]\n', encoding="utf-8")
    with pytest.raises(PredictionError) as e:
        load_predictions(f)
    m = e.value.messages
    assert m[0].startswith(f"{f}:2: error json.invalid")
    assert any(x.startswith(f"{f}:3:") and "missing field 'quotes'" in x for x in m)
    assert any(x.startswith(f"{f}:4:") and "expected a JSON object" in x for x in m)


def test_duplicate_keys_are_errors(tmp_path):
    f = tmp_path / "p.jsonl"
    f.write_text('{"id": "a", "quotes": []}\n'
                 '{"id": "b", "quotes": [], "quotes": [{"start": 0, "end": 4}]}\n'
                 '{"id": "c", "quotes": [{"start": 0, "end": 4, "end": 9}]}\n', encoding="utf-8")
    with pytest.raises(PredictionError) as e:
        load_predictions(f)
    m = e.value.messages
    assert len(m) == 2
    assert m[0].startswith(f"{f}:2: error json.duplicate-key: key 'quotes' appears twice")
    assert m[1].startswith(f"{f}:3: error json.duplicate-key: key 'end' appears twice")


def test_two_own_targets_mapping_to_one_gold_target_are_refused(gold):
    own = [{"id": "a", "name": "the tariff deal"}, {"id": "b", "name": "The Tariff  Deal"}]
    pred = [{"id": "qs-walk1", "targets": own, "quotes": [
        _q(gold, 0, stances=[{"target": "a", "label": "favor"}]),
        _q(gold, 1, stances=[{"target": "a", "label": "against"},
                             {"target": "b", "label": "against"}])]}]
    with pytest.raises(PredictionError) as e:
        evaluate_articles(gold, pred)
    assert e.value.messages == [
        "<predictions>:1: article 'qs-walk1' quotes[1]: stance targets 'a' and 'b' both map to "
        "gold target 't1' (by name 'The Tariff  Deal'); give one stance per target"]


def test_unknown_speaker_and_target_ids(gold, tmp_path):
    f, msgs = _errors(gold, [{"id": "qs-walk1", "quotes": [
        _q(gold, 0, speaker="e9"),
        _q(gold, 1, stances=[{"target": "t7", "label": "favor"}])]}], tmp_path)
    assert len(msgs) == 2
    assert "quotes[0].speaker: 'e9' is not an entity id of gold article" in msgs[0]
    assert "quotes[1]: stance target 't7' is not a target id" in msgs[1]


@pytest.mark.parametrize("name, right", [
    ("Ana Lopez", True), ("ana  LOPEZ", True), ("Minister Ana Lopez", True), ("Lopez", True),
    ("Tom Berg", False), ("A. Lopez", False),
])
def test_speaker_name_resolution(gold, name, right):
    pred = [{"id": "qs-walk1", "quotes": [_q(gold, 0, speaker_name=name)]}]
    res = evaluate_articles(gold, pred, ("speakers",))
    assert res.scores["speakers.accuracy_matched"] == (1.0 if right else 0.0)
    assert res.counts.get("speakers.unresolved", 0) == (1 if name == "A. Lopez" else 0)


def test_own_entity_and_target_lists_are_mapped_by_name(gold):
    other = copy.deepcopy(gold[0])
    for e in other["entities"]:
        e["id"] = "x-" + e["id"]
    for t in other["targets"]:
        t["id"] = "y-" + t["id"]
    other["entities"].reverse()
    for q in other["quotes"]:
        q["speaker"] = "x-" + q["speaker"]
        for s in q["stances"]:
            s["target"] = "y-" + s["target"]
    res = evaluate_articles(gold, [other])
    assert res.scores["speakers.accuracy"] == 1.0 and res.scores["e2e.f1"] == 1.0


def test_missing_articles_count_as_empty_and_are_listed(gold):
    second = copy.deepcopy(gold[0])
    second["id"] = "qs-walk2"
    res = evaluate_articles(gold + [second], gold)
    assert res.articles["missing"] == ["qs-walk2"]
    assert res.scores["quotes.exact.r"] == 0.5 and res.scores["quotes.exact.p"] == 1.0


def test_articles_are_matched_by_id_not_position(gold):
    second = copy.deepcopy(gold[0])
    second["id"] = "qs-walk2"
    second["quotes"] = second["quotes"][:1]
    both = gold + [second]
    assert evaluate_articles(both, list(reversed(both))).scores["quotes.exact.f1"] == 1.0
