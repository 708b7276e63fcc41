"""One invalid fixture per validation rule: the validator reports exactly that rule, on that line."""

from __future__ import annotations

import json

import pytest

from quotestance.incidents import RULES
from quotestance.validate import validate_files

from .conftest import FIXTURES

INVALID = FIXTURES / "invalid"
EXPECTED = json.loads((INVALID / "EXPECTED.json").read_text(encoding="utf-8"))
CORPUS_RULES = {"kb.unknown", "corpus.split-mismatch", "corpus.missing-split", "corpus.leak",
                "corpus.checksum", "corpus.manifest", "corpus.interrupted"}  # tested in test_corpus_checks.py


def test_every_rule_has_a_fixture_or_a_corpus_test():
    covered = {rule for rule, _ in EXPECTED.values()} | CORPUS_RULES
    assert covered == set(RULES)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_reports_exactly_its_rule(name):
    rule, line = EXPECTED[name]
    report = validate_files([INVALID / name])
    found = {(i.rule, i.line) for i in report.incidents}
    assert found == {(rule, line)}, [i.render() for i in report.incidents]
    assert report.ok == (RULES[rule][0] != "error")


def test_valid_fixture_is_clean():
    report = validate_files([FIXTURES / "valid" / "small.jsonl"])
    assert report.incidents == [] and report.articles == 1 and report.quotes == 2


def test_every_finding_is_reported_not_only_the_first(tmp_path, base_article):
    a = json.loads(json.dumps(base_article))
    a["quotes"][0]["text"] = "wrong"
    a["quotes"][1]["stances"][0]["label"] = "pro"
    a["targets"][0]["category"] = "sport"
    p = tmp_path / "many.jsonl"
    p.write_text(json.dumps(a) + "\n" + "not json\n", encoding="utf-8")
    rules = sorted(i.rule for i in validate_files([p]).incidents)
    assert rules == ["category.unknown", "json.invalid", "label.unknown", "span.text"]


def test_message_quotes_the_offending_value():
    report = validate_files([INVALID / "label.unknown.jsonl"])
    (inc,) = report.incidents
    assert "'positive'" in inc.message and inc.json_path == "quotes[0].stances[0].label"
    assert inc.render().startswith(f"{INVALID / 'label.unknown.jsonl'}:2: error label.unknown:")


def test_validator_never_modifies_its_input():
    before = {p.name: p.read_bytes() for p in INVALID.glob("*.jsonl")}
    for p in INVALID.glob("*.jsonl"):
        validate_files([p])
    assert before == {p.name: p.read_bytes() for p in INVALID.glob("*.jsonl")}
