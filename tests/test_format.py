"""One source of truth: the records, the JSON Schema, the HF features and the docs agree."""

from __future__ import annotations

import json
from dataclasses import fields

import jsonschema
import pytest

from quotestance import records
from quotestance.format import generated_files, hf_features, json_schema
from quotestance.labels import QUOTE_TYPES, STANCE_LABELS, target_category_ids

from .conftest import CORPUS, FIXTURES, ROOT


@pytest.mark.parametrize("name", sorted(generated_files()))
def test_generated_schema_files_are_fresh(name):
    current = (ROOT / "schema" / name).read_text(encoding="utf-8")
    assert current == generated_files()[name], "run: python -m quotestance.format --write"


def test_schema_properties_match_the_records():
    schema = json_schema()
    assert list(schema["properties"]) == [f.name for f in fields(records.Article)]
    q = schema["$defs"]["Quote"]
    assert list(q["properties"]) == [f.name for f in fields(records.Quote)]
    assert q["properties"]["type"]["enum"] == list(QUOTE_TYPES)
    assert schema["$defs"]["Stance"]["properties"]["label"]["enum"] == list(STANCE_LABELS)
    cats = schema["$defs"]["Target"]["properties"]["category"]["enum"]
    assert set(cats) - {None} == set(target_category_ids())


def test_hf_features_match_the_records():
    feats = hf_features("articles")
    assert list(feats) == [f.name for f in fields(records.Article)]
    assert list(feats["quotes"].feature) == [f.name for f in fields(records.Quote)]
    assert feats["quotes"].feature["type"].names == list(QUOTE_TYPES)
    assert feats["quotes"].feature["stances"].feature["label"].names == list(STANCE_LABELS)


def test_docs_table_lists_every_field():
    doc = (ROOT / "schema" / "FORMAT.md").read_text(encoding="utf-8")
    for cls in records.RECORD_TYPES:
        for f in fields(cls):
            assert f"| `{f.name}` |" in doc


def _corpus_lines():
    for split in ("train", "validation", "test"):
        p = CORPUS / "data" / "articles" / f"{split}.jsonl"
        for line in p.read_text(encoding="utf-8").splitlines():
            yield json.loads(line)


def test_json_schema_accepts_the_corpus_and_fixtures():
    """An independent implementation (jsonschema) agrees with our validator on valid data."""
    validator = jsonschema.Draft202012Validator(json_schema())
    objs = list(_corpus_lines())
    objs.append(json.loads((FIXTURES / "valid" / "small.jsonl").read_text(encoding="utf-8")))
    for obj in objs:
        errors = list(validator.iter_errors(obj))
        assert not errors, (obj["id"], errors[0].message)


@pytest.mark.parametrize("name", ["field.missing", "field.unknown", "field.type",
                                  "label.unknown", "category.unknown"])
def test_json_schema_rejects_structural_fixtures(name):
    validator = jsonschema.Draft202012Validator(json_schema())
    line = (FIXTURES / "invalid" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()[1]
    assert list(validator.iter_errors(json.loads(line)))


def test_records_round_trip_the_corpus():
    from quotestance import load_corpus

    raw = list(_corpus_lines())
    assert [a.to_dict() for a in load_corpus()] == raw
