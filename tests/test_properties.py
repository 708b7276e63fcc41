"""Property tests: generated valid articles validate clean; any single rule-breaking mutation is
reported with its line and rule id; the reader and validator never raise on arbitrary bytes."""

from __future__ import annotations

import copy
import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotestance.jsonl import read_lines
from quotestance.validate import validate_files

from .strategies import articles

FUZZ_EXAMPLES = int(os.environ.get("QS_FUZZ_EXAMPLES", "300"))
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _validate_objs(tmp_path, objs) -> list:
    p = tmp_path / "a.jsonl"
    p.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs),
                 encoding="utf-8")
    return validate_files([p]).incidents


@SETTINGS
@given(articles())
def test_generated_articles_validate_clean(tmp_path, art):
    incidents = _validate_objs(tmp_path, [art])
    assert [i for i in incidents if i.level == "error"] == []


MUTATIONS = {
    "span.text": lambda a: a["quotes"][0].update(text=a["quotes"][0]["text"] + "x"),
    "span.bounds": lambda a: a["quotes"][0].update(end=len(a["text"]) + 5),
    "ref.speaker": lambda a: a["quotes"][0].update(speaker="nobody", speaker_mention=None),
    "label.unknown": lambda a: a["quotes"][0].update(type="quoted"),
    "field.missing": lambda a: a.pop("language"),
    "field.type": lambda a: a.update(entities=None),
    "id.duplicate": lambda a: a["entities"].append(dict(a["entities"][0])),
    "ref.continues": lambda a: a["quotes"][0].update(continues="q999"),
}


@SETTINGS
@given(articles().filter(lambda a: a["quotes"]), st.sampled_from(sorted(MUTATIONS)),
       st.integers(1, 3))
def test_single_mutation_is_reported_on_its_line(tmp_path, art, rule, line):
    bad = copy.deepcopy(art)
    MUTATIONS[rule](bad)
    others = [dict(art, id=f"other-{i}") for i in range(1, line)]
    incidents = _validate_objs(tmp_path, [*others, bad])
    errors = {(i.rule, i.line) for i in incidents if i.level == "error"}
    assert (rule, line) in errors
    assert all(ln == line for _, ln in errors)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                 lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c,
                                                                    max_size=4),
                 max_leaves=20).map(lambda o: json.dumps(o).encode()),
), max_size=6), st.sampled_from([b"\n", b"\r\n", b""]))
def test_fuzz_reader_and_validator_never_raise(tmp_path, chunks, sep):
    """Long form: QS_FUZZ_EXAMPLES=200000 pytest tests/test_properties.py -k fuzz"""
    p = tmp_path / "fuzz.jsonl"
    p.write_bytes(sep.join(chunks))
    report = validate_files([p])
    for i in report.incidents:
        assert i.render()
    list(read_lines(p, []))


@SETTINGS
@given(articles())
def test_fuzz_mutated_valid_articles_never_raise(tmp_path, art):
    s = json.dumps(art, ensure_ascii=False)
    for cut in (len(s) // 3, len(s) // 2):
        p = tmp_path / "m.jsonl"
        p.write_text(s[:cut] + s[cut + 1:] + "\n", encoding="utf-8")
        validate_files([p])
