"""The validator's fast path and its detailed checks agree: clean means clean."""

from __future__ import annotations

import copy
import json

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotestance.fastcheck import check_semantics, check_structure, structure_source
from quotestance.validate import _check_detailed

from .conftest import CORPUS, FIXTURES


def fast_ok(obj) -> bool:
    return check_structure(obj) >= 0 and check_semantics(obj, None)


def detailed_ok(obj) -> bool:
    out: list = []
    _check_detailed(obj, "x", 1, out, None)
    return not out


def corpus_articles():
    for f in sorted((CORPUS / "data" / "articles").glob("*.jsonl")):
        yield from (orjson.loads(x) for x in f.read_bytes().splitlines())


def test_generated_source_mentions_every_label_set():
    src, consts = structure_source()
    assert "def check_structure" in src and "_E_QuoteType" in consts and "_CATS" in consts


def test_corpus_articles_pass_both_paths():
    for a in corpus_articles():
        assert fast_ok(a) and detailed_ok(a), a["id"]


@pytest.mark.parametrize("path", sorted((FIXTURES / "invalid").glob("*.jsonl")),
                         ids=lambda p: p.stem)
def test_fast_path_rejects_what_the_detailed_path_reports(path):
    for line in path.read_bytes().splitlines():
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if not isinstance(obj, dict):
            continue
        assert fast_ok(obj) == detailed_ok(obj), path.name


BASE = json.loads((FIXTURES / "valid" / "small.jsonl").read_text(encoding="utf-8"))
LEAVES = []


def _leaves(o, path=()):
    if isinstance(o, dict):
        for k, v in o.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(o, list):
        for i, v in enumerate(o):
            yield from _leaves(v, path + (i,))
    yield path


LEAVES = [p for p in _leaves(BASE) if p]
JUNK = st.one_of(st.none(), st.integers(-3, 300), st.text(max_size=5), st.booleans(),
                 st.just([]), st.just({}), st.floats(allow_nan=False, width=16))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(LEAVES), JUNK, st.booleans())
def test_any_single_mutation_is_judged_the_same_by_both_paths(path, value, delete):
    a = copy.deepcopy(BASE)
    parent = a
    for k in path[:-1]:
        parent = parent[k]
    if delete and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    assert fast_ok(a) == detailed_ok(a)
